import { plan } from './plan.engine';
import { NOW, T0, u } from '../testing/device.fixtures';
import {
  PM,
  PIINT,
  CHANNEL,
  FW,
  portMapping,
  fault,
  SSID,
  bootReboot,
  expected,
  outcome,
  type Row,
} from '../testing/plan.table';

// Table: faults never block unrelated state; backoff, isolation of failed batches, loop detection (issue 5, point 5).

const rows: Row[] = [
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

describe(`${plan.name}: faults, backoff, isolation, loops`, () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(outcome(row)).toEqual(expected(row));
  });
});
