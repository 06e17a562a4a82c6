import { plan } from './plan.engine';
import { b, NOW, s, T0, u } from '../testing/device.fixtures';
import {
  PM,
  PM98,
  WLAN,
  portMapping,
  SSID,
  guest,
  expected,
  outcome,
  type Row,
} from '../testing/plan.table';

// Table: GetParameterNames discovery, instance reconciliation (AddObject then SPV, DeleteObject), TR-098 devices and alias-based addressing (issue 5, point 4).

const rows: Row[] = [
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
  // --- wildcard paths ---
  {
    name: 'discovers the table of a wildcard path before expanding it',
    profiles: [{ parameters: { [`${PM}*.Enable`]: true } }],
    phase: 'discover',
    rpcs: [`GPN ${PM} true`],
  },
  {
    name: 'expands a wildcard over the known instances and sets the ones that differ',
    profiles: [{ parameters: { [`${SSID}*.Enable`]: true } }],
    phase: 'write',
    rpcs: [`SPV ${SSID}2.Enable=boolean:true`],
  },
  {
    name: 'lets a higher-precedence concrete path win over a wildcard',
    profiles: [
      { priority: 10, parameters: { [`${SSID}2.Enable`]: false } },
      { parameters: { [`${SSID}*.Enable`]: true } },
    ],
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'reads the attributes of every instance a wildcard notification names',
    profiles: [{ notifications: { [`${SSID}*.SSID`]: 2 } }],
    phase: 'read',
    rpcs: [`GPA ${SSID}1.SSID,${SSID}2.SSID`],
  },
];

describe(`${plan.name}: discovery, instances, TR-098, alias addressing`, () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(outcome(row)).toEqual(expected(row));
  });
});
