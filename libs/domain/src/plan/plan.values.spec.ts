import { plan } from './plan.engine';
import { NOW, T0 } from '../testing/device.fixtures';
import { PIINT, CHANNEL, expected, outcome, type Row } from '../testing/plan.table';

// Table: SetParameterValues typing and batching, GetParameterValues only for unknown or stale values, paths known not to exist (issue 5, point 4).

const rows: Row[] = [
  // --- nothing to do ---
  { name: 'plans nothing when nothing is desired', phase: 'done', rpcs: [] },
  {
    name: 'plans nothing when every desired value is already on the device',
    profiles: [{ parameters: { [PIINT]: 3600, 'Device.WiFi.SSID.1.SSID': 'home' } }],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'treats a device boolean true as equal to a declared "1"',
    profiles: [{ parameters: { 'Device.ManagementServer.PeriodicInformEnable': '1' } }],
    phase: 'done',
    rpcs: [],
  },
  // --- SetParameterValues ---
  {
    name: 'sets a differing value with the type the device reported',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
  },
  {
    name: 'batches every differing value into one SetParameterValues, sorted by path',
    profiles: [{ parameters: { [PIINT]: 300, [CHANNEL]: 11, 'Device.WiFi.SSID.1.SSID': 'x' } }],
    phase: 'write',
    rpcs: [
      `SPV ${PIINT}=unsignedInt:300,${CHANNEL}=unsignedInt:11,Device.WiFi.SSID.1.SSID=string:x`,
    ],
  },
  {
    name: 'splits a change set larger than maxNamesPerRpc',
    profiles: [{ parameters: { [PIINT]: 300, [CHANNEL]: 11, 'Device.WiFi.SSID.1.SSID': 'x' } }],
    policy: { maxNamesPerRpc: 2 },
    phase: 'write',
    rpcs: [
      `SPV ${PIINT}=unsignedInt:300,${CHANNEL}=unsignedInt:11`,
      'SPV Device.WiFi.SSID.1.SSID=string:x',
    ],
  },
  {
    name: 'honours a declared xsd type over the reported one',
    profiles: [{ parameters: { [PIINT]: { value: 300, type: 'int' } } }],
    phase: 'write',
    rpcs: [`SPV ${PIINT}=int:300`],
  },
  {
    name: 'sets a boolean from a declared "false" as xsd:boolean',
    profiles: [{ parameters: { 'Device.WiFi.SSID.1.Enable': 'false' } }],
    phase: 'write',
    rpcs: ['SPV Device.WiFi.SSID.1.Enable=boolean:false'],
  },
  {
    name: 'skips a value that does not fit the parameter type, and sets the rest',
    profiles: [{ parameters: { [PIINT]: 'soon', [CHANNEL]: 1 } }],
    phase: 'write',
    rpcs: [`SPV ${CHANNEL}=unsignedInt:1`],
    skipped: [`${PIINT}:invalidValue`],
  },
  {
    name: 'refuses an unsignedInt value out of range',
    profiles: [{ parameters: { [PIINT]: 4294967296 } }],
    phase: 'done',
    rpcs: [],
    skipped: [`${PIINT}:invalidValue`],
  },
  {
    name: 'sets an unsignedLong value as a 64-bit integer',
    nodes: { 'Device.X_ACME.Counter': { type: 'unsignedLong', value: 1n } },
    profiles: [{ parameters: { 'Device.X_ACME.Counter': '18446744073709551615' } }],
    phase: 'write',
    rpcs: ['SPV Device.X_ACME.Counter=unsignedLong:18446744073709551615'],
  },
  {
    name: 'sets a dateTime value in its lexical form',
    nodes: {
      'Device.ManagementServer.PeriodicInformTime': {
        type: 'dateTime',
        value: '0001-01-01T00:00:00Z',
      },
    },
    profiles: [
      { parameters: { 'Device.ManagementServer.PeriodicInformTime': '2026-01-01T03:00:00Z' } },
    ],
    phase: 'write',
    rpcs: ['SPV Device.ManagementServer.PeriodicInformTime=dateTime:2026-01-01T03:00:00Z'],
  },
  {
    name: 'fills templates from the device facts',
    profiles: [{ parameters: { 'Device.WiFi.SSID.1.SSID': 'wifi-{{serialNumber}}-{{oui}}' } }],
    phase: 'write',
    rpcs: ['SPV Device.WiFi.SSID.1.SSID=string:wifi-SN1-00D09E'],
  },
  {
    name: 'keeps an unknown xsi:type the device used when setting the value',
    nodes: { 'Device.X_ACME.Level': { type: 'string', value: '3', xsiType: 'unsignedByte' } },
    profiles: [{ parameters: { 'Device.X_ACME.Level': 4 } }],
    phase: 'write',
    rpcs: ['SPV Device.X_ACME.Level=string:4'],
  },
  // --- GetParameterValues: only unknown or stale ---
  {
    name: 'reads a desired value the ACS has never seen before setting it',
    profiles: [{ parameters: { 'Device.Time.NTPServer1': 'pool.ntp.org' } }],
    phase: 'read',
    rpcs: ['GPV Device.Time.NTPServer1'],
  },
  {
    name: 'reads only the unknown values, in one batch',
    profiles: [
      { parameters: { 'Device.Time.NTPServer1': 'a', 'Device.Time.Enable': true, [PIINT]: 3600 } },
    ],
    phase: 'read',
    rpcs: ['GPV Device.Time.Enable,Device.Time.NTPServer1'],
  },
  {
    name: 'splits reads larger than maxNamesPerRpc',
    profiles: [
      {
        parameters: {
          'Device.Time.NTPServer1': 'a',
          'Device.Time.NTPServer2': 'b',
          'Device.Time.Enable': true,
        },
      },
    ],
    policy: { maxNamesPerRpc: 2 },
    phase: 'read',
    rpcs: ['GPV Device.Time.Enable,Device.Time.NTPServer1', 'GPV Device.Time.NTPServer2'],
  },
  {
    name: 're-reads a value older than its refresh maxAge',
    profiles: [{ refresh: [{ path: CHANNEL, maxAge: 60 }] }],
    phase: 'read',
    rpcs: [`GPV ${CHANNEL}`],
  },
  {
    name: 'does not re-read a value younger than its refresh maxAge',
    profiles: [{ refresh: [{ path: CHANNEL, maxAge: 7200 }] }],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 're-reads a stale subtree with one object-path GetParameterValues',
    profiles: [{ refresh: [{ path: 'Device.DeviceInfo.', maxAge: 60 }] }],
    phase: 'read',
    rpcs: ['GPV Device.DeviceInfo.'],
  },
  {
    name: 'does not re-read a subtree read as a whole within its maxAge',
    profiles: [{ refresh: [{ path: 'Device.DeviceInfo.', maxAge: 60 }] }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        'Device.': { kind: 'object', instance: false, subtreeReadAt: NOW - 1000 },
      },
    }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'reads a refreshed subtree the ACS knows nothing of',
    profiles: [{ refresh: [{ path: 'Device.Hosts.', maxAge: 86400 }] }],
    phase: 'read',
    rpcs: ['GPV Device.Hosts.'],
  },
  {
    name: 'reads a stale desired value once, through the refreshed subtree that holds it',
    profiles: [
      { parameters: { [CHANNEL]: 6 }, refresh: [{ path: 'Device.WiFi.Radio.', maxAge: 60 }] },
    ],
    phase: 'read',
    rpcs: ['GPV Device.WiFi.Radio.'],
  },
  // --- partial knowledge, absent paths ---
  {
    name: 'skips a path the device said does not exist (9005)',
    profiles: [{ parameters: { 'Device.X_ACME.Gone': 1, [CHANNEL]: 1 } }],
    patch: () => ({ absent: { 'Device.X_ACME.Gone': T0 } }),
    phase: 'write',
    rpcs: [`SPV ${CHANNEL}=unsignedInt:1`],
    skipped: ['Device.X_ACME.Gone:absent'],
  },
  {
    name: 'skips a path under an absent object',
    profiles: [{ parameters: { 'Device.X_ACME.Sub.Leaf': 1 } }],
    patch: () => ({ absent: { 'Device.X_ACME.': T0 } }),
    phase: 'done',
    rpcs: [],
    skipped: ['Device.X_ACME.Sub.Leaf:absent'],
  },
  {
    name: 'skips an instance that discovery showed does not exist, without asking the device',
    profiles: [{ parameters: { 'Device.WiFi.SSID.3.SSID': 'x' } }],
    phase: 'done',
    rpcs: [],
    skipped: ['Device.WiFi.SSID.3.SSID:absent'],
  },
  {
    name: 'reads a parameter of a known instance whose value is unknown',
    profiles: [{ parameters: { 'Device.WiFi.SSID.1.LowerLayers': 'Device.WiFi.Radio.1.' } }],
    phase: 'read',
    rpcs: ['GPV Device.WiFi.SSID.1.LowerLayers'],
  },
];

describe(`${plan.name}: values, reads, partial knowledge`, () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(outcome(row)).toEqual(expected(row));
  });
});
