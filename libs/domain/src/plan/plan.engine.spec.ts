import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import { faultKey } from '../device/device-state.types';
import { mergeDesired } from '../desired/desired-state.merge';
import type { DesiredState } from '../desired/desired-state.types';
import { parseProfile } from '../profile/profile.loader';
import type { ProfileInput } from '../profile/profile.schema';
import { parseTask, type TaskInput } from '../task/task.schema';
import { b, device, NOW, s, T0, TR098, TR181, u, type NodeSpec } from '../testing/device.fixtures';
import { summarizePlan } from '../testing/plan.summary';
import { plan } from './plan.engine';
import type { PlanPolicy } from './plan.types';

// Table-driven cases for the diff engine (issue 5, points 4 and 5). Each row: a device state, the
// declarations that apply, and the one next step the engine must return.

interface Row {
  readonly name: string;
  readonly root?: 'Device.' | 'InternetGatewayDevice.';
  /** Extra/overriding nodes on top of the TR-181 or TR-098 fixture. */
  readonly nodes?: Readonly<Record<string, NodeSpec | null>>;
  readonly profiles?: readonly Partial<ProfileInput>[];
  readonly tasks?: readonly Omit<TaskInput, 'deviceId' | 'createdAt'>[];
  readonly patch?: (state: DeviceState, desired: DesiredState) => Partial<DeviceState>;
  readonly now?: number;
  readonly events?: readonly string[];
  readonly policy?: Partial<PlanPolicy>;
  readonly phase: string;
  readonly rpcs: readonly string[];
  readonly skipped?: readonly string[];
  readonly findings?: readonly string[];
  readonly conflicts?: number;
}

const P1: SourceRef = { kind: 'profile', name: 'p1', version: 1 };
const PM = 'Device.NAT.PortMapping.';
const PM98 =
  'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.PortMapping.';
const WLAN = 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.';
const PIINT = 'Device.ManagementServer.PeriodicInformInterval';
const CHANNEL = 'Device.WiFi.Radio.1.Channel';
const FW = { version: '2.0', url: 'http://127.0.0.1:7070/fw-2.0.bin' };
type ObjectInput = NonNullable<ProfileInput['objects']>[number];
type ActionInput = NonNullable<ProfileInput['actions']>[number];
const portMapping = (over: Partial<ObjectInput> = {}): ObjectInput => ({
  path: PM,
  key: { ExternalPort: 8080 },
  parameters: { InternalPort: 80, Enable: true },
  ...over,
});

function fault(
  target: string,
  over: Partial<FaultRecord> = {},
  source: SourceRef = P1,
): Record<string, FaultRecord> {
  return {
    [faultKey(source, target)]: {
      source,
      target,
      kind: 'cpe',
      method: 'SetParameterValues',
      code: 9007,
      message: 'Invalid parameter value',
      retries: 1,
      firstAt: T0,
      lastAt: T0,
      nextRetryAt: NOW + 60_000,
      ...over,
    },
  };
}

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

