import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CONNREQ_WAKEUPS_TOPIC, WAKEUP_SCHEMA_V1, type WakeupCommand } from '@acs/connreq';
import { startHttpCpe } from '@acs/cpe-sim';
import { decodeEvent, TOPICS } from '@acs/events';
import { expectEventually } from '@acs/testing';
import { loadAcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

// The all-in-one ACS wakes an idle simulated CPE over HTTP (TR-069 3.2.2): the wake-up command
// goes in on the bus, the connection-request service answers the CPE's Digest challenge, and the
// CPE opens a session whose Inform carries "6 CONNECTION REQUEST".
describe('AcsRuntime with simulated CPEs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-connreq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('provisions a profile in the first session and wakes the idle CPE over HTTP (6 CONNECTION REQUEST)', async () => {
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    writeFileSync(
      join(profiles, 'periodic.yaml'),
      'name: periodic\nparameters:\n  Device.ManagementServer.PeriodicInformInterval: 321\n',
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
      // The simulated CPE listens on loopback, which the default address policy refuses.
      CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
      CONNREQ_DENY_CIDRS: '',
    });
    const acs = await AcsRuntime.create(config, pino({ level: 'silent' }));
    await acs.onApplicationBootstrap();
    const informs: { deviceId: string; events: string[] }[] = [];
    const sub = await acs.bus.subscribe({
      groupId: 'test',
      topics: [TOPICS.informs],
      handler: async (m) => {
        const e = decodeEvent(m.value);
        if (e.schema === 'cwmp.inform.v1') {
          informs.push({ deviceId: e.deviceId, events: e.inform.event.map((x) => x.eventCode) });
        }
      },
    });

    const { fleet, cpe, crServer, crPort, stop } = await startHttpCpe({
      group: {
        acsUrl: `http://127.0.0.1:${acs.address?.port}/`,
        acsUsername: 'boot',
        acsPassword: 'strap',
        preemptiveBasic: true,
      },
    });
    try {
      fleet.boot(cpe);
      await expectEventually(
        () => expect(informs.map((i) => i.events)).toEqual([['0 BOOTSTRAP', '1 BOOT']]),
        10_000,
      );

      const wakeup: WakeupCommand = {
        schema: WAKEUP_SCHEMA_V1,
        deviceId: cpe.deviceId,
        requestedAt: new Date().toISOString(),
        reason: 'test',
        contact: {
          deviceId: cpe.deviceId,
          http: {
            url: `http://127.0.0.1:${crPort}/cr/${encodeURIComponent(cpe.deviceId)}`,
            username: cpe.crUsername,
            password: cpe.crPassword,
          },
        },
      };
      await acs.bus.publish(CONNREQ_WAKEUPS_TOPIC, [
        { key: cpe.deviceId, value: JSON.stringify(wakeup) },
      ]);
      await expectEventually(
        () =>
          expect(informs[1]).toEqual({ deviceId: cpe.deviceId, events: ['6 CONNECTION REQUEST'] }),
        15_000,
      );
      expect(crServer.accepted).toBe(1);
    } finally {
      await sub.stop();
      await stop();
      await acs.beforeApplicationShutdown();
      await acs.onApplicationShutdown();
    }
  });
});
