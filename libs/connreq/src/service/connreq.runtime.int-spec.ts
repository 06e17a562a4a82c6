import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { buildBindingRequest, decodeStunMessage } from '@acs/stun';
import { expectEventually, uniqueName } from '@acs/testing';
import { InMemoryDeviceContactDirectory } from '../adapters/device-contact.memory';
import { RedisBindingStore } from '../adapters/binding-store.redis';
import { InMemoryStunCredentials } from '../adapters/stun-credentials.adapters';
import { CONNREQ_RESULTS_TOPIC, CONNREQ_WAKEUPS_TOPIC } from '../schema/connreq.topics';
import { parseConnreqResult, WAKEUP_SCHEMA_V1, type ConnreqResult } from '../schema/wakeup.schema';
import { CpeHttpServer } from '../testing/cpe-http.server';
import { XmppCpeResponder } from '../testing/xmpp-cpe.responder';
import { xmppTestEnv } from '../testing/xmpp-test.env';
import { parseUdpConnectionRequest, verifyUdpConnectionRequest } from '../udp/annex-g.message';
import { loadConnreqConfig } from './connreq.config';
import { startConnreqRuntime, type ConnreqRuntime } from './connreq.runtime';

// The whole deployable in one test: Kafka wake-ups in, the three transports out, the STUN server
// learning the UDP binding that the UDP wake-up then uses (sent from the STUN socket).
const { KAFKA_BROKERS, REDIS_URL } = loadInfraConfig();
const xmpp = xmppTestEnv();

describe(startConnreqRuntime.name, () => {
  const prefix = `${uniqueName('connreq-rt')}.`;
  const directory = new InMemoryDeviceContactDirectory();
  const stunCredentials = new InMemoryStunCredentials();
  const results: ConnreqResult[] = [];
  let bus: KafkaEventBus;
  let bindings: RedisBindingStore;
  let runtime: ConnreqRuntime;
  let cpeUdp: Socket;
  const udpSeen: { from: RemoteInfo; ok: boolean }[] = [];

  const wake = (deviceId: string) =>
    bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      {
        key: deviceId,
        value: JSON.stringify({
          schema: WAKEUP_SCHEMA_V1,
          deviceId,
          requestedAt: new Date().toISOString(),
        }),
      },
    ]);
  const resultFor = async (deviceId: string): Promise<ConnreqResult> => {
    await expectEventually(() => results.some((r) => r.deviceId === deviceId), 30_000);
    return results.find((r) => r.deviceId === deviceId)!;
  };

  beforeAll(async () => {
    bus = new KafkaEventBus({
      brokers: KAFKA_BROKERS,
      clientId: 'connreq-rt-test',
      prefix,
      sessionTimeoutMs: 6_000,
    });
    await bus.ensureTopics([
      { name: CONNREQ_WAKEUPS_TOPIC, partitions: 1 },
      { name: CONNREQ_RESULTS_TOPIC, partitions: 1 },
    ]);
    bindings = new RedisBindingStore({ url: REDIS_URL, keyPrefix: `${prefix}:` });
    runtime = await startConnreqRuntime({
      config: loadConnreqConfig({
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
        CONNREQ_UDP_GAP_MS: '10',
        XMPP_SERVICE: xmpp.XMPP_SERVICE,
        XMPP_DOMAIN: xmpp.XMPP_DOMAIN,
        XMPP_ACS_USERNAME: xmpp.XMPP_ACS_USERNAME,
        XMPP_ACS_PASSWORD: xmpp.XMPP_ACS_PASSWORD,
      }),
      bus,
      directory,
      bindings,
      stunCredentials,
    });
    await bus.subscribe({
      groupId: 'results',
      topics: [CONNREQ_RESULTS_TOPIC],
      handler: (m) => Promise.resolve(void results.push(parseConnreqResult(m.value))),
    });
    cpeUdp = createSocket('udp4');
    await new Promise<void>((resolve) => cpeUdp.bind(0, '127.0.0.9', resolve));
  }, 60_000);

  afterAll(async () => {
    cpeUdp.close();
    await runtime.stop();
    await Promise.all([bus.close(), bindings.close()]);
  });

  it('learns a CPE binding over STUN and wakes the CPE there with a signed datagram from the STUN socket', async () => {
    stunCredentials.set('stun-dev-u', { deviceId: 'dev-u', password: 'stun-pw' });
    await directory.put({ deviceId: 'dev-u', udp: { username: 'cr-user', password: 'cr-pass' } });
    const stun = runtime.stun!;
    const answered = new Promise<Buffer>((resolve) => cpeUdp.once('message', resolve));
    cpeUdp.send(
      buildBindingRequest({
        transactionId: Buffer.alloc(12, 5),
        username: 'stun-dev-u',
        integrityKey: Buffer.from('stun-pw'),
        connectionRequestBinding: true,
      }),
      stun.port,
      '127.0.0.1',
    );
    expect(decodeStunMessage(await answered).cls).toBe('success');
    await expectEventually(async () => (await bindings.get('dev-u')) !== undefined);
    cpeUdp.on('message', (m, from) => {
      try {
        udpSeen.push({
          from,
          ok: verifyUdpConnectionRequest(parseUdpConnectionRequest(m), 'cr-pass'),
        });
      } catch {
        udpSeen.push({ from, ok: false });
      }
    });
    await wake('dev-u');
    expect(await resultFor('dev-u')).toMatchObject({ outcome: 'sent', method: 'udp' });
    await expectEventually(() => udpSeen.length >= 1);
    expect(udpSeen.every((s) => s.ok && s.from.port === stun.port)).toBe(true);
  }, 40_000);

  it('wakes a device over HTTP with Digest', async () => {
    const cpe = new CpeHttpServer({ username: 'cr-user', password: 'cr-pass' });
    await cpe.listen();
    try {
      await directory.put({
        deviceId: 'dev-h',
        http: { url: cpe.url('/cr'), username: 'cr-user', password: 'cr-pass' },
      });
      await wake('dev-h');
      expect(await resultFor('dev-h')).toMatchObject({ outcome: 'accepted', method: 'http' });
      expect(cpe.counts).toMatchObject({ challenged: 1, accepted: 1 });
    } finally {
      await cpe.close();
    }
  }, 40_000);

  it('wakes a device over XMPP against the real prosody', async () => {
    const domain = xmpp.XMPP_DOMAIN;
    const resource = uniqueName('cwmp');
    const cpe = new XmppCpeResponder(
      {
        service: xmpp.XMPP_SERVICE,
        domain,
        username: 'cpe-5',
        password: xmpp.XMPP_CPE_PASSWORD,
        resource,
      },
      { username: 'cr-user', password: 'cr-pass' },
    );
    try {
      await cpe.waitOnline();
      await runtime.xmpp!.waitOnline();
      await directory.put({
        deviceId: 'dev-x',
        xmpp: { jid: `cpe-5@${domain}/${resource}`, username: 'cr-user', password: 'cr-pass' },
      });
      await wake('dev-x');
      expect(await resultFor('dev-x')).toMatchObject({ outcome: 'accepted', method: 'xmpp' });
      expect(cpe.served).toHaveLength(1);
    } finally {
      await cpe.close();
    }
  }, 40_000);
});
