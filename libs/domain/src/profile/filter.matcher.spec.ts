import { device, s, TR181 } from '../testing/device.fixtures';
import { compareVersions, conditionHolds, matchesFilter } from './filter.matcher';
import type { Condition } from './profile.schema';

const st = { ...device('Device.', TR181), softwareVersion: '2.10.1', tags: ['vip', 'fiber-1g'] };

describe(matchesFilter.name, () => {
  it.each<[Condition, boolean]>([
    [{ field: 'oui', op: 'eq', value: '00D09E' }, true],
    [{ field: 'oui', op: 'ne', value: '00D09E' }, false],
    [{ field: 'productClass', op: 'in', values: ['ONT', 'HGW'] }, true],
    [{ field: 'serialNumber', op: 'prefix', value: 'SN' }, true],
    [{ field: 'manufacturer', op: 'regex', value: '^Ac' }, true],
    [{ field: 'softwareVersion', op: 'gt', value: '2.9' }, true],
    [{ field: 'softwareVersion', op: 'lt', value: '2.9' }, false],
    [{ field: 'hardwareVersion', op: 'exists' }, true],
    [{ field: 'provisioningCode', op: 'exists' }, false],
    [{ field: 'provisioningCode', op: 'ne', value: 'x' }, true],
    [{ field: 'tag', op: 'eq', value: 'vip' }, true],
    [{ field: 'tag', op: 'ne', value: 'vip' }, false],
    [{ field: 'tag', op: 'prefix', value: 'fiber' }, true],
    [{ field: 'tag', op: 'in', values: ['x', 'vip'] }, true],
    [{ field: 'Device.WiFi.SSID.1.SSID', op: 'eq', value: 'home' }, true],
    [{ field: 'Device.ManagementServer.PeriodicInformInterval', op: 'gt', value: 600 }, true],
    [{ field: 'Device.ManagementServer.PeriodicInformInterval', op: 'eq', value: 3600 }, true],
    [{ field: 'Device.Unknown.Param', op: 'eq', value: 'x' }, false],
  ])('%j → %s', (c, want) => {
    expect(conditionHolds(st, c)).toBe(want);
    expect(matchesFilter(st, [c])).toBe(want);
  });

  it('needs every condition to hold, and an empty filter matches every device', () => {
    expect(matchesFilter(st, [])).toBe(true);
    expect(
      matchesFilter(st, [
        { field: 'oui', op: 'eq', value: '00D09E' },
        { field: 'tag', op: 'eq', value: 'nope' },
      ]),
    ).toBe(false);
  });

  it('matches on a parameter value the device reported', () => {
    const other = {
      ...st,
      nodes: {
        ...st.nodes,
        'Device.WiFi.SSID.1.SSID': { kind: 'parameter' as const, value: s('x') },
      },
    };
    expect(
      matchesFilter(other, [{ field: 'Device.WiFi.SSID.1.SSID', op: 'eq', value: 'home' }]),
    ).toBe(false);
  });
});

describe(compareVersions.name, () => {
  it.each([
    ['2.10.1', '2.9', 1],
    ['2.9', '2.10.1', -1],
    ['1.0', '1.0', 0],
    ['1.0', '1.0.1', -1],
    ['10', '9', 1],
    ['V1.2b', 'V1.2a', 1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});
