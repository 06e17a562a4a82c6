import { escapePathKey } from '@acs/domain';
import { SqliteDocumentStore } from '@acs/store';
import { StoreDeviceParameterSource } from './device-parameters.store';

const p = (name: string) => escapePathKey(`Device.ManagementServer.${name}`);

describe(StoreDeviceParameterSource.name, () => {
  const store = SqliteDocumentStore.open({ directory: ':memory:' });
  afterAll(() => store.close());

  it('reads what provisioning stored: values read, the newer of read and set, passwords only as set', async () => {
    const devices = await store.collection<{ _id: string; state?: unknown }>('devices');
    await devices.upsert({
      _id: 'dev-1',
      state: {
        root: 'Device.',
        nodes: {
          [p('ConnectionRequestURL')]: {
            kind: 'parameter',
            value: { type: 'string', value: 'http://10.0.0.1/cr' },
            valueReadAt: 10,
          },
          [p('ConnectionRequestUsername')]: {
            kind: 'parameter',
            value: { type: 'string', value: 'old' },
            valueReadAt: 10,
            lastSet: { value: { type: 'string', value: 'new' }, at: 20, drift: 0 },
          },
          // Read back empty (write-only), set by the ACS before.
          [p('ConnectionRequestPassword')]: {
            kind: 'parameter',
            value: { type: 'string', value: '' },
            valueReadAt: 30,
            lastSet: { value: { type: 'string', value: 'secret' }, at: 20, drift: 0 },
          },
          // Never set by the ACS: unknown, not the empty read.
          [p('STUNPassword')]: {
            kind: 'parameter',
            value: { type: 'string', value: '' },
            valueReadAt: 30,
          },
          [p('NATDetected')]: {
            kind: 'parameter',
            value: { type: 'boolean', value: true },
            valueReadAt: 30,
          },
          [escapePathKey('Device.ManagementServer.')]: { kind: 'object', instance: false },
        },
      },
    });
    const source = await StoreDeviceParameterSource.open(store);
    expect(await source.managementServer('dev-1')).toEqual({
      ConnectionRequestURL: 'http://10.0.0.1/cr',
      ConnectionRequestUsername: 'new',
      ConnectionRequestPassword: 'secret',
      NATDetected: 'true',
    });
    expect(await source.managementServer('unknown')).toBeUndefined();
  });

  it('tolerates a document without state', async () => {
    const devices = await store.collection<{ _id: string; state?: unknown }>('devices');
    await devices.upsert({ _id: 'dev-2' });
    const source = await StoreDeviceParameterSource.open(store);
    expect(await source.managementServer('dev-2')).toEqual({});
  });
});
