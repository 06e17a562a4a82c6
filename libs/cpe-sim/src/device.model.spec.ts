import type { CwmpValue } from '@acs/cwmp';
import { DeviceModel } from './device.model';
import { deviceTemplate } from './device.template';

const str = (value: string): CwmpValue => ({ type: 'string', value });
const model = (): DeviceModel =>
  new DeviceModel(deviceTemplate('tr181'), (name, path) =>
    name === 'serial' ? 'S1' : name === 'n' ? path.replace(/^.*\.(\d+)\.[^.]*$/, '$1') : undefined,
  );

describe(DeviceModel.name, () => {
  it('starts with no per-device overrides (the template is shared)', () => {
    const m = model();
    expect(m.overrides()).toBe(0);
    expect(m.template).toBe(deviceTemplate('tr181'));
    expect(m.read('Device.DeviceInfo.SerialNumber')).toEqual(str('S1'));
  });

  it('resolves template paths the same on the fast path (untouched tables) and the slow one', () => {
    const fast = model();
    const slow = model();
    slow.addObject('Device.Users.User.');
    const paths = [
      ...fast.template.values.keys(),
      'Device.WiFi.SSID.1.',
      'Device.WiFi.SSID.',
      'Device.',
    ];
    for (const p of paths) expect([p, slow.resolve(p)]).toEqual([p, fast.resolve(p)]);
    expect(fast.resolve('Device.WiFi.SSID.3.')).toBeUndefined();
  });

  describe('GetParameterNames', () => {
    it('lists direct children with NextLevel true', () => {
      const r = model().getNames('Device.WiFi.SSID.', true);
      expect(r).toEqual({
        ok: true,
        value: [
          { name: 'Device.WiFi.SSID.1.', writable: true },
          { name: 'Device.WiFi.SSID.2.', writable: true },
        ],
      });
    });

    it('lists the object and its whole subtree with NextLevel false', () => {
      const r = model().getNames('Device.NAT.PortMapping.1.', false);
      if (!r.ok) throw new Error('fault');
      expect(r.value[0]).toEqual({ name: 'Device.NAT.PortMapping.1.', writable: true });
      expect(r.value).toContainEqual({
        name: 'Device.NAT.PortMapping.1.ExternalPort',
        writable: true,
      });
      expect(r.value.every((p) => p.name.startsWith('Device.NAT.PortMapping.1.'))).toBe(true);
    });

    it('answers the empty path with the root at next level and everything otherwise', () => {
      expect(model().getNames('', true)).toEqual({
        ok: true,
        value: [{ name: 'Device.', writable: false }],
      });
      const all = model().getNames('', false);
      expect(all.ok && all.value.length).toBeGreaterThan(300);
    });

    it('returns a single parameter with NextLevel false, and 9003 with NextLevel true', () => {
      expect(model().getNames('Device.DeviceInfo.SoftwareVersion', false)).toEqual({
        ok: true,
        value: [{ name: 'Device.DeviceInfo.SoftwareVersion', writable: false }],
      });
      expect(model().getNames('Device.DeviceInfo.SoftwareVersion', true)).toEqual({
        ok: false,
        fault: 9003,
      });
    });

    it.each([['Device.Nope.'], ['Device.WiFi.SSID.9.'], ['Device.WiFi'], ['Other.'], ['Device..']])(
      'faults 9005 for %s',
      (path) => {
        expect(model().getNames(path, true)).toEqual({ ok: false, fault: 9005 });
      },
    );
  });

  describe('GetParameterValues', () => {
    it('expands partial paths and types values from the schema', () => {
      const r = model().getValues(['Device.ManagementServer.', 'Device.DeviceInfo.Manufacturer']);
      if (!r.ok) throw new Error('fault');
      expect(r.value).toContainEqual({
        name: 'Device.ManagementServer.EnableCWMP',
        value: { type: 'boolean', value: true },
      });
      expect(r.value).toContainEqual({
        name: 'Device.DeviceInfo.Manufacturer',
        value: str('ACME Networks'),
      });
      expect(
        r.value.find((p) => p.name === 'Device.ManagementServer.CWMPRetryMinimumWaitInterval')
          ?.value,
      ).toEqual({
        type: 'unsignedInt',
        value: 5,
      });
    });

    it('reads passwords as empty strings and counts table entries', () => {
      const m = model();
      m.write('Device.ManagementServer.ConnectionRequestPassword', 'secret');
      expect(m.read('Device.ManagementServer.ConnectionRequestPassword')).toEqual(str(''));
      expect(m.rawRead('Device.ManagementServer.ConnectionRequestPassword')).toBe('secret');
      expect(m.read('Device.WiFi.SSIDNumberOfEntries')).toEqual({ type: 'unsignedInt', value: 2 });
    });

    it('fills instance placeholders in values', () => {
      expect(model().read('Device.WiFi.SSID.2.SSID')).toEqual(str('ACME-S1-2'));
    });

    it('faults 9005 for an unknown name', () => {
      expect(model().getValues(['Device.DeviceInfo.Nope'])).toEqual({ ok: false, fault: 9005 });
    });
  });

  describe('SetParameterValues', () => {
    it('writes typed values and keeps them per device only', () => {
      const m = model();
      const other = model();
      const r = m.setValues([
        {
          name: 'Device.ManagementServer.PeriodicInformInterval',
          value: { type: 'unsignedInt', value: 600 },
        },
        { name: 'Device.WiFi.SSID.1.SSID', value: str('home') },
        { name: 'Device.X_ACME_Feature.Mode', value: str('Turbo') },
      ]);
      expect(r.ok).toBe(true);
      expect(m.read('Device.WiFi.SSID.1.SSID')).toEqual(str('home'));
      expect(m.read('Device.ManagementServer.PeriodicInformInterval')).toEqual({
        type: 'unsignedInt',
        value: 600,
      });
      expect(other.read('Device.WiFi.SSID.1.SSID')).toEqual(str('ACME-S1-1'));
      expect(other.overrides()).toBe(0);
    });

    it('is atomic: one bad parameter applies nothing and lists every fault', () => {
      const m = model();
      const r = m.setValues([
        { name: 'Device.WiFi.SSID.1.SSID', value: str('home') },
        { name: 'Device.DeviceInfo.SoftwareVersion', value: str('9') },
        { name: 'Device.ManagementServer.PeriodicInformInterval', value: str('often') },
        {
          name: 'Device.ManagementServer.PeriodicInformInterval',
          value: { type: 'int', value: -5 },
        },
        {
          name: 'Device.ManagementServer.EnableCWMP',
          value: { type: 'base64', value: new Uint8Array([1]) },
        },
        { name: 'Device.X_ACME_Feature.Mode', value: str('Warp') },
        { name: 'Device.Nope', value: str('x') },
      ]);
      expect(r).toEqual({
        ok: false,
        fault: 9003,
        faults: [
          { parameterName: 'Device.DeviceInfo.SoftwareVersion', faultCode: 9008 },
          { parameterName: 'Device.ManagementServer.PeriodicInformInterval', faultCode: 9007 },
          { parameterName: 'Device.ManagementServer.PeriodicInformInterval', faultCode: 9007 },
          { parameterName: 'Device.ManagementServer.EnableCWMP', faultCode: 9006 },
          { parameterName: 'Device.X_ACME_Feature.Mode', faultCode: 9007 },
          { parameterName: 'Device.Nope', faultCode: 9005 },
        ],
      });
      expect(m.read('Device.WiFi.SSID.1.SSID')).toEqual(str('ACME-S1-1'));
      expect(m.overrides()).toBe(0);
    });

    it('refuses the same parameter twice with 9003', () => {
      const r = model().setValues([
        { name: 'Device.WiFi.SSID.1.SSID', value: str('a') },
        { name: 'Device.WiFi.SSID.1.SSID', value: str('b') },
      ]);
      expect(r).toMatchObject({ ok: false, fault: 9003 });
    });
  });

  describe('AddObject / DeleteObject', () => {
    it('adds an instance with schema defaults and never reuses numbers', () => {
      const m = model();
      expect(m.addObject('Device.NAT.PortMapping.')).toEqual({ ok: true, value: 2 });
      expect(m.read('Device.NAT.PortMapping.2.Enable')).toEqual({ type: 'boolean', value: false });
      expect(m.deleteObject('Device.NAT.PortMapping.2.')).toEqual({ ok: true, value: true });
      expect(m.resolve('Device.NAT.PortMapping.2.Enable')).toBeUndefined();
      expect(m.addObject('Device.NAT.PortMapping.')).toEqual({ ok: true, value: 3 });
      expect(m.read('Device.NAT.PortMappingNumberOfEntries')).toEqual({
        type: 'unsignedInt',
        value: 2,
      });
    });

    it('answers 9004 once a table holds the per-table maximum', () => {
      const m = model();
      let last: ReturnType<DeviceModel['addObject']> = { ok: true, value: 0 };
      for (let i = 0; i < 300 && last.ok; i++) last = m.addObject('Device.NAT.PortMapping.');
      expect(last).toEqual({ ok: false, fault: 9004 });
      expect(m.instancesOf('Device.NAT.PortMapping.')).toHaveLength(256);
    });

    it('removes a deleted instance from names, values and nested tables', () => {
      const m = model();
      expect(m.deleteObject('Device.IP.Interface.1.')).toMatchObject({ ok: true });
      const names = m.getNames('Device.IP.Interface.', true);
      expect(names).toEqual({
        ok: true,
        value: [{ name: 'Device.IP.Interface.2.', writable: true }],
      });
      expect(m.getValues(['Device.IP.Interface.1.IPv4Address.1.IPAddress'])).toEqual({
        ok: false,
        fault: 9005,
      });
    });

    it.each([
      ['Device.WiFi.Radio.', 'a table the CPE does not let the ACS grow'],
      ['Device.NAT.PortMapping', 'a name without the trailing dot'],
      ['Device.DeviceInfo.', 'an object that is not a table'],
      ['Device.NAT.Nope.', 'an unknown object'],
    ])('AddObject faults 9005 for %s (%s)', (path) => {
      expect(model().addObject(path)).toEqual({ ok: false, fault: 9005 });
    });

    it.each([['Device.NAT.PortMapping.7.'], ['Device.WiFi.Radio.1.'], ['Device.NAT.PortMapping.']])(
      'DeleteObject faults 9005 for %s',
      (path) => {
        expect(model().deleteObject(path)).toEqual({ ok: false, fault: 9005 });
      },
    );

    it('resets to the template on factory reset', () => {
      const m = model();
      m.addObject('Device.Users.User.');
      m.write('Device.WiFi.SSID.1.SSID', 'x');
      m.setNotification('Device.WiFi.SSID.1.SSID', 2);
      m.reset();
      expect(m.overrides()).toBe(0);
      expect(m.instancesOf('Device.Users.User.')).toEqual([1]);
    });
  });

  describe('alias-based addressing', () => {
    it('reads, writes and deletes through [alias] segments, answering with instance numbers', () => {
      const m = model();
      expect(m.read('Device.WiFi.SSID.2.Alias')).toEqual(str('cpe-2'));
      expect(m.getValues(['Device.WiFi.SSID.[cpe-2].SSID'])).toEqual({
        ok: true,
        value: [{ name: 'Device.WiFi.SSID.2.SSID', value: str('ACME-S1-2') }],
      });
      expect(
        m.setValues([{ name: 'Device.WiFi.SSID.[cpe-1].Alias', value: str('guest') }]).ok,
      ).toBe(true);
      expect(
        m.setValues([{ name: 'Device.WiFi.SSID.[guest].SSID', value: str('visitors') }]).ok,
      ).toBe(true);
      expect(m.read('Device.WiFi.SSID.1.SSID')).toEqual(str('visitors'));
      expect(m.addObject('Device.NAT.PortMapping.')).toEqual({ ok: true, value: 2 });
      expect(m.read('Device.NAT.PortMapping.2.Alias')).toEqual(str('cpe-2'));
      expect(m.deleteObject('Device.NAT.PortMapping.[cpe-2].')).toEqual({ ok: true, value: true });
    });

    it.each([
      ['Device.WiFi.SSID.[nope].SSID'],
      ['Device.WiFi.SSID.[cpe-2.SSID'],
      ['Device.WiFi[cpe-1].SSID'],
    ])('faults 9005 for %s', (path) => {
      expect(model().getValues([path])).toEqual({ ok: false, fault: 9005 });
    });

    it('reports an unknown alias in SetParameterValuesFault under the name the ACS sent', () => {
      expect(model().setValues([{ name: 'Device.WiFi.SSID.[x].SSID', value: str('a') }])).toEqual({
        ok: false,
        fault: 9003,
        faults: [{ parameterName: 'Device.WiFi.SSID.[x].SSID', faultCode: 9005 }],
      });
    });
  });

  describe('attributes', () => {
    it('sets notification on a subtree and reads it back', () => {
      const m = model();
      expect(m.setNotification('Device.WiFi.SSID.1.', 2)).toMatchObject({ ok: true });
      const r = m.getAttributes(['Device.WiFi.SSID.1.SSID', 'Device.WiFi.SSID.2.SSID']);
      expect(r).toEqual({
        ok: true,
        value: [
          { name: 'Device.WiFi.SSID.1.SSID', notification: 2, accessList: [] },
          { name: 'Device.WiFi.SSID.2.SSID', notification: 0, accessList: [] },
        ],
      });
      expect(m.getAttributes(['Device.Nope.'])).toEqual({ ok: false, fault: 9005 });
    });
  });

  it('instantiates the TR-098 template with its vendor parameters', () => {
    const m = new DeviceModel(deviceTemplate('tr098'), () => 'X');
    expect(m.read('InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.SSID')).toEqual(
      str('ACME-X-X'),
    );
    expect(m.read('InternetGatewayDevice.X_ACME_Feature.Level')).toEqual({ type: 'int', value: 3 });
    expect(m.getNames('InternetGatewayDevice.LANDevice.1.WLANConfiguration.', true)).toMatchObject({
      ok: true,
    });
  });
});
