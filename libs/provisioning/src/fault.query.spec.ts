import { SqliteDocumentStore } from '@acs/store';
import { FaultQuery } from './fault.query';
import {
  COLLECTIONS,
  openRepositories,
  type FaultDocument,
  type ProvisioningRepositories,
} from './provisioning.repositories';

function fault(deviceId: string, sourceName: string, target: string): FaultDocument {
  return {
    _id: `${deviceId}|profile:${sourceName}|${target}`,
    deviceId,
    sourceKind: 'profile',
    sourceName,
    target,
    kind: 'cpe',
    method: 'SetParameterValues',
    code: 9007,
    message: 'Invalid parameter value',
    retries: 1,
    firstAt: 1,
    lastAt: 1,
    nextRetryAt: 60_001,
  };
}

describe(FaultQuery.name, () => {
  let store: SqliteDocumentStore;
  let repos: ProvisioningRepositories;
  let query: FaultQuery;

  beforeEach(async () => {
    store = SqliteDocumentStore.open({ directory: ':memory:' });
    repos = await openRepositories(store);
    query = new FaultQuery(repos.faults);
    for (let d = 9; d >= 1; d--) {
      await repos.faults.insert(fault(`DEV-${d}`, 'wifi', 'Device.WiFi.SSID.1.SSID'));
      await repos.faults.insert(fault(`DEV-${d}`, 'ntp', 'Device.Time.NTPServer1'));
    }
    await repos.faults.insert({
      ...fault('DEV-1', 'x', 'reboot'),
      _id: 'DEV-1|task:t1|reboot',
      sourceKind: 'task',
      sourceName: 't1',
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('lists all faults of one profile by device, page by page', async () => {
    const first = await query.byProfile('wifi', { limit: 4 });
    expect(first.items.map((f) => f.deviceId)).toEqual(['DEV-1', 'DEV-2', 'DEV-3', 'DEV-4']);
    expect(first.items[0]).toMatchObject({
      source: { kind: 'profile', name: 'wifi' },
      target: 'Device.WiFi.SSID.1.SSID',
      code: 9007,
    });
    const rest = await query.byProfile('wifi', { limit: 10, after: first.next! });
    expect(rest.items.map((f) => f.deviceId)).toEqual([
      'DEV-5',
      'DEV-6',
      'DEV-7',
      'DEV-8',
      'DEV-9',
    ]);
    expect(rest.next).toBeUndefined();
    expect(await query.countByProfile('ntp')).toBe(9);
    expect((await query.byTask('t1')).items.map((f) => f.target)).toEqual(['reboot']);
    expect((await query.byDevice('DEV-1')).items).toHaveLength(3);
  });

  it('answers "all faults of a profile" from the index, not a scan', () => {
    const plan = store
      .explainFind<FaultDocument>(
        COLLECTIONS.faults,
        { sourceKind: 'profile', sourceName: 'wifi' },
        { sort: { sourceKind: 1, sourceName: 1, deviceId: 1 }, limit: 100 },
      )
      .join('\n');
    expect(plan).toContain('USING INDEX faults__source_device');
    expect(plan).not.toMatch(/SCAN faults(?! USING)/);
  });
});
