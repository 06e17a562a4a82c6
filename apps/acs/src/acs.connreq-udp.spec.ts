import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CONNREQ_WAKEUPS_TOPIC, WAKEUP_SCHEMA_V1, type WakeupCommand } from '@acs/connreq';
import {
  CpeFleet,
  CpeStunClient,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  HttpSessionTransport,
  SystemClock,
  UdpConnectionRequestListener,
} from '@acs/cpe-sim';
import { decodeEvent, TOPICS } from '@acs/events';
import { expectEventually } from '@acs/testing';
import { loadAcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

// The all-in-one ACS wakes an idle simulated CPE over UDP (TR-069 Annex G): provisioning sets the
// connection request and STUN credentials in the first session, the contact recorder picks them up
// at the session's end, the CPE's STUN client binds with our STUN server (TR-111: 401, then
// USERNAME + MESSAGE-INTEGRITY), and a wake-up carrying only the device id is sent as a signed
// Annex G request from the STUN server's socket to the learned binding. The CPE verifies it and
// opens a session whose Inform carries "6 CONNECTION REQUEST".
describe('AcsRuntime waking a simulated CPE over UDP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-connreq-udp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('learns the binding over STUN and wakes the idle CPE with an Annex G request (6 CONNECTION REQUEST)', async () => {
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    writeFileSync(
      join(profiles, 'connreq.yaml'),
      [
        'name: connreq',
        'parameters:',
        '  Device.ManagementServer.ConnectionRequestUsername: cr-user',
        '  Device.ManagementServer.ConnectionRequestPassword: cr-pass',
        '  Device.ManagementServer.STUNEnable: true',
        '  Device.ManagementServer.STUNUsername: stun-user',
        '  Device.ManagementServer.STUNPassword: stun-pass',
        '',
      ].join('\n'),
    );
    const config = loadAcsConfig({
      ACS_DATA_DIR: join(dir, 'data'),
      ACS_PROFILE_DIR: profiles,
      GATEWAY_PORT: '0',
      GATEWAY_BIND: '127.0.0.1',
      GATEWAY_BASIC_OVER_HTTP: 'true',
      GATEWAY_BOOTSTRAP_POLICY: 'register',
      GATEWAY_BOOTSTRAP_USERNAME: 'boot',
      GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
      STUN_HOST: '127.0.0.1',
      STUN_PORT: '0',
      // The simulated CPE is on loopback, which the default address policy refuses.
      CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
      CONNREQ_DENY_CIDRS: '',
      CONNREQ_UDP_GAP_MS: '20',
    });
    const acs = await AcsRuntime.create(config, pino({ level: 'silent' }));
    await acs.onApplicationBootstrap();
    const informs: { deviceId: string; events: string[] }[] = [];
    const sub = await acs.bus.subscribe({
      groupId: 'test',
      topics: [TOPICS.informs],
      handler: async (m) => {
        const e = decodeEvent(m.value);
        if (e.schema === 'cwmp.inform.v1')
          informs.push({ deviceId: e.deviceId, events: e.inform.event.map((x) => x.eventCode) });
      },
    });
    const fleet = new CpeFleet({
      clock: new SystemClock(),
      random: Math.random,
      transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 10_000 }),
      files: new HttpFileTransferClient(),
      maxConcurrentSessions: 10,
      periodic: false,
    });
    const [cpe] = fleet.add(
      {
        ...DEFAULT_GROUP,
        acsUrl: `http://127.0.0.1:${acs.address?.port}/`,
        acsUsername: 'boot',
        acsPassword: 'strap',
        preemptiveBasic: true,
        crMinIntervalMs: 0,
      },
      1,
    );
    const udp = new UdpConnectionRequestListener(fleet);
    const stunServer = acs.connreq?.stun;
    if (cpe === undefined || stunServer === undefined) throw new Error('no CPE or no STUN server');
    const stunClient = new CpeStunClient(cpe, udp, {
      server: { host: '127.0.0.1', port: stunServer.port },
      bindHost: '127.0.0.1',
      keepAliveMs: 30_000,
      retransmitMs: 100,
      clock: new SystemClock(),
      username: 'stun-user',
      password: 'stun-pass',
    });
    try {
      fleet.boot(cpe);
      await expectEventually(
        () => expect(informs.map((i) => i.events)).toEqual([['0 BOOTSTRAP', '1 BOOT']]),
        10_000,
      );
      // The CPE now has the credentials provisioning set; its STUN client keeps the NAT binding.
      await expectEventually(() => expect(cpe.crUsername).toBe('cr-user'), 10_000);
      await stunClient.start();
      await expectEventually(() => {
        expect(stunClient.state.kind).toBe('bound');
        expect(stunServer.counters.bindingsStored).toBeGreaterThan(0);
      }, 10_000);

      const wakeup: WakeupCommand = {
        schema: WAKEUP_SCHEMA_V1,
        deviceId: cpe.deviceId,
        requestedAt: new Date().toISOString(),
        reason: 'test',
        methods: ['udp'],
      };
      await acs.bus.publish(CONNREQ_WAKEUPS_TOPIC, [
        { key: cpe.deviceId, value: JSON.stringify(wakeup) },
      ]);
      await expectEventually(
        () =>
          expect(informs[1]).toEqual({ deviceId: cpe.deviceId, events: ['6 CONNECTION REQUEST'] }),
        15_000,
      );
      // One request acted on; its copies (same ts and id) are replays the CPE ignores.
      await expectEventually(() => expect(udp.verdicts.replay).toBe(2), 5_000);
      expect(udp.verdicts).toMatchObject({ accepted: 1, badSignature: 0, unknownUser: 0 });
    } finally {
      stunClient.stop();
      await sub.stop();
      fleet.stop();
      await acs.beforeApplicationShutdown();
      await acs.onApplicationShutdown();
    }
  });
});
