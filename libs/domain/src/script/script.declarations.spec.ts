import { mergeDesired } from '../desired/desired-state.merge';
import { parseProfile } from '../profile/profile.loader';
import { device, NOW, TR181 } from '../testing/device.fixtures';
import { parseScriptOutput, scriptDevice } from './script.declarations';
import { ScriptFaultCode } from './script.types';

describe('profile scripts (domain side)', () => {
  it('validates the script block of a profile with defaults, naming the field on errors', () => {
    const p = parseProfile({ name: 's', script: { source: 'declare.parameter("A.b", 1)' } });
    expect(p.script).toEqual({
      source: 'declare.parameter("A.b", 1)',
      timeoutMs: 50,
      memoryBytes: 8 << 20,
      stackBytes: 256 << 10,
    });
    expect(() => parseProfile({ name: 's', script: { source: 'x', timeoutMs: 60_000 } })).toThrow(
      /script\.timeoutMs/,
    );
    expect(() => parseProfile({ name: 's', script: { source: '' } })).toThrow(/script\.source/);
  });

  it('faults a script profile merged without an evaluator and still applies its static part', () => {
    const p = parseProfile({
      name: 's',
      parameters: { 'Device.Time.NTPServer1': 'ntp.example' },
      script: { source: 'declare.parameter("Device.Time.NTPServer2", "x")' },
    });
    const desired = mergeDesired(device('Device.', TR181), [p], [], { now: NOW });
    expect(desired.findings).toEqual([
      expect.objectContaining({ kind: 'script', code: ScriptFaultCode.Unavailable }),
    ]);
    expect([...desired.values.keys()]).toEqual(['Device.Time.NTPServer1']);
  });

  it('refuses declarations that are not data a profile could hold', () => {
    const empty = { parameters: {}, objects: [], notifications: {}, actions: [] };
    expect(parseScriptOutput(empty)).toEqual({ ok: true, output: empty });
    const bad = parseScriptOutput({
      ...empty,
      parameters: { 'Device.X.Y': null },
      objects: [{ path: 'Device.NAT.PortMapping.', key: {}, present: true, parameters: {} }],
      extra: 1,
    });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^parameters\.Device\.X\.Y: /),
        'objects.0.key: needs key parameters or an alias',
        expect.stringMatching(/unrecognized key/i),
      ]),
    );
  });

  it('shows the script a snapshot with typed values and no unknown paths', () => {
    const d = scriptDevice(device('Device.', TR181), ['1 BOOT']);
    expect(d.value('Device.ManagementServer.PeriodicInformInterval')).toBe(3600);
    expect(d.value('Device.ManagementServer.PeriodicInformEnable')).toBe(true);
    expect(d.value('Device.Nope.X')).toBeNull();
    expect(d.value('__proto__')).toBeNull();
    expect(d.instances('Device.WiFi.SSID.')).toEqual([1, 2]);
    expect(d.info).toMatchObject({
      id: '00D09E-HGW-SN1',
      events: ['1 BOOT'],
      softwareVersion: '1.0',
    });
  });
});
