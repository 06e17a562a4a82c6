import { InMemoryEventBus } from '@acs/bus';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  ManualClock,
  type SimulatedCpe,
} from '@acs/cpe-sim';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { startProvisioning, type ProvisioningHandle } from './provisioning.consumer';
import { TagService } from './tag.service';
import { describeTagServiceContract } from './testing/tag.service.contract';
import { SessionDriver } from './testing/session.driver';

describeTagServiceContract('SQLite', () => ({
  open: () => Promise.resolve(SqliteDocumentStore.open({ directory: ':memory:' })),
  dispose: (store) => store.close(),
}));

describe(TagService.name, () => {
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
          name: 'residential-ntp',
          filter: [{ field: 'tag', op: 'eq', value: 'residential' }],
          parameters: { 'Device.Time.NTPServer3': 'ntp.residential.example.net' },
        },
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

  it('makes a tag-filtered profile apply in the next session, and stop applying when removed', async () => {
    const cpe = fleet.add(DEFAULT_GROUP, 1)[0] as SimulatedCpe;
    await driver.session(cpe, ['0 BOOTSTRAP', '1 BOOT']);
    const untagged = cpe.model.rawRead('Device.Time.NTPServer3');
    expect(untagged).not.toBe('ntp.residential.example.net');

    await handle.tags.add(cpe.deviceId, ['residential'], 'operator-1');
    clock.advance(60_000);
    const tagged = await driver.session(cpe, ['6 CONNECTION REQUEST']);
    expect(tagged.rpcs.map((r) => r.type)).toContain('SetParameterValues');
    expect(cpe.model.rawRead('Device.Time.NTPServer3')).toBe('ntp.residential.example.net');

    // Without the tag the profile no longer matches: nothing is set back, nothing more is sent.
    await handle.tags.remove(cpe.deviceId, ['residential'], 'operator-1');
    clock.advance(60_000);
    const after = await driver.session(cpe, ['2 PERIODIC']);
    expect(after.rpcs).toEqual([]);
  });
});
