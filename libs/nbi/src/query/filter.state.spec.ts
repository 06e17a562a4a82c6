import { loadState, storeState, type DeviceDocument } from '@acs/provisioning';
import { sampleDevice } from '../testing/nbi.harness';
import { evaluateFilter, parseFilter } from './filter.parser';
import { filterPaths, filterState } from './filter.state';

describe(filterState.name, () => {
  const state = {
    ...sampleDevice(7, ['lab', 'pop-1'], 'guest'),
    softwareVersion: '2.10',
    nodes: {
      ...sampleDevice(7, [], 'guest').nodes,
      'Device.DeviceInfo.UpTime': {
        kind: 'parameter' as const,
        value: { type: 'unsignedInt' as const, value: 42 },
      },
      'Device.WiFi.SSID.1.': { kind: 'object' as const, instance: true },
    },
  };
  const doc: DeviceDocument = {
    _id: state.id,
    state: JSON.parse(JSON.stringify(storeState(state))) as DeviceDocument['state'],
    appliedEvents: [],
    createdAt: 1,
    updatedAt: 1,
  };

  it.each([
    'tag = "lab" AND Device.WiFi.SSID.1.SSID = "guest"',
    'tag = "lab" AND Device.WiFi.SSID.1.SSID = "home"',
    'Device.DeviceInfo.UpTime > 40 AND softwareVersion >= "2.9"',
    'Device.DeviceInfo.UpTime < 40 OR NOT oui = "00D09E"',
    'Device.Missing.Param EXISTS OR serialNumber IN ("7", "8")',
    'Device.Missing.Param != "x"',
  ])('decides %s as the full state does', (text) => {
    const f = parseFilter(text);
    expect(evaluateFilter(f, filterState(doc, filterPaths(f)))).toBe(
      evaluateFilter(f, loadState(doc.state, doc._id)),
    );
  });

  it('decodes only the parameters the filter reads', () => {
    const f = parseFilter('tag = "lab" AND Device.DeviceInfo.UpTime > 1');
    expect(filterPaths(f)).toEqual(['Device.DeviceInfo.UpTime']);
    expect(Object.keys(filterState(doc, filterPaths(f)).nodes)).toEqual([
      'Device.DeviceInfo.UpTime',
    ]);
  });
});
