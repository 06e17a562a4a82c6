import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { MongoDocumentStore } from '@acs/store';
import { expectEventually, uniqueName } from '@acs/testing';
import { CryptoRandom } from '../adapters/crypto.random';
import { InMemoryBindingStore } from '../adapters/binding-store.memory';
import { StoreDeviceContactDirectory } from '../adapters/device-contact.store';
import { AddressPolicy } from '../http/address.policy';
import { HttpConnectionRequester } from '../http/http-connreq.client';
import { SystemClock } from '../ports/clock.port';
import { CONNREQ_RESULTS_TOPIC, CONNREQ_WAKEUPS_TOPIC } from '../schema/connreq.topics';
import { parseConnreqResult, WAKEUP_SCHEMA_V1, type ConnreqResult } from '../schema/wakeup.schema';
import { CpeHttpServer } from '../testing/cpe-http.server';
import { startConnectionRequestService, type ConnectionRequestService } from './connreq.service';

const { KAFKA_BROKERS, MONGODB_URI } = loadInfraConfig();

describe(startConnectionRequestService.name, () => {
  const prefix = `${uniqueName('connreq')}.`;
  let bus: KafkaEventBus;
  let store: MongoDocumentStore;
  let directory: StoreDeviceContactDirectory;
  let service: ConnectionRequestService;
  let cpe: CpeHttpServer;
  const results: ConnreqResult[] = [];
  const resultFor = async (deviceId: string): Promise<ConnreqResult> => {
    await expectEventually(() => results.some((x) => x.deviceId === deviceId), 30_000);
    return results.find((x) => x.deviceId === deviceId)!;
  };

  beforeAll(async () => {
    bus = new KafkaEventBus({
      brokers: KAFKA_BROKERS,
      clientId: 'connreq-test',
      prefix,
      sessionTimeoutMs: 6_000,
    });
    await bus.ensureTopics([
      { name: CONNREQ_WAKEUPS_TOPIC, partitions: 2 },
      { name: CONNREQ_RESULTS_TOPIC, partitions: 2 },
    ]);
    store = await MongoDocumentStore.connect({
      uri: MONGODB_URI,
      database: uniqueName('connreq').replace(/-/g, '_'),
      serverSelectionTimeoutMS: 5_000,
    });
    directory = await StoreDeviceContactDirectory.open(store);
    cpe = new CpeHttpServer({ username: 'cr-user', password: 'cr-pass' });
    await cpe.listen();
    service = await startConnectionRequestService({
      bus,
      directory,
      bindings: new InMemoryBindingStore(),
      requesters: {
        http: new HttpConnectionRequester({
          policy: new AddressPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
          random: new CryptoRandom(),
          timeoutMs: 3_000,
        }),
      },
      clock: new SystemClock(),
      random: new CryptoRandom(),
    });
    await bus.subscribe({
      groupId: 'results-reader',
      topics: [CONNREQ_RESULTS_TOPIC],
      handler: (m) => {
        results.push(parseConnreqResult(m.value));
        return Promise.resolve();
      },
    });
  }, 60_000);

  afterAll(async () => {
    await service.stop();
    await bus.close();
    await cpe.close();
    await store.close();
  });

  it('wakes a device from a Kafka command, publishes the result and keeps it visible per device', async () => {
    await directory.put({
      deviceId: 'dev-a',
      http: { url: cpe.url('/cr/dev-a'), username: 'cr-user', password: 'cr-pass' },
    });
    await bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: 'dev-a',
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId: 'dev-a',
          requestedAt: new Date().toISOString(),
          reason: 'test',
        }),
      },
    ]);
    const r = await resultFor('dev-a');
    expect(r).toMatchObject({ outcome: 'accepted', method: 'http' });
    expect(cpe.acceptedPaths).toContain('/cr/dev-a');
    // The result is published and recorded at the same time: the record may land just after.
    await expectEventually(async () =>
      expect(await directory.status('dev-a')).toMatchObject({
        lastMethod: 'http',
        lastResult: { outcome: 'accepted' },
      }),
    );
  }, 40_000);

  it('uses inline contact data and records wrong credentials as a device fault', async () => {
    await bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: 'dev-b',
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId: 'dev-b',
          requestedAt: new Date().toISOString(),
          contact: {
            deviceId: 'dev-b',
            http: { url: cpe.url('/cr/dev-b'), username: 'cr-user', password: 'nope' },
          },
        }),
      },
    ]);
    const r = await resultFor('dev-b');
    expect(r.outcome).toBe('auth-failed');
    await expectEventually(async () =>
      expect((await directory.status('dev-b'))?.credentialsFault).toMatchObject({
        method: 'http',
      }),
    );
  }, 40_000);

  it('skips and counts a malformed command without blocking the partition', async () => {
    await bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      { key: 'dev-c', value: '{"schema":"acs.connreq.wakeup/0"}' },
      { key: 'dev-c', value: 'not json' },
    ]);
    await directory.put({
      deviceId: 'dev-c',
      http: { url: cpe.url('/cr/dev-c'), username: 'cr-user', password: 'cr-pass' },
    });
    await bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: 'dev-c',
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId: 'dev-c',
          requestedAt: new Date().toISOString(),
        }),
      },
    ]);
    await expectEventually(() => results.some((x) => x.deviceId === 'dev-c'), 30_000);
    expect(service.stats.malformed).toBe(2);
  }, 40_000);
});
