import { InMemoryEventBus } from '@acs/bus';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  ManualClock,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import { ScriptFaultCode } from '@acs/domain';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { startProvisioning, type ProvisioningHandle } from './provisioning.consumer';
import { ProvisioningErrorCode } from './provisioning.error';
import { ProvisioningService } from './provisioning.service';
import { SessionDriver } from './testing/session.driver';

// Profile scripts through the whole service: QuickJS evaluator (the default of startProvisioning),
// the SQLite store and a simulated CPE answering the inbox.
describe(`${ProvisioningService.name} with profile scripts`, () => {
  let clock: ManualClock;
  let bus: InMemoryEventBus;
  let registry: InMemorySessionRegistry;
  let store: SqliteDocumentStore;
  let handle: ProvisioningHandle;
  let driver: SessionDriver;
  let fleet: CpeFleet;

  beforeEach(async () => {
    clock = new ManualClock(1_800_000_000_000);
    bus = new InMemoryEventBus(1);
    registry = new InMemorySessionRegistry(() => clock.now());
    store = SqliteDocumentStore.open({ directory: ':memory:' });
    fleet = new CpeFleet({
      clock,
      random: Math.random,
      transport: () => {
        throw new Error('no transport in unit tests');
      },
      files: new HttpFileTransferClient(),
      maxConcurrentSessions: 1,
      periodic: false,
    });
    handle = await startProvisioning({
      bus,
      sessions: registry,
      store,
      clock,
      profiles: [
        {
          name: 'ntp-by-serial',
          script: {
            source: `
              const n = device.serialNumber.length % 2 === 0 ? 'even' : 'odd';
              declare.parameter('Device.Time.NTPServer3', 'ntp-' + n + '.example.net');
              if (device.value('Device.ManagementServer.PeriodicInformInterval') !== 600)
                declare.parameter('Device.ManagementServer.PeriodicInformInterval', 600);
            `,
          },
        },
        { name: 'runaway', priority: 5, script: { source: 'while (true) {}', timeoutMs: 20 } },
      ],
    });
    driver = new SessionDriver(
      (e) => handle.service.handle(e),
      registry,
      () => clock.now(),
    );
  });

  afterEach(async () => {
    await handle.stop();
    await bus.close();
    await registry.close();
    await store.close();
  });

  it('refuses to save a profile whose script does not compile, naming the field', async () => {
    await expect(
      handle.profiles.save({ name: 'broken', script: { source: 'declare.parameter(' } }, 'op'),
    ).rejects.toMatchObject({
      code: ProvisioningErrorCode.InvalidProfile,
      details: [expect.stringMatching(/^script\.source: SyntaxError/)],
    });
    expect((await handle.profiles.list()).map((p) => p.name)).not.toContain('broken');
  });

  it('applies a script profile in the session, faults a runaway script, and converges to zero RPCs', async () => {
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    const first = await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    expect(first.rpcs.map((r) => r.type)).toContain('SetParameterValues');
    const parity = cpe.deviceId.split('-').at(-1)!.length % 2 === 0 ? 'even' : 'odd';
    expect(cpe.model.rawRead('Device.Time.NTPServer3')).toBe(`ntp-${parity}.example.net`);
    expect(cpe.model.rawRead('Device.ManagementServer.PeriodicInformInterval')).toBe('600');

    const faults = await handle.repositories.faults.find({ deviceId: cpe.deviceId });
    expect(faults.items.map((f) => [f.sourceName, f.kind, f.code, f.target])).toEqual([
      ['runaway', 'script', ScriptFaultCode.Timeout, 'script'],
    ]);

    clock.advance(10_000);
    const second = await driver.session(cpe, ['2 PERIODIC']);
    expect(second.rpcs).toEqual([]);
  });
});
