import { plan } from './plan.engine';
import { NOW, s, T0, u } from '../testing/device.fixtures';
import {
  P1,
  PM,
  PIINT,
  CHANNEL,
  FW,
  SSID,
  at3,
  bootReboot,
  expected,
  outcome,
  type Row,
} from '../testing/plan.table';

const UP = 'http://127.0.0.1:7071/upload/cfg';
const LOG = '2 Vendor Log File';
const CFG = '1 Vendor Configuration File';

// Table: SetParameterAttributes, Download, Upload, ScheduleInform, Reboot/FactoryReset ordering and triggers, tasks (issue 5, points 3, 4 and 6).

const rows: Row[] = [
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
    name: 'schedules an Inform 1 second out when the profile gives no delay (never 0)',
    profiles: [{ actions: [{ action: 'scheduleInform', on: { events: ['1 BOOT'] } }] }],
    events: ['1 BOOT'],
    phase: 'actions',
    rpcs: ['ScheduleInform 1'],
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
    name: 'runs an upload task with its FileType and URL',
    tasks: [{ id: 't1', operation: { kind: 'upload', file: { fileType: LOG, url: UP } } }],
    phase: 'actions',
    rpcs: [`Upload ${LOG} ${UP}`],
  },
  {
    name: 'does not upload again while its transfer is in progress',
    tasks: [{ id: 't1', operation: { kind: 'upload', file: { fileType: LOG, url: UP } } }],
    patch: () => ({
      transfers: {
        'task-t1': {
          commandKey: 'task-t1',
          startedAt: NOW - 60_000,
          method: 'Upload',
          source: { kind: 'task', id: 't1' },
          target: 'task:t1',
        },
      },
    }),
    phase: 'done',
    rpcs: [],
    skipped: ['task:t1:inProgress'],
  },
  {
    name: 'runs a scheduleInform task',
    tasks: [{ id: 't1', operation: { kind: 'scheduleInform', delaySeconds: 5 } }],
    phase: 'actions',
    rpcs: ['ScheduleInform 5'],
  },
  {
    name: 'does not schedule an Inform twice for one task',
    tasks: [{ id: 't1', operation: { kind: 'scheduleInform', delaySeconds: 5 } }],
    patch: () => ({ actionRuns: { 'task:t1': NOW - 10 } }),
    phase: 'done',
    rpcs: [],
  },
  {
    name: 'orders Download, Upload, ScheduleInform, then Reboot last',
    tasks: [
      { id: 't1', operation: { kind: 'reboot' } },
      { id: 't2', operation: { kind: 'scheduleInform', delaySeconds: 5 } },
      { id: 't3', operation: { kind: 'upload', file: { fileType: CFG, url: UP } } },
      { id: 't4', operation: { kind: 'download', file: { url: FW.url } } },
    ],
    phase: 'actions',
    rpcs: [`Download ${FW.url}`, `Upload ${CFG} ${UP}`, 'ScheduleInform 5', 'Reboot'],
  },
  {
    name: 'holds an upload back until the writes are done',
    tasks: [
      { id: 't1', operation: { kind: 'upload', file: { fileType: CFG, url: UP } } },
      { id: 't2', operation: { kind: 'setParameters', values: { [PIINT]: 600 } } },
    ],
    phase: 'write',
    rpcs: [`SPV ${PIINT}=unsignedInt:600`],
  },
  {
    name: 'ignores an expired task',
    tasks: [{ id: 't1', expiresAt: NOW - 500, operation: { kind: 'reboot' } }],
    phase: 'done',
    rpcs: [],
  },
];

describe(`${plan.name}: attributes, firmware, actions, tasks`, () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(outcome(row)).toEqual(expected(row));
  });
});