const rows2: Row[] = [
  // --- discovery and instance reconciliation (TR-181) ---
  {
    name: 'discovers an unknown table with GetParameterNames NextLevel=true',
    profiles: [{ objects: [portMapping()] }],
    phase: 'discover',
    rpcs: [`GPN ${PM} true`],
  },
  {
    name: 'discovers two unknown tables in one step, sorted',
    profiles: [
      { objects: [portMapping(), { path: 'Device.DHCPv4.Server.Pool.', key: { Alias: 'lan' } }] },
    ],
    phase: 'discover',
    rpcs: ['GPN Device.DHCPv4.Server.Pool. true', `GPN ${PM} true`],
  },
  {
    name: 'discovers before reading anything else',
    profiles: [{ objects: [portMapping()], parameters: { 'Device.Time.Enable': true } }],
    phase: 'discover',
    rpcs: [`GPN ${PM} true`],
  },
  {
    name: 'reads the keys and desired children of instances whose keys are unknown, in one batch',
    nodes: { [PM]: 'table', [`${PM}1.`]: 'object', [`${PM}2.`]: 'object' },
    profiles: [{ objects: [portMapping()] }],
    phase: 'read',
    rpcs: [
      `GPV ${PM}1.Enable,${PM}1.ExternalPort,${PM}1.InternalPort,${PM}2.Enable,${PM}2.ExternalPort,${PM}2.InternalPort`,
    ],
  },
  {
    name: 'does nothing for an instance that matches its key and values',
    nodes: {
      [PM]: 'table',
      [`${PM}1.`]: 'object',
      [`${PM}1.ExternalPort`]: u(8080),
      [`${PM}1.InternalPort`]: u(80),
      [`${PM}1.Enable`]: b(true),
    },
    profiles: [{ objects: [portMapping()] }],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'reads the unknown child values of the matching instance',
    nodes: { [PM]: 'table', [`${PM}1.`]: 'object', [`${PM}1.ExternalPort`]: u(8080) },
    profiles: [{ objects: [portMapping()] }],
    phase: 'read',
    rpcs: [`GPV ${PM}1.Enable,${PM}1.InternalPort`],
  },
  {
    name: 'sets the differing child values of the matching instance',
    nodes: {
      [PM]: 'table',
      [`${PM}2.`]: 'object',
      [`${PM}2.ExternalPort`]: u(8080),
      [`${PM}2.InternalPort`]: u(81),
      [`${PM}2.Enable`]: b(true),
    },
    profiles: [{ objects: [portMapping()] }],
    phase: 'write',
    rpcs: [`SPV ${PM}2.InternalPort=unsignedInt:80`],
  },
  {
    name: 'adds an instance when none matches the key',
    nodes: { [PM]: 'table', [`${PM}1.`]: 'object', [`${PM}1.ExternalPort`]: u(9090) },
    profiles: [{ objects: [portMapping()] }],
    phase: 'write',
    rpcs: [`Add ${PM}`],
  },
  {
    name: 'adds an instance to an empty table',
    nodes: { [PM]: 'table' },
    profiles: [{ objects: [portMapping()] }],
    phase: 'write',
    rpcs: [`Add ${PM}`],
  },
  {
    name: 'sets keys and values on the instance it created, typed from the data model',
    nodes: { [PM]: 'table' },
    profiles: [{ objects: [portMapping()] }],
    patch: (st, d) => ({
      nodes: {
        ...st.nodes,
        [`${PM}3.`]: { kind: 'object', instance: true, createdFor: d.objects[0]?.id ?? '' },
      },
    }),
    phase: 'write',
    rpcs: [
      `SPV ${PM}3.Enable=boolean:true,${PM}3.ExternalPort=unsignedInt:8080,${PM}3.InternalPort=unsignedInt:80`,
    ],
  },
  {
    name: 'deletes the instances matching an object that must not exist',
    nodes: {
      [PM]: 'table',
      [`${PM}1.`]: 'object',
      [`${PM}1.ExternalPort`]: u(8080),
      [`${PM}4.`]: 'object',
      [`${PM}4.ExternalPort`]: u(8080),
      [`${PM}5.`]: 'object',
      [`${PM}5.ExternalPort`]: u(22),
    },
    profiles: [{ objects: [portMapping({ present: false })] }],
    phase: 'write',
    rpcs: [`Del ${PM}1.`, `Del ${PM}4.`],
  },
  {
    name: 'does nothing when an object that must not exist does not',
    nodes: { [PM]: 'table', [`${PM}1.`]: 'object', [`${PM}1.ExternalPort`]: u(22) },
    profiles: [{ objects: [portMapping({ present: false })] }],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'adds one missing instance and fixes another in the same step',
    nodes: {
      [PM]: 'table',
      [`${PM}1.`]: 'object',
      [`${PM}1.ExternalPort`]: u(22),
      [`${PM}1.InternalPort`]: u(2222),
      [`${PM}1.Enable`]: b(true),
    },
    profiles: [
      {
        objects: [
          portMapping(),
          portMapping({ key: { ExternalPort: 22 }, parameters: { InternalPort: 22 } }),
        ],
      },
    ],
    phase: 'write',
    rpcs: [`Add ${PM}`, `SPV ${PM}1.InternalPort=unsignedInt:22`],
  },
  {
    name: 'skips adding to a table GetParameterNames reported as not writable',
    nodes: { [PM]: 'table' },
    profiles: [{ objects: [portMapping()] }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        [PM]: { kind: 'object', instance: false, writable: false, childrenReadAt: T0 },
      },
    }),
    phase: 'done',
    rpcs: [],
    skipped: [`${PM}:notWritable`],
  },
  {
    name: 'skips an object whose table the device does not have',
    profiles: [{ objects: [portMapping()] }],
    patch: () => ({ absent: { [PM]: T0 } }),
    phase: 'done',
    rpcs: [],
    skipped: [`${PM}:absent`],
  },
  // --- TR-098 ---
  {
    name: 'TR-098: plans nothing for a matching WLAN configuration',
    root: 'InternetGatewayDevice.',
    profiles: [{ parameters: { [`${WLAN}1.SSID`]: 'home' } }],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'TR-098: sets a child of the WLAN instance matched by its SSID',
    root: 'InternetGatewayDevice.',
    profiles: [{ objects: [{ path: WLAN, key: { SSID: 'home' }, parameters: { Enable: false } }] }],
    phase: 'write',
    rpcs: [`SPV ${WLAN}1.Enable=boolean:false`],
  },
  {
    name: 'TR-098: adds a port mapping',
    root: 'InternetGatewayDevice.',
    profiles: [{ objects: [{ path: PM98, key: { ExternalPort: 8080 } }] }],
    phase: 'write',
    rpcs: [`Add ${PM98}`],
  },
  {
    name: 'TR-098: reads a new instance parameter whose type neither device nor model knows',
    root: 'InternetGatewayDevice.',
    profiles: [
      {
        objects: [
          {
            path: PM98,
            key: { ExternalPort: 8080 },
            parameters: { InternalPort: { value: 80, type: 'unsignedInt' } },
          },
        ],
      },
    ],
    patch: (st, d) => ({
      nodes: {
        ...st.nodes,
        [`${PM98}1.`]: { kind: 'object', instance: true, createdFor: d.objects[0]?.id ?? '' },
      },
    }),
    phase: 'read',
    rpcs: [`GPV ${PM98}1.ExternalPort`],
  },
  {
    name: 'TR-098: sets a new instance with the type the device reported, else the declared one',
    root: 'InternetGatewayDevice.',
    profiles: [
      {
        objects: [
          {
            path: PM98,
            key: { ExternalPort: 8080 },
            parameters: { InternalPort: { value: 80, type: 'unsignedInt' } },
          },
        ],
      },
    ],
    patch: (st, d) => ({
      nodes: {
        ...st.nodes,
        [`${PM98}1.`]: { kind: 'object', instance: true, createdFor: d.objects[0]?.id ?? '' },
        [`${PM98}1.ExternalPort`]: { kind: 'parameter', value: s('0'), valueReadAt: NOW },
      },
    }),
    phase: 'write',
    rpcs: [`SPV ${PM98}1.ExternalPort=string:8080,${PM98}1.InternalPort=unsignedInt:80`],
  },
  {
    name: 'TR-098: discovers the LAN hosts table',
    root: 'InternetGatewayDevice.',
    profiles: [
      {
        objects: [
          {
            path: 'InternetGatewayDevice.LANDevice.1.Hosts.Host.',
            key: { MACAddress: 'aa' },
            present: false,
          },
        ],
      },
    ],
    phase: 'discover',
    rpcs: ['GPN InternetGatewayDevice.LANDevice.1.Hosts.Host. true'],
  },
  {
    name: 'TR-098: sets the periodic inform interval with the reported type',
    root: 'InternetGatewayDevice.',
    profiles: [
      { parameters: { 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval': 60 } },
    ],
    phase: 'write',
    rpcs: ['SPV InternetGatewayDevice.ManagementServer.PeriodicInformInterval=unsignedInt:60'],
  },
];

const SSID = 'Device.WiFi.SSID.';
const guest = (over: Partial<ObjectInput> = {}): ObjectInput => ({
  path: SSID,
  alias: 'guest',
  key: { SSID: 'guest-{{serialNumber}}' },
  parameters: { Enable: true },
  ...over,
});
const at3 = Date.UTC(2026, 0, 1, 3, 30);
const bootReboot: ActionInput = { action: 'reboot', on: { events: ['1 BOOT'] } };

const rows3: Row[] = [
  // --- alias-based addressing (CWMP 1.4, TR-069 A.2.2.1) ---
  {
    name: 'reads ManagementServer.AliasBasedAddressing before matching by alias',
    nodes: { 'Device.ManagementServer.AliasBasedAddressing': null },
    profiles: [{ objects: [guest()] }],
    phase: 'read',
    rpcs: ['GPV Device.ManagementServer.AliasBasedAddressing'],
  },
  {
    name: 'adds an instance by alias when the device supports alias addressing',
    profiles: [{ objects: [guest()] }],
    phase: 'write',
    rpcs: [`Add ${SSID}[guest].`],
  },
  {
    name: 'addresses an existing instance by its alias',
    nodes: { [`${SSID}2.Alias`]: s('guest'), [`${SSID}2.SSID`]: s('guest-SN1') },
    profiles: [{ objects: [guest()] }],
    phase: 'write',
    rpcs: [`SPV ${SSID}[guest].Enable=boolean:true`],
  },
  {
    name: 'falls back to key matching and numbered AddObject without alias support',
    nodes: { 'Device.ManagementServer.AliasBasedAddressing': b(false) },
    profiles: [{ objects: [guest()] }],
    phase: 'write',
    rpcs: [`Add ${SSID}`],
  },
  {
    name: 'sets up an instance created by alias through its alias',
    profiles: [{ objects: [guest()] }],
    patch: (st, d) => ({
      nodes: {
        ...st.nodes,
        [`${SSID}3.`]: {
          kind: 'object',
          instance: true,
          alias: 'guest',
          createdFor: d.objects[0]?.id ?? '',
        },
        [`${SSID}3.Alias`]: { kind: 'parameter', value: s('guest'), valueReadAt: NOW },
      },
    }),
    phase: 'write',
    rpcs: [`SPV ${SSID}[guest].Enable=boolean:true,${SSID}[guest].SSID=string:guest-SN1`],
  },
  {
    name: 'deletes an instance by alias',
    profiles: [{ objects: [guest({ alias: 'cpe-2', key: { SSID: 'guest' }, present: false })] }],
    phase: 'write',
    rpcs: [`Del ${SSID}[cpe-2].`],
  },
  {
    name: 'sets a parameter declared with an alias path',
    profiles: [{ parameters: { [`${SSID}[cpe-2].SSID`]: 'guest2' } }],
    phase: 'write',
    rpcs: [`SPV ${SSID}[cpe-2].SSID=string:guest2`],
  },
  {
    name: 'skips an alias path whose instance is unknown',
    profiles: [{ parameters: { [`${SSID}[nope].SSID`]: 'x' } }],
    phase: 'done',
    rpcs: [],
    skipped: [`${SSID}[nope].SSID:unresolvedAlias`],
  },
  // --- notification attributes ---
  {
    name: 'reads attributes it does not know before setting them',
    profiles: [{ notifications: { [`${SSID}1.SSID`]: 2 } }],
    phase: 'read',
    rpcs: [`GPA ${SSID}1.SSID`],
  },
  {
    name: 'does nothing when the notification attribute already matches',
    profiles: [{ notifications: { [`${SSID}1.SSID`]: 2 } }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        [`${SSID}1.SSID`]: {
          kind: 'parameter',
          value: s('home'),
          valueReadAt: T0,
          notification: 2,
          attributesReadAt: T0,
        },
      },
    }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'sets a differing notification attribute',
    profiles: [{ notifications: { [`${SSID}1.SSID`]: 2, [CHANNEL]: 1 } }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        [`${SSID}1.SSID`]: {
          kind: 'parameter',
          value: s('home'),
          notification: 0,
          attributesReadAt: T0,
        },
        [CHANNEL]: { kind: 'parameter', value: u(6), notification: 0, attributesReadAt: T0 },
      },
    }),
    phase: 'write',
    rpcs: [`SPA ${CHANNEL}=1,${SSID}1.SSID=2`],
  },
  {
    name: 'reads values and attributes in the same step',
    profiles: [
      { parameters: { 'Device.Time.Enable': true }, notifications: { [`${SSID}1.SSID`]: 2 } },
    ],
    phase: 'read',
    rpcs: ['GPV Device.Time.Enable', `GPA ${SSID}1.SSID`],
  },
  // --- firmware and one-off actions ---
  {
    name: 'downloads firmware when the reported version differs',
    profiles: [{ firmware: FW }],
    phase: 'actions',
    rpcs: [`Download ${FW.url}`],
  },
  {
    name: 'does not download firmware the device already runs',
    profiles: [{ firmware: FW }],
    patch: () => ({ softwareVersion: '2.0' }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'does not download again while a transfer is in progress',
    profiles: [{ firmware: FW }],
    patch: (_, d) => {
      const a = d.actions[0];
      const key = a?.kind === 'download' ? a.commandKey : '';
      return {
        transfers: {
          [key]: { commandKey: key, startedAt: NOW - 60_000, source: P1, target: 'firmware:2.0' },
        },
      };
    },
    phase: 'done',
    rpcs: [],
    skipped: ['firmware:2.0:inProgress'],
  },
  {
    name: 'downloads again when the transfer timed out',
    profiles: [{ firmware: FW }],
    patch: (_, d) => {
      const a = d.actions[0];
      const key = a?.kind === 'download' ? a.commandKey : '';
      return {
        transfers: {
          [key]: {
            commandKey: key,
            startedAt: NOW - 7_200_000,
            source: P1,
            target: 'firmware:2.0',
          },
        },
      };
    },
    phase: 'actions',
    rpcs: [`Download ${FW.url}`],
  },
  {
    name: 'reboots on the event that triggers it',
    profiles: [{ actions: [bootReboot] }],
    events: ['1 BOOT'],
    phase: 'actions',
    rpcs: ['Reboot'],
  },
  {
    name: 'does not reboot twice in one session',
    profiles: [{ actions: [bootReboot] }],
    events: ['1 BOOT'],
    patch: () => ({ actionRuns: { 'profile:p1:reboot-0': NOW } }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'does not reboot without its event',
    profiles: [{ actions: [bootReboot] }],
    events: ['2 PERIODIC'],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'sends a factory reset instead of both a reset and a reboot',
    profiles: [
      {
        actions: [
          { action: 'reboot', on: { events: ['0 BOOTSTRAP'] } },
          { action: 'factoryReset', on: { events: ['0 BOOTSTRAP'] } },
        ],
      },
    ],
    events: ['0 BOOTSTRAP'],
    phase: 'actions',
    rpcs: ['FactoryReset'],
  },
  {
    name: 'orders Download, ScheduleInform, then Reboot last',
    profiles: [
      {
        firmware: FW,
        actions: [bootReboot, { action: 'scheduleInform', delaySeconds: 30, on: { every: 60 } }],
      },
    ],
    events: ['1 BOOT'],
    phase: 'actions',
    rpcs: [`Download ${FW.url}`, 'ScheduleInform 30', 'Reboot'],
  },
  {
    name: 'holds actions back until the writes are done',
    profiles: [{ parameters: { [PIINT]: 300 }, actions: [bootReboot] }],
    events: ['1 BOOT'],
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
  },
  {
    name: 'does not run an interval action before its interval',
    profiles: [{ actions: [{ action: 'reboot', on: { every: 86400 } }] }],
    patch: () => ({ actionRuns: { 'profile:p1:reboot-0': NOW - 3_600_000 } }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'runs an interval action once its interval passed',
    profiles: [{ actions: [{ action: 'reboot', on: { every: 86400 } }] }],
    patch: () => ({ actionRuns: { 'profile:p1:reboot-0': NOW - 2 * 86_400_000 } }),
    phase: 'actions',
    rpcs: ['Reboot'],
  },
  {
    name: 'runs a cron action in the window after its tick',
    profiles: [{ actions: [{ action: 'reboot', on: { cron: '0 3 * * *' } }] }],
    now: at3,
    phase: 'actions',
    rpcs: ['Reboot'],
  },
  {
    name: 'does not run a cron action outside its window',
    profiles: [{ actions: [{ action: 'reboot', on: { cron: '0 3 * * *', window: 600 } }] }],
    now: at3,
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'does not run a cron action twice for one tick',
    profiles: [{ actions: [{ action: 'reboot', on: { cron: '0 3 * * *' } }] }],
    now: at3,
    patch: () => ({ actionRuns: { 'profile:p1:reboot-0': at3 - 600_000 } }),
    phase: 'done',
    rpcs: [],
  },
  // --- tasks ---
  {
    name: 'runs a reboot task',
    tasks: [{ id: 't1', operation: { kind: 'reboot' } }],
    phase: 'actions',
    rpcs: ['Reboot'],
  },
  {
    name: 'does not run a task that is done',
    tasks: [{ id: 't1', operation: { kind: 'reboot' } }],
    patch: () => ({ actionRuns: { 'task:t1': NOW - 10 } }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'runs a deleteObject task',
    tasks: [{ id: 't1', operation: { kind: 'deleteObject', path: `${SSID}2.` } }],
    phase: 'write',
    rpcs: [`Del ${SSID}2.`],
  },
  {
    name: 'reads a getParameters task path again even if the value is known',
    tasks: [
      { id: 't1', operation: { kind: 'getParameters', paths: [CHANNEL, 'Device.DeviceInfo.'] } },
    ],
    phase: 'read',
    rpcs: [`GPV Device.DeviceInfo.,${CHANNEL}`],
  },
  {
    name: 'lets a task override a profile value and reports the conflict',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    tasks: [{ id: 't1', operation: { kind: 'setParameters', values: { [PIINT]: 600 } } }],
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:600`],
    conflicts: 1,
  },
  {
    name: 'runs an addObject task without key matching',
    nodes: { [PM]: 'table', [`${PM}1.`]: 'object', [`${PM}1.ExternalPort`]: u(8080) },
    tasks: [
      { id: 't1', operation: { kind: 'addObject', path: PM, parameters: { ExternalPort: 8080 } } },
    ],
    phase: 'write',
    rpcs: [`Add ${PM}`],
  },
  {
    name: 'runs a download task',
    tasks: [
      {
        id: 't1',
        operation: {
          kind: 'download',
          file: { url: 'http://127.0.0.1:7070/cfg.xml', fileType: '3 Vendor Configuration File' },
        },
      },
    ],
    phase: 'actions',
    rpcs: ['Download http://127.0.0.1:7070/cfg.xml'],
  },
  {
    name: 'ignores an expired task',
    tasks: [{ id: 't1', expiresAt: NOW - 500, operation: { kind: 'reboot' } }],
    phase: 'done',
    rpcs: [],
  },
];

const rows4: Row[] = [
  // --- faults: backoff, isolation, loops (issue 5, point 5) ---
  {
    name: 'skips a value in backoff and still sets the unrelated ones',
    profiles: [{ parameters: { [PIINT]: 300, [CHANNEL]: 11 } }],
    patch: () => ({ faults: fault(PIINT) }),
    phase: 'write',
    rpcs: [`SPV ${CHANNEL}=unsignedInt:11`],
    skipped: [`${PIINT}:backoff`],
  },
  {
    name: 'retries a value once its backoff elapsed',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    patch: () => ({ faults: fault(PIINT, { nextRetryAt: NOW - 1 }) }),
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
  },
  {
    name: 'detects a loop after the set value was read back different three times',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        [PIINT]: {
          kind: 'parameter',
          value: u(3600),
          valueReadAt: NOW,
          lastSet: { value: u(300), at: T0, drift: 3 },
        },
      },
    }),
    phase: 'done',
    rpcs: [],
    skipped: [`${PIINT}:loop`],
    findings: [`${PIINT}:loop`],
  },
  {
    name: 'keeps setting a value that drifted fewer times than the loop threshold',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    patch: (st) => ({
      nodes: {
        ...st.nodes,
        [PIINT]: {
          kind: 'parameter',
          value: u(3600),
          valueReadAt: NOW,
          lastSet: { value: u(300), at: T0, drift: 2 },
        },
      },
    }),
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
  },
  {
    name: 'does not set a looping value again while its loop fault stands',
    profiles: [{ parameters: { [PIINT]: 300 } }],
    patch: () => ({ faults: fault(PIINT, { kind: 'loop', nextRetryAt: null }) }),
    phase: 'done',
    rpcs: [],
    skipped: [`${PIINT}:loop`],
  },
  {
    name: 'sets a looping value again once the profile has a new version',
    profiles: [{ version: 2, parameters: { [PIINT]: 300 } }],
    patch: () => ({ faults: fault(PIINT, { kind: 'loop', nextRetryAt: null }) }),
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
  },
  {
    name: 'sends each suspect of a failed batch alone and batches the rest',
    profiles: [{ parameters: { [PIINT]: 300, [CHANNEL]: 11, [`${SSID}1.SSID`]: 'x' } }],
    patch: () => ({
      faults: {
        ...fault(PIINT, { isolate: true, nextRetryAt: NOW }),
        ...fault(CHANNEL, { isolate: true, nextRetryAt: NOW }),
      },
    }),
    phase: 'write',
    rpcs: [
      `SPV ${SSID}1.SSID=string:x`,
      `SPV ${PIINT}=unsignedInt:300`,
      `SPV ${CHANNEL}=unsignedInt:11`,
    ],
  },
  {
    name: 'reads a suspect of a failed GetParameterValues alone',
    profiles: [{ parameters: { 'Device.Time.Enable': true, 'Device.Time.NTPServer1': 'a' } }],
    patch: () => ({
      faults: fault('Device.Time.Enable', {
        isolate: true,
        nextRetryAt: NOW,
        method: 'GetParameterValues',
        code: 9005,
      }),
    }),
    phase: 'read',
    rpcs: ['GPV Device.Time.NTPServer1', 'GPV Device.Time.Enable'],
  },
  {
    name: 'runs the other actions while one is in backoff',
    profiles: [
      {
        actions: [
          bootReboot,
          { action: 'scheduleInform', delaySeconds: 30, on: { events: ['1 BOOT'] } },
        ],
      },
    ],
    events: ['1 BOOT'],
    patch: () => ({ faults: fault('profile:p1:reboot-0') }),
    phase: 'actions',
    rpcs: ['ScheduleInform 30'],
    skipped: ['profile:p1:reboot-0:backoff'],
  },
  {
    name: 'sets values while an AddObject for the same profile is in backoff',
    nodes: { [PM]: 'table' },
    profiles: [{ objects: [portMapping()], parameters: { [PIINT]: 300 } }],
    patch: () => ({ faults: fault(PM, { method: 'AddObject', code: 9004 }) }),
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:300`],
    skipped: [`${PM}:backoff`],
  },
  {
    name: 'lets a profile go on while a task for the same path is in backoff',
    profiles: [{ parameters: { [CHANNEL]: 11 } }],
    tasks: [{ id: 't1', operation: { kind: 'setParameters', values: { [PIINT]: 600 } } }],
    patch: () => ({ faults: fault(PIINT, {}, { kind: 'task', id: 't1' }) }),
    phase: 'write',
    rpcs: [`SPV ${CHANNEL}=unsignedInt:11`],
    skipped: [`${PIINT}:backoff`],
  },
  {
    name: 'does not plan a firmware download in backoff after a failed transfer',
    profiles: [{ firmware: FW }],
    patch: () => ({
      faults: fault('firmware:2.0', { kind: 'transfer', method: 'Download', code: 9010 }),
    }),
    phase: 'done',
    rpcs: [],
    skipped: ['firmware:2.0:backoff'],
  },
];

function run(row: Row): ReturnType<typeof plan> {
  const root = row.root ?? 'Device.';
  const spec: Record<string, NodeSpec> = { ...(root === 'Device.' ? TR181 : TR098) };
  for (const [k, v] of Object.entries(row.nodes ?? {})) {
    if (v === null) delete spec[k];
    else spec[k] = v;
  }
  const base = device(root, spec);
  const profiles = (row.profiles ?? []).map((p, i) =>
    parseProfile({ name: i === 0 ? 'p1' : `p${i + 1}`, ...p }),
  );
  const tasks = (row.tasks ?? []).map((t) =>
    parseTask({ deviceId: base.id, createdAt: NOW - 1000, ...t }),
  );
  const now = row.now ?? NOW;
  const ctx = { now, events: row.events ?? [] };
  const first = mergeDesired(base, profiles, tasks, ctx);
  const state = row.patch === undefined ? base : { ...base, ...row.patch(base, first) };
  return plan(state, mergeDesired(state, profiles, tasks, ctx), {
    now,
    ...(row.policy ? { policy: row.policy } : {}),
  });
}

describe(plan.name, () => {
  const all = [...rows, ...rows2, ...rows3, ...rows4];

  it('has at least 60 table cases', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  it.each(all.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const p = run(row);
    const got = summarizePlan(p);
    expect({ phase: got.phase, rpcs: got.rpcs }).toEqual({ phase: row.phase, rpcs: row.rpcs });
    expect(got.skipped).toEqual(row.skipped ?? []);
    expect(p.findings.map((f) => `${f.target}:${f.kind}`)).toEqual(row.findings ?? []);
    expect(p.conflicts).toHaveLength(row.conflicts ?? 0);
  });
});
