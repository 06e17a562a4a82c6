import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { buildBindingRequest, decodeStunMessage } from '@acs/stun';
import { expectEventually, uniqueName } from '@acs/testing';
import { RedisBindingStore } from '../adapters/binding-store.redis';
import { InMemoryDeviceContactDirectory } from '../adapters/device-contact.memory';
import { InMemoryStunCredentials } from '../adapters/stun-credentials.adapters';
import { AddressPolicy } from '../http/address.policy';
import { SystemClock } from '../ports/clock.port';
import { CONNREQ_RESULTS_TOPIC, CONNREQ_WAKEUPS_TOPIC } from '../schema/connreq.topics';
import { parseConnreqResult, WAKEUP_SCHEMA_V1, type ConnreqResult } from '../schema/wakeup.schema';
import { loadConnreqConfig } from '../service/connreq.config';
import { startConnreqRuntime, type ConnreqRuntime } from '../service/connreq.runtime';
import { startStunServer, type StunService } from '../service/stun.service';
import { parseUdpConnectionRequest, verifyUdpConnectionRequest } from '../udp/annex-g.message';
import { startUdpRelay, type UdpRelay } from './udp-relay.consumer';
import { CONNREQ_UDP_RELAY_TOPIC } from './udp-relay.schema';

// The split deployment over real Kafka and Redis: a STUN pod (its own server, node "stun-a",
// relaying) learns the CPE's binding; a connection-request pod without a STUN socket wakes the
// CPE by asking stun-a, over the bus, to send the Annex G request from the socket the CPE's
// pinhole is open to.
const { KAFKA_BROKERS, REDIS_URL } = loadInfraConfig();

describe('UDP wake-ups relayed to the STUN node', () => {
  const prefix = `${uniqueName('connreq-relay')}.`;
  const results: ConnreqResult[] = [];
  let stunBus: KafkaEventBus;
  let crBus: KafkaEventBus;
  let stunBindings: RedisBindingStore;
  let crBindings: RedisBindingStore;
  let stun: StunService;
  let relay: UdpRelay;
  let runtime: ConnreqRuntime;
  let cpe: Socket;
  const directory = new InMemoryDeviceContactDirectory();
  const credentials = new InMemoryStunCredentials();

  beforeAll(async () => {
    const bus = (clientId: string) =>
      new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId, prefix, sessionTimeoutMs: 6_000 });
    stunBus = bus('relay-stun');
    crBus = bus('relay-cr');
    await crBus.ensureTopics([
      { name: CONNREQ_UDP_RELAY_TOPIC, partitions: 1 },
      { name: CONNREQ_WAKEUPS_TOPIC, partitions: 1 },
      { name: CONNREQ_RESULTS_TOPIC, partitions: 1 },
    ]);
    stunBindings = new RedisBindingStore({ url: REDIS_URL, keyPrefix: `${prefix}:` });
    crBindings = new RedisBindingStore({ url: REDIS_URL, keyPrefix: `${prefix}:` });
    stun = await startStunServer({
      host: '127.0.0.1',
      port: 0,
      credentials,
      bindings: stunBindings,
      clock: new SystemClock(),
      node: 'stun-a',
    });
    relay = await startUdpRelay({
      bus: stunBus,
      node: 'stun-a',
      sender: stun,
      clock: new SystemClock(),
      policy: new AddressPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    });
    runtime = await startConnreqRuntime({
      config: loadConnreqConfig({
        CONNREQ_EMBED_STUN: 'false',
        CONNREQ_UDP_VIA_RELAY: 'true',
        CONNREQ_RECORD_CONTACTS: 'false',
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
        CONNREQ_UDP_GAP_MS: '10',
      }),
      bus: crBus,
      directory,
      bindings: crBindings,
      stunCredentials: credentials,
    });
    await crBus.subscribe({
      groupId: 'results',
      topics: [CONNREQ_RESULTS_TOPIC],
      handler: (m) => Promise.resolve(void results.push(parseConnreqResult(m.value))),
    });
    cpe = createSocket('udp4');
    await new Promise<void>((resolve) => cpe.bind(0, '127.0.0.9', resolve));
    // The relay reads from the latest offset: probe until its consumer has joined (bounded).
    for (let i = 0; i < 30 && relay.counters.malformed === 0; i++) {
      await crBus.publish(CONNREQ_UDP_RELAY_TOPIC, [{ key: 'stun-a', value: 'probe' }]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 60_000);

  afterAll(async () => {
    cpe.close();
    await runtime.stop();
    await relay.stop();
    await stun.stop();
    await Promise.all([stunBus.close(), crBus.close(), stunBindings.close(), crBindings.close()]);
  });

  it('learns the binding on the STUN node and wakes the CPE from its socket via the bus', async () => {
    expect(relay.counters.malformed).toBeGreaterThan(0);
    credentials.set('stun-dev-r', { deviceId: 'dev-r', password: 'stun-pw' });
    await directory.put({ deviceId: 'dev-r', udp: { username: 'cr-user', password: 'cr-pass' } });
    const answered = new Promise<Buffer>((resolve) => cpe.once('message', resolve));
    cpe.send(
      buildBindingRequest({
        transactionId: Buffer.alloc(12, 7),
        username: 'stun-dev-r',
        integrityKey: Buffer.from('stun-pw'),
        connectionRequestBinding: true,
      }),
      stun.port,
      '127.0.0.1',
    );
    expect(decodeStunMessage(await answered).cls).toBe('success');
    await expectEventually(async () => expect((await crBindings.get('dev-r'))?.via).toBe('stun-a'));
    const seen: { from: RemoteInfo; ok: boolean }[] = [];
    cpe.on('message', (m, from) => {
      try {
        seen.push({
          from,
          ok: verifyUdpConnectionRequest(parseUdpConnectionRequest(m), 'cr-pass'),
        });
      } catch {
        seen.push({ from, ok: false });
      }
    });
    await crBus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: 'dev-r',
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId: 'dev-r',
          requestedAt: new Date().toISOString(),
        }),
      },
    ]);
    await expectEventually(
      () => expect(results.find((r) => r.deviceId === 'dev-r')).toMatchObject({ outcome: 'sent' }),
      30_000,
    );
    await expectEventually(() => expect(seen.length).toBeGreaterThanOrEqual(1), 30_000);
    // From the STUN node's socket, signed with the device's credentials.
    expect(seen.every((s) => s.ok && s.from.port === stun.port)).toBe(true);
    expect(relay.counters).toMatchObject({ others: 0, stale: 0, denied: 0, failed: 0 });
  }, 60_000);
});
