import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { InMemoryEventBus, SqliteBusJournal } from '@acs/bus';
import { decodeEvent, TOPICS } from '@acs/events';
import { CpeTestClient } from '@acs/gateway';
import { expectEventually } from '@acs/testing';
import { loadAcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

describe(AcsRuntime.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (env: Record<string, string>): Promise<{ acs: AcsRuntime; url: string }> => {
    const config = loadAcsConfig({
      ACS_DATA_DIR: dir,
      GATEWAY_PORT: '0',
      GATEWAY_BIND: '127.0.0.1',
      GATEWAY_BASIC_OVER_HTTP: 'true',
      STUN_HOST: '127.0.0.1',
      STUN_PORT: '0',
      ...env,
    });
    const acs = await AcsRuntime.create(config, pino({ level: 'silent' }));
    await acs.onApplicationBootstrap();
    return { acs, url: `http://127.0.0.1:${acs.address?.port}/` };
  };
  const stop = async (acs: AcsRuntime): Promise<void> => {
    await acs.beforeApplicationShutdown();
    await acs.onApplicationShutdown();
  };

  it('runs a session with no provisioning by default and keeps registered devices across a restart', async () => {
    const first = await start({
      GATEWAY_BOOTSTRAP_POLICY: 'register',
      GATEWAY_BOOTSTRAP_USERNAME: 'boot',
      GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
    });
    const identity = {
      manufacturer: 'Acme',
      oui: '00D09E',
      productClass: 'HG',
      serialNumber: 'R1',
    };
    const cpe1 = new CpeTestClient({
      url: first.url,
      identity,
      root: 'Device',
      auth: { scheme: 'basic', username: 'boot', password: 'strap' },
    });
    expect((await cpe1.send(cpe1.informMessage(['0 BOOTSTRAP']))).status).toBe(200);
    expect((await cpe1.send(null)).status).toBe(204);
    cpe1.close();
    await stop(first.acs);

    // After the restart unknown devices are refused: only the stored registration lets R1 in.
    const second = await start({});
    const cpe2 = new CpeTestClient({
      url: second.url,
      identity,
      root: 'Device',
      auth: { scheme: 'basic', username: 'boot', password: 'strap' },
    });
    expect((await cpe2.send(cpe2.informMessage(['2 PERIODIC']))).status).toBe(200);
    expect((await cpe2.send(null)).status).toBe(204);
    const stranger = new CpeTestClient({
      url: second.url,
      identity: { ...identity, serialNumber: 'R2' },
      root: 'Device',
      auth: { scheme: 'basic', username: 'boot', password: 'strap' },
    });
    expect((await stranger.send(stranger.informMessage(['0 BOOTSTRAP']))).status).toBe(401);
    cpe2.close();
    stranger.close();
    await stop(second.acs);

    // Both acknowledged Informs are in the on-disk bus journal, in order, after both restarts.
    const bus = new InMemoryEventBus(1, new SqliteBusJournal(join(dir, 'bus.sqlite')));
    const informs: string[][] = [];
    const sub = await bus.subscribe({
      groupId: 'check',
      topics: [TOPICS.informs],
      handler: async (m) => {
        const event = decodeEvent(m.value);
        if (event.schema === 'cwmp.inform.v1')
          informs.push(event.inform.event.map((e) => e.eventCode));
      },
    });
    await expectEventually(() => expect(informs).toEqual([['0 BOOTSTRAP'], ['2 PERIODIC']]));
    await sub.stop();
    await bus.close();
  });
});
