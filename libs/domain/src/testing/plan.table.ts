import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import { faultKey } from '../device/device-state.types';
import { mergeDesired } from '../desired/desired-state.merge';
import type { DesiredState } from '../desired/desired-state.types';
import { parseProfile } from '../profile/profile.loader';
import type { ProfileInput } from '../profile/profile.schema';
import { parseTask, type TaskInput } from '../task/task.schema';
import { plan } from '../plan/plan.engine';
import type { Plan, PlanPolicy } from '../plan/plan.types';
import { device, NOW, T0, TR098, TR181, type NodeSpec } from './device.fixtures';
import { summarizePlan } from './plan.summary';

// The row format of the diff engine's table-driven specs (plan.*.spec.ts): a device state (the
// TR-181 or TR-098 fixture plus changes), the declarations that apply, and the one next step the
// engine must return. No test framework here: the specs do the asserting.

export interface Row {
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

export const P1: SourceRef = { kind: 'profile', name: 'p1', version: 1 };
export const PM = 'Device.NAT.PortMapping.';
export const PM98 =
  'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.PortMapping.';
export const WLAN = 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.';
export const PIINT = 'Device.ManagementServer.PeriodicInformInterval';
export const CHANNEL = 'Device.WiFi.Radio.1.Channel';
export const FW = { version: '2.0', url: 'http://127.0.0.1:7070/fw-2.0.bin' };
export type ObjectInput = NonNullable<ProfileInput['objects']>[number];
export type ActionInput = NonNullable<ProfileInput['actions']>[number];
export const portMapping = (over: Partial<ObjectInput> = {}): ObjectInput => ({
  path: PM,
  key: { ExternalPort: 8080 },
  parameters: { InternalPort: 80, Enable: true },
  ...over,
});

export function fault(
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

export const SSID = 'Device.WiFi.SSID.';
export const guest = (over: Partial<ObjectInput> = {}): ObjectInput => ({
  path: SSID,
  alias: 'guest',
  key: { SSID: 'guest-{{serialNumber}}' },
  parameters: { Enable: true },
  ...over,
});
export const at3 = Date.UTC(2026, 0, 1, 3, 30);
export const bootReboot: ActionInput = { action: 'reboot', on: { events: ['1 BOOT'] } };

export function runRow(row: Row): Plan {
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

/** What a spec compares: the plan summarised, and the findings and conflict count. */
export function outcome(row: Row): {
  phase: string;
  rpcs: string[];
  skipped: string[];
  findings: string[];
  conflicts: number;
} {
  const p = runRow(row);
  const got = summarizePlan(p);
  return {
    ...got,
    findings: p.findings.map((f) => `${f.target}:${f.kind}`),
    conflicts: p.conflicts.length,
  };
}

export function expected(row: Row): ReturnType<typeof outcome> {
  return {
    phase: row.phase,
    rpcs: [...row.rpcs],
    skipped: [...(row.skipped ?? [])],
    findings: [...(row.findings ?? [])],
    conflicts: row.conflicts ?? 0,
  };
}
