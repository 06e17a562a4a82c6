import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { escapePathKey } from '@acs/domain';
import { encodeEvent, TOPICS, type InformEventV1 } from '@acs/events';
import { MongoDocumentStore } from '@acs/store';
import { expectEventually, uniqueName } from '@acs/testing';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import { StoreDeviceContactDirectory } from '../adapters/device-contact.store';
import { StoreStunCredentials } from '../adapters/stun-credentials.adapters';
import { CONNREQ_RESULTS_TOPIC, CONNREQ_WAKEUPS_TOPIC } from '../schema/connreq.topics';
import { parseConnreqResult, WAKEUP_SCHEMA_V1, type ConnreqResult } from '../schema/wakeup.schema';
import { loadConnreqConfig } from '../service/connreq.config';
import { startConnreqRuntime, type ConnreqRuntime } from '../service/connreq.runtime';
import { CpeHttpServer } from '../testing/cpe-http.server';

// The split deployment's path: the gateway's Inform on Kafka, provisioning's device document in
// FerretDB holding the ConnectionRequestPassword/STUNPassword it set, and the connection-request
// runtime (as apps/connection-request starts it) filling its store-backed directory and STUN
// credentials from them; then a wake-up with only the device id reaches the CPE.
const { KAFKA_BROKERS, MONGODB_URI } = loadInfraConfig();
const DEVICE = '00D09E-HGW-SN7';

describe('ContactRecorder in the connection-request runtime', () => {
  const prefix = `${uniqueName('connreq-contacts')}.`;
  let bus: KafkaEventBus;
  let store: MongoDocumentStore;
  let runtime: ConnreqRuntime;
  let cpe: CpeHttpServer;
  const results: ConnreqResult[] = [];

  beforeAll(async () => {
    bus = new KafkaEventBus({
      brokers: KAFKA_BROKERS,
      clientId: 'connreq-contacts-test',
      prefix,
      sessionTimeoutMs: 6_000,
    });
    await bus.ensureTopics([
      { name: TOPICS.informs, partitions: 1 },
      { name: TOPICS.sessions, partitions: 1 },
      { name: CONNREQ_WAKEUPS_TOPIC, partitions: 1 },
      { name: CONNREQ_RESULTS_TOPIC, partitions: 1 },
    ]);
    store = await MongoDocumentStore.connect({
      uri: MONGODB_URI,
      database: uniqueName('connreq_contacts').replace(/-/g, '_'),
      serverSelectionTimeoutMS: 5_000,
    });
    cpe = new CpeHttpServer({ username: 'cr-user', password: 'cr-set-by-acs' });
    await cpe.listen();
    runtime = await startConnreqRuntime({
      config: loadConnreqConfig({
        CONNREQ_EMBED_STUN: 'false',
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
      }),
      bus,
      directory: await StoreDeviceContactDirectory.open(store),
      stunCredentials: await StoreStunCredentials.open(store),
      bindings: new InMemoryBindingStore(),
    });
    await bus.subscribe({
      groupId: 'results-reader',
      topics: [CONNREQ_RESULTS_TOPIC],
      handler: (m) => Promise.resolve(void results.push(parseConnreqResult(m.value))),
    });
  }, 60_000);

  afterAll(async () => {
    await runtime.stop();
    await cpe.close();
    await bus.close();
    await store.close();
  });

  it('records the contact from an Inform and the stored passwords, then wakes by device id only', async () => {
    // What provisioning stores: the username read, the passwords as it set them (reads are empty).
    const node = (value: string, set?: string) => ({
      kind: 'parameter',
      value: { type: 'string', value },
      valueReadAt: 1,
      ...(set === undefined
        ? {}
        : { lastSet: { value: { type: 'string', value: set }, at: 2, drift: 0 } }),
    });
    const ms = (n: string) => escapePathKey(`Device.ManagementServer.${n}`);
    const devices = await store.collection<{ _id: string; state: unknown }>('devices');
    await devices.upsert({
      _id: DEVICE,
      state: {
        root: 'Device.',
        nodes: {
          [ms('ConnectionRequestUsername')]: node('cr-user'),
          [ms('ConnectionRequestPassword')]: node('', 'cr-set-by-acs'),
          [ms('STUNUsername')]: node('stun-7'),
          [ms('STUNPassword')]: node('', 'stun-secret'),
        },
      },
    });
    const inform: InformEventV1 = {
      schema: 'cwmp.inform.v1',
      eventId: 'inform-1',
      deviceId: DEVICE,
      sessionId: 'session-1',
      occurredAt: new Date().toISOString(),
      cwmpVersion: '1.2',
      inform: {
        type: 'Inform',
        deviceId: { manufacturer: 'ACME', oui: '00D09E', productClass: 'HGW', serialNumber: 'SN7' },
        event: [{ eventCode: '2 PERIODIC', commandKey: '' }],
        maxEnvelopes: 1,
        currentTime: new Date().toISOString(),
        retryCount: 0,
        parameterList: [
          {
            name: 'Device.ManagementServer.ConnectionRequestURL',
            value: { type: 'string', value: cpe.url(`/cr/${DEVICE}`) },
          },
        ],
      },
    };
    await bus.publish(TOPICS.informs, [{ key: DEVICE, value: encodeEvent(inform) }]);
    const stun = await StoreStunCredentials.open(store);
    await expectEventually(
      async () =>
        expect(await stun.lookup('stun-7')).toEqual({ deviceId: DEVICE, password: 'stun-secret' }),
      30_000,
    );

    await bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: DEVICE,
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId: DEVICE,
          requestedAt: new Date().toISOString(),
        }),
      },
    ]);
    await expectEventually(
      () => expect(results.map((r) => r.outcome)).toEqual(['accepted']),
      30_000,
    );
    expect(cpe.counts).toMatchObject({ challenged: 1, accepted: 1, refused: 0 });
    expect(runtime.contacts?.stats).toMatchObject({ recorded: 1, malformed: 0 });
  }, 60_000);
});
