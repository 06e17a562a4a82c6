import { DataModelError, DataModelSchema, decodeEntry, tr098Schema, tr181Schema } from './index';

describe(DataModelSchema.name, () => {
  it('holds the TR-181 home-gateway objects with types and writability from the BBF XML', () => {
    const s = tr181Schema();
    expect(s.root).toBe('Device.');
    expect(s.get('Device.ManagementServer.PeriodicInformInterval')).toMatchObject({
      kind: 'parameter',
      type: 'unsignedInt',
      writable: true,
    });
    expect(s.get('Device.DeviceInfo.SoftwareVersion')).toMatchObject({ writable: false });
    expect(s.get('Device.ManagementServer.EnableCWMP')).toMatchObject({
      type: 'boolean',
      defaultValue: 'true',
    });
    for (const table of [
      'Device.WiFi.SSID.{i}.',
      'Device.NAT.PortMapping.{i}.',
      'Device.Hosts.Host.{i}.',
      'Device.DHCPv4.Server.Pool.{i}.',
      'Device.DNS.Client.Server.{i}.',
      'Device.Users.User.{i}.',
      'Device.Ethernet.Interface.{i}.',
      'Device.IP.Interface.{i}.IPv4Address.{i}.',
      'Device.Time.',
    ])
      expect(s.get(table)).toBeDefined();
  });

  it('adds a table node above each multi-instance object', () => {
    const s = tr181Schema();
    expect(s.get('Device.NAT.PortMapping.')).toMatchObject({ kind: 'object', writable: true });
    expect(s.children('Device.NAT.PortMapping.')).toEqual(['Device.NAT.PortMapping.{i}.']);
    expect(s.get('Device.WiFi.Radio.')).toMatchObject({ writable: false });
  });

  it('holds the TR-098 gateway subtrees', () => {
    const s = tr098Schema();
    expect(s.root).toBe('InternetGatewayDevice.');
    expect(s.get('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.SSID')).toMatchObject({
      type: 'string',
      writable: true,
    });
    expect(s.get('InternetGatewayDevice.ManagementServer.ConnectionRequestURL')).toBeDefined();
  });

  it('decodes enumerations and escapes, and refuses a broken line', () => {
    expect(decodeEntry('A.B|w|s|x\\u007cy|one,two\\u002cthree')).toEqual({
      kind: 'parameter',
      path: 'A.B',
      writable: true,
      type: 'string',
      defaultValue: 'x|y',
      enumeration: ['one', 'two,three'],
    });
    expect(() => decodeEntry('A.B||?')).toThrow(DataModelError);
  });
});
