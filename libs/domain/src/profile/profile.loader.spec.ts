import { DomainError, DomainErrorCode } from '../domain.error';
import { loadProfile, loadProfiles, parseProfile } from './profile.loader';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.issues;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const YAML = `
name: wifi-default
version: 3
priority: 10
filter:
  - { field: productClass, op: eq, value: HGW }
  - { field: softwareVersion, op: gt, value: "1.2" }
  - { field: tag, op: exists, value: residential }
parameters:
  Device.ManagementServer.PeriodicInformInterval: 300
  Device.WiFi.SSID.1.SSID: "wifi-{{serialNumber}}"
  Device.X_ACME.Level: { value: 3, type: unsignedInt }
objects:
  - path: Device.NAT.PortMapping.
    key: { ExternalPort: 8080 }
    parameters: { InternalPort: 80 }
  - path: Device.WiFi.SSID.
    alias: guest
    present: false
notifications:
  Device.WiFi.SSID.1.SSID: 2
firmware: { version: "2.0", url: "http://127.0.0.1/fw-{{productClass}}.bin" }
refresh:
  - { path: Device.DeviceInfo., maxAge: 3600 }
actions:
  - { action: reboot, on: { events: ["1 BOOT"] } }
  - { action: reboot, id: nightly, on: { cron: "0 3 * * *", window: 1800 } }
  - { action: scheduleInform, delaySeconds: 60, on: { every: 86400 } }
`;

describe(loadProfile.name, () => {
  it('loads a full profile from YAML, with defaults filled in', () => {
    const p = loadProfile(YAML);
    expect(p.name).toBe('wifi-default');
    expect(p.priority).toBe(10);
    expect(p.objects[0]?.present).toBe(true);
    expect(p.objects[1]?.key).toEqual({});
    expect(p.firmware?.fileType).toBe('1 Firmware Upgrade Image');
    expect(p.actions[1]?.on).toEqual({ cron: '0 3 * * *', window: 1800 });
  });

  it('loads the same profile from JSON', () => {
    const p = loadProfile(
      JSON.stringify({ name: 'j', parameters: { 'InternetGatewayDevice.Time.Enable': true } }),
      'json',
    );
    expect(p).toMatchObject({ name: 'j', version: 1, priority: 0, filter: [] });
  });

  it.each([
    [{ name: 'bad name!' }, 'name'],
    [{ name: 'p', parameters: { 'Device.WiFi.': 1 } }, 'parameters.Device.WiFi.'],
    [{ name: 'p', parameters: { 'Device.X': '{{serial}}' } }, 'parameters.Device.X'],
    [{ name: 'p', filter: [{ field: 'colour', op: 'eq', value: 'x' }] }, 'filter.0.field'],
    [{ name: 'p', filter: [{ field: 'oui', op: 'in' }] }, 'filter.0.values'],
    [
      { name: 'p', filter: [{ field: 'Device.WiFi.SSID.*.SSID', op: 'eq', value: 'x' }] },
      'filter.0.field',
    ],
    [{ name: 'p', parameters: { 'Device.*': 1 } }, 'parameters.Device.*'],
    [{ name: 'p', filter: [{ field: 'oui', op: 'regex', value: '(' }] }, 'filter.0.value'],
    [{ name: 'p', objects: [{ path: 'Device.NAT.PortMapping' }] }, 'objects.0.path'],
    [{ name: 'p', objects: [{ path: 'Device.NAT.PortMapping.' }] }, 'objects.0.key'],
    [
      { name: 'p', objects: [{ path: 'Device.NAT.PortMapping.', key: { 'a.b': 1 } }] },
      'objects.0.key.a.b',
    ],
    [{ name: 'p', notifications: { 'Device.X.Y': 9 } }, 'notifications.Device.X.Y'],
    [{ name: 'p', refresh: [{ path: 'Device.X.', maxAge: 0 }] }, 'refresh.0.maxAge'],
    [{ name: 'p', actions: [{ action: 'explode', on: { every: 1 } }] }, 'actions.0.action'],
    [{ name: 'p', actions: [{ action: 'reboot', on: { cron: '61 * * *' } }] }, 'actions.0.on.cron'],
    [
      { name: 'p', actions: [{ action: 'reboot', on: { cron: '61 * * * *' } }] },
      'actions.0.on.cron',
    ],
    [{ name: 'p', firmware: { url: 'http://x' } }, 'firmware.version'],
    [{ name: 'p', extra: 1 }, '(root)'],
  ])('names the field of an invalid declaration: %j → %s', (input, field) => {
    const issues = issuesOf(() => parseProfile(input));
    expect(issues.some((i) => i.startsWith(`${field}:`))).toBe(true);
  });

  it('lists every problem at once', () => {
    const issues = issuesOf(() => parseProfile({ name: '', version: -1, priority: 1.5 }));
    expect(issues.map((i) => i.split(':')[0])).toEqual(['name', 'version', 'priority']);
  });

  it.each([
    ['{ "name": ', 'json'],
    ['name: [unclosed', 'yaml'],
  ] as const)('refuses text that does not parse, with a clear error: %s', (text, format) => {
    const code = (() => {
      try {
        loadProfile(text, format);
      } catch (e) {
        return e instanceof DomainError ? e.code : undefined;
      }
      return undefined;
    })();
    expect(code).toBe(DomainErrorCode.InvalidSyntax);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(() => loadProfile(bomb.join('\n'))).toThrow(DomainError);
  });
});

describe(loadProfiles.name, () => {
  it('loads a list and prefixes issues with the index', () => {
    expect(loadProfiles('- { name: a }\n- { name: b }').map((p) => p.name)).toEqual(['a', 'b']);
    const issues = issuesOf(() => loadProfiles('- { name: a }\n- { name: "b b" }'));
    expect(issues[0]).toMatch(/^1\.name:/);
  });

  it('refuses two profiles with the same name', () => {
    expect(issuesOf(() => loadProfiles('- { name: a }\n- { name: a }'))).toEqual([
      '1.name: duplicate profile name "a"',
    ]);
  });
});
