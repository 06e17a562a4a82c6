import {
  DataModelError,
  formatPath,
  instanceNumbers,
  instantiatePath,
  isObjectPath,
  isValidPath,
  parentPath,
  parsePath,
  toSchemaPath,
} from './index';

describe('parsePath', () => {
  it.each([
    ['Device.', 'object', 1],
    ['Device.DeviceInfo.SoftwareVersion', 'parameter', 3],
    ['Device.WiFi.SSID.2.SSID', 'parameter', 5],
    ['Device.WiFi.Radio.[cpe-1].Channel', 'parameter', 5],
    ['Device.IP.Interface.{i}.IPv4Address.{i}.', 'object', 6],
    ['InternetGatewayDevice.X_ACME_Feature.Enable', 'parameter', 3],
  ])('parses %s as a %s with %i segments', (path, kind, n) => {
    const p = parsePath(path);
    expect(p.kind).toBe(kind);
    expect(p.segments).toHaveLength(n);
    expect(formatPath(p)).toBe(path);
  });

  it.each([
    [''],
    ['.'],
    ['Device..Info'],
    ['1.Device.'],
    ['Device.WiFi.SSID.0.'],
    ['Device.WiFi.SSID.01.'],
    ['Device.WiFi.SSID.4294967296.'],
    ['Device.WiFi.SSID.2'],
    ['Device.Wi Fi.'],
    ['Device.WiFi.Radio.[].'],
    ['Device.WiFi.Radio.[a.b].'],
    ['Device.' + 'A.'.repeat(200)],
  ])('refuses %j with a DataModelError', (path) => {
    expect(() => parsePath(path)).toThrow(DataModelError);
    expect(isValidPath(path)).toBe(false);
  });

  it('reads alias and instance segments', () => {
    expect(parsePath('Device.WiFi.Radio.[cpe-1].Stats.3.').segments).toEqual([
      { kind: 'name', name: 'Device' },
      { kind: 'name', name: 'WiFi' },
      { kind: 'name', name: 'Radio' },
      { kind: 'alias', alias: 'cpe-1' },
      { kind: 'name', name: 'Stats' },
      { kind: 'instance', instance: 3 },
    ]);
  });
});

describe('path helpers', () => {
  it.each([
    ['Device.WiFi.SSID.2.SSID', 'Device.WiFi.SSID.{i}.SSID'],
    ['Device.IP.Interface.1.IPv4Address.3.', 'Device.IP.Interface.{i}.IPv4Address.{i}.'],
    ['Device.WiFi.Radio.[cpe-1].Channel', 'Device.WiFi.Radio.{i}.Channel'],
    ['Device.DeviceInfo.', 'Device.DeviceInfo.'],
  ])('toSchemaPath(%s) = %s', (path, schema) => {
    expect(toSchemaPath(path)).toBe(schema);
  });

  it.each([
    ['Device.WiFi.SSID.2.SSID', 'Device.WiFi.SSID.2.'],
    ['Device.WiFi.SSID.2.', 'Device.WiFi.SSID.'],
    ['Device.', ''],
  ])('parentPath(%s) = %s', (path, parent) => {
    expect(parentPath(path)).toBe(parent);
  });

  it('lists instance numbers and fills placeholders', () => {
    expect(instanceNumbers('Device.IP.Interface.1.IPv4Address.3.Enable')).toEqual([1, 3]);
    expect(instantiatePath('A.{i}.B.{i}.C', [4, 5])).toBe('A.4.B.5.C');
    expect(() => instantiatePath('A.{i}.B.{i}.', [1])).toThrow(DataModelError);
  });

  it('tells objects from parameters', () => {
    expect(isObjectPath('Device.WiFi.')).toBe(true);
    expect(isObjectPath('Device.WiFi.RadioNumberOfEntries')).toBe(false);
  });
});
