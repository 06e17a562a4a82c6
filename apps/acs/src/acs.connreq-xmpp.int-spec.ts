import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CONNREQ_WAKEUPS_TOPIC, WAKEUP_SCHEMA_V1, type WakeupCommand } from '@acs/connreq';
import {
  CpeFleet,
  CpeXmppClient,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  HttpSessionTransport,
  SystemClock,
} from '@acs/cpe-sim';
import { decodeEvent, TOPICS } from '@acs/events';
import { expectEventually, uniqueName } from '@acs/testing';
import { loadAcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

/** The real XMPP server (prosody from deploy/local/services; accounts acs and cpe-1…cpe-20). */
function xmppEnv(): Record<string, string> {
  const launcher = join(__dirname, '../../../deploy/local/services');
  const out: Record<string, string> = {};
  for (const k of ['XMPP_SERVICE', 'XMPP_DOMAIN', 'XMPP_ACS_USERNAME', 'XMPP_ACS_PASSWORD'])
    if (process.env[k] !== undefined) out[k] = process.env[k];
  if (out['XMPP_SERVICE'] !== undefined) return out;
  // Idempotent: starts prosody when it is not running, then prints its endpoint and accounts.
  execFileSync(launcher, ['up', 'xmpp'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const line of execFileSync(launcher, ['env', 'xmpp'], { encoding: 'utf8' }).split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

// The all-in-one ACS wakes an idle simulated CPE over XMPP (TR-069 Annex K): the CPE is logged in
// to prosody as cpe-17, the ACS as acs. Provisioning sets the connection request credentials and
// reads ConnReqJabberID in the first session (a profile refresh); the contact recorder picks them
// up at the session's end; a wake-up carrying only the device id becomes the connectionRequest
// IQ, and the CPE opens a session whose Inform carries "6 CONNECTION REQUEST".
describe('AcsRuntime waking a simulated CPE over XMPP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-connreq-xmpp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the ConnReqJabberID and wakes the idle CPE with an Annex K IQ (6 CONNECTION REQUEST)', async () => {
    const xmpp = xmppEnv();
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    writeFileSync(
      join(profiles, 'connreq.yaml'),
      [
        'name: connreq',
        'parameters:',
        '  Device.ManagementServer.ConnectionRequestUsername: cr-user',
        '  Device.ManagementServer.ConnectionRequestPassword: cr-xmpp-pass',
        'refresh:',
        '  - { path: Device.ManagementServer.ConnReqJabberID, maxAge: 3600 }',
        '',
      ].join('\n'),
    );
    const config = loadAcsConfig({
      ...xmpp,
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
    if (cpe === undefined) throw new Error('no CPE');
    const client = new CpeXmppClient(cpe, fleet, {
      service: xmpp['XMPP_SERVICE'] ?? '',
      domain: xmpp['XMPP_DOMAIN'] ?? '',
      username: 'cpe-17',
      password: process.env['XMPP_CPE_PASSWORD'] ?? 'cpe-secret',
      resource: uniqueName('acs-e2e'),
    });
    try {
      await client.start();
      await acs.connreq?.xmpp?.waitOnline();
      fleet.boot(cpe);
      await expectEventually(
        () => expect(informs.map((i) => i.events)).toEqual([['0 BOOTSTRAP', '1 BOOT']]),
        10_000,
      );
      // The session set the credentials; its end is when the contact recorder reads them.
      await expectEventually(() => {
        expect(cpe.crPassword).toBe('cr-xmpp-pass');
        expect(acs.connreq?.contacts?.stats.recorded).toBeGreaterThanOrEqual(2);
      }, 10_000);

      const wakeup: WakeupCommand = {
        schema: WAKEUP_SCHEMA_V1,
        deviceId: cpe.deviceId,
        requestedAt: new Date().toISOString(),
        reason: 'test',
        methods: ['xmpp'],
      };
      await acs.bus.publish(CONNREQ_WAKEUPS_TOPIC, [
        { key: cpe.deviceId, value: JSON.stringify(wakeup) },
      ]);
      await expectEventually(
        () =>
          expect(informs[1]).toEqual({ deviceId: cpe.deviceId, events: ['6 CONNECTION REQUEST'] }),
        15_000,
      );
      expect(client.verdicts).toEqual({
        accepted: 1,
        'not-authorized': 0,
        'service-unavailable': 0,
      });
    } finally {
      await client.stop();
      await sub.stop();
      fleet.stop();
      await acs.beforeApplicationShutdown();
      await acs.onApplicationShutdown();
    }
  });
});
