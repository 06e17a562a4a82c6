import { createSocket, type RemoteInfo } from 'node:dgram';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  BusDatagramSender,
  CONNREQ_UDP_RELAY_TOPIC,
  SystemClock,
  buildUdpConnectionRequest,
} from '@acs/connreq';
import { initAppTelemetry, telemetryConfigSchema, type TelemetryHandle } from '@acs/telemetry';
import { expectEventually, uniqueName } from '@acs/testing';
import { STUN_VERSION, loadStunAppConfig } from '../src/stun.config';
import { startStunApp, type StunApp } from '../src/stun.runtime';

// The stun app with STUN_NODE_ID (split deployment): a connection-request pod's relayed UDP wake-up
// (over real Kafka) leaves from this app's STUN socket to the CPE.

jest.setTimeout(60_000);

describe('stun app relaying UDP wake-ups (Kafka)', () => {
  const id = uniqueName('stun-relay');
  const prefix = `${id}.`;
  let telemetry: TelemetryHandle;
  let app: StunApp;
  let bus: KafkaEventBus;

  beforeAll(async () => {
    const { REDIS_URL, MONGODB_URI, KAFKA_BROKERS } = loadInfraConfig();
    telemetry = await initAppTelemetry(
      telemetryConfigSchema.parse({}),
      { serviceName: 'stun', serviceVersion: STUN_VERSION },
      { metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    bus = new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId: 'relay-e2e', prefix });
    await bus.ensureTopics([{ name: CONNREQ_UDP_RELAY_TOPIC, partitions: 1 }]);
    app = await startStunApp(
      loadStunAppConfig({
        REDIS_URL,
        MONGODB_URI,
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        ACS_TOPIC_PREFIX: prefix,
        ACS_REDIS_PREFIX: `${id}:`,
        ACS_DATABASE: id.replace(/[^A-Za-z0-9_]/g, '_'),
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        STUN_NODE_ID: 'stun-e2e',
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await app.stop();
    await bus.close();
    await telemetry.shutdown();
  });

  it('sends a relayed Annex G request from its STUN socket', async () => {
    const relay = app.relay;
    if (relay === undefined) throw new Error('no relay with STUN_NODE_ID set');
    const cpe = createSocket('udp4');
    await new Promise<void>((resolve) => cpe.bind(0, '127.0.0.1', resolve));
    const seen: RemoteInfo[] = [];
    cpe.on('message', (_m, from) => seen.push(from));
    try {
      const { port } = cpe.address();
      const datagram = buildUdpConnectionRequest({
        ts: 1,
        id: 'relay-1',
        cn: 'c',
        un: 'cr-user',
        password: 'cr-pass',
        hostPort: `127.0.0.1:${port}`,
      });
      const sender = new BusDatagramSender(bus, new SystemClock());
      // The relay reads from the latest offset: repeat until its consumer has joined (bounded).
      for (let i = 0; i < 40 && seen.length === 0; i++) {
        await sender.sendFrom('127.0.0.1', port, datagram, 'stun-e2e');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await expectEventually(() => expect(seen.length).toBeGreaterThan(0));
      expect(seen.every((f) => f.port === app.stun.port)).toBe(true);
      expect(relay.counters).toMatchObject({ malformed: 0, denied: 0, failed: 0 });
    } finally {
      cpe.close();
    }
  });
});
