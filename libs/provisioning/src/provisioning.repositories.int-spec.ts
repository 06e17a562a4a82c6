import { loadInfraConfig } from '@acs/config';
import { emptyDeviceState, type DeviceState } from '@acs/domain';
import { MongoDocumentStore } from '@acs/store';
import { uniqueName } from '@acs/testing';
import { loadState, storeState } from './device.document';
import { openRepositories } from './provisioning.repositories';
import { SystemClock } from './provisioning.ports';
import { FaultQuery } from './fault.query';
import { TaskService } from './task.service';

// The repositories on the real MongoDB wire protocol (FerretDB in the test services).
describe('openRepositories (FerretDB)', () => {
  const database = uniqueName('prov-repo').replace(/[^A-Za-z0-9_]/g, '_');
  let store: MongoDocumentStore;

  beforeAll(async () => {
    store = await MongoDocumentStore.connect({ uri: loadInfraConfig().MONGODB_URI, database });
  });

  afterAll(async () => {
    await store.close();
  });

  it('keeps long and byte values and escaped path keys through the store', async () => {
    const repos = await openRepositories(store);
    const state: DeviceState = {
      ...emptyDeviceState('OUI-PC-SN1', {
        oui: 'OUI',
        productClass: 'PC',
        serialNumber: 'SN1',
        manufacturer: 'Acme',
      }),
      nodes: {
        'Device.IP.Interface.1.Stats.BytesSent': {
          kind: 'parameter',
          value: { type: 'unsignedLong', value: 18446744073709551615n },
        },
        'Device.X_ACME.Blob': {
          kind: 'parameter',
          value: { type: 'base64', value: new Uint8Array([0, 1, 254, 255]) },
        },
        'Device.X_ACME.$odd%key': { kind: 'parameter', value: { type: 'string', value: 'x' } },
        'Device.NAT.PortMapping.': { kind: 'object', instance: false },
      },
    };
    await repos.devices.insert({
      _id: state.id,
      state: storeState(state),
      appliedEvents: [],
      createdAt: 1,
      updatedAt: 1,
    });
    const back = loadState((await repos.devices.findById(state.id))!.state, state.id);
    expect(back.nodes).toEqual(state.nodes);
  });

  it('opens its collections again on an existing database (a restart) and finds tasks by device and status', async () => {
    const first = await openRepositories(store);
    const tasks = new TaskService(first.tasks, first.audit, new SystemClock());
    await tasks.create({ deviceId: 'D-1', operation: { kind: 'reboot' } }, 'op');
    await tasks.create({ deviceId: 'D-2', operation: { kind: 'reboot' } }, 'op');
    const again = await openRepositories(store);
    const page = await again.tasks.find({ deviceId: 'D-1', status: 'pending' });
    expect(page.items.map((t) => t.deviceId)).toEqual(['D-1']);
  });

  it('finds the faults of a profile across devices, with both fault indexes created again on restart', async () => {
    const first = await openRepositories(store);
    for (const d of ['D-3', 'D-1', 'D-2'])
      for (const p of ['wifi', 'ntp'])
        await first.faults.upsert({
          _id: `${d}|profile:${p}|Device.X.Y`,
          deviceId: d,
          sourceKind: 'profile',
          sourceName: p,
          target: 'Device.X.Y',
          kind: 'cpe',
          method: 'SetParameterValues',
          code: 9007,
          message: 'Invalid parameter value',
          retries: 1,
          firstAt: 1,
          lastAt: 1,
          nextRetryAt: null,
        });
    const again = await openRepositories(store);
    const query = new FaultQuery(again.faults);
    const page = await query.byProfile('wifi', { limit: 2 });
    expect(page.items.map((f) => f.deviceId)).toEqual(['D-1', 'D-2']);
    const rest = await query.byProfile('wifi', { after: page.next! });
    expect(rest.items.map((f) => f.deviceId)).toEqual(['D-3']);
    expect(await query.countByProfile('ntp')).toBe(3);
  });
});
