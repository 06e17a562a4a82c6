import type { CwmpValue } from '@acs/cwmp';
import type { DeviceState } from '../device/device-state.types';
import { sourceKey } from '../device/device-state.types';
import { sameValue, toCwmpValue, typeFor } from '../value/value.convert';
import type { DeclaredValue } from '../profile/profile.schema';
import type { Task } from './task.schema';

// Whether a task has been carried out, from the device state alone (so a redelivered result or
// a re-run of the session never runs a task twice: it is done when the state says so).

export type TaskStatus =
  | { readonly status: 'pending' }
  | {
      readonly status: 'done';
      readonly at: number;
      /** For getParameters/refresh: the values read (an object path gives its whole subtree). */
      readonly values?: Readonly<Record<string, CwmpValue>>;
    }
  | {
      readonly status: 'faulted';
      readonly code: number;
      readonly message: string;
      readonly target: string;
    }
  | { readonly status: 'expired' };

function readAfter(state: DeviceState, path: string, t: number): boolean {
  if (path in state.absent) return true;
  if (!path.endsWith('.')) {
    const n = state.nodes[path];
    return n?.kind === 'parameter' && n.value !== undefined && (n.valueReadAt ?? -Infinity) >= t;
  }
  // A subtree counts as read when a GetParameterValues of it (or an ancestor) came back after t.
  for (let i = path.length - 1; i > 0; i = path.lastIndexOf('.', i - 1)) {
    const n = state.nodes[path.slice(0, i + 1)];
    if (n?.kind === 'object' && (n.subtreeReadAt ?? -Infinity) >= t) return true;
  }
  return false;
}

function valuesUnder(state: DeviceState, paths: readonly string[]): Record<string, CwmpValue> {
  const out: Record<string, CwmpValue> = {};
  const objects = paths.filter((p) => p.endsWith('.'));
  for (const p of paths) {
    const n = state.nodes[p];
    if (n?.kind === 'parameter' && n.value !== undefined) out[p] = n.value;
  }
  if (objects.length > 0)
    for (const [p, n] of Object.entries(state.nodes))
      if (n.kind === 'parameter' && n.value !== undefined && objects.some((o) => p.startsWith(o)))
        out[p] = n.value;
  return out;
}

function hasValue(state: DeviceState, path: string, v: DeclaredValue): boolean {
  const n = state.nodes[path];
  if (n?.kind !== 'parameter' || n.value === undefined) return false;
  const raw = typeof v === 'object' ? v.value : v;
  const want = toCwmpValue(raw, typeof v === 'object' ? v.type : typeFor(state, path).type);
  return want !== undefined && sameValue(n.value, want);
}

/** The task's status given what the device state shows (tasks are never run twice). */
export function taskStatus(task: Task, state: DeviceState, now: number): TaskStatus {
  const source = { kind: 'task', id: task.id } as const;
  const prefix = `${sourceKey(source)}|`;
  for (const [k, f] of Object.entries(state.faults))
    if (k.startsWith(prefix) && f.isolate !== true)
      return { status: 'faulted', code: f.code, message: f.message, target: f.target };
  const op = task.operation;
  const key = `task:${task.id}`;
  const ran = state.actionRuns[key];
  let done = false;
  switch (op.kind) {
    case 'getParameters':
      done = op.paths.every((p) => readAfter(state, p, task.createdAt));
      break;
    case 'refresh':
      done = readAfter(state, op.path, task.createdAt);
      break;
    case 'setParameters':
      done = Object.entries(op.values).every(([path, v]) => hasValue(state, path, v));
      break;
    case 'addObject':
      done = Object.entries(state.nodes).some(
        ([p, n]) =>
          n.kind === 'object' &&
          n.createdFor === key &&
          p.startsWith(op.path) &&
          Object.entries(op.parameters).every(([rel, v]) => hasValue(state, `${p}${rel}`, v)),
      );
      break;
    case 'deleteObject':
    case 'reboot':
    case 'factoryReset':
    case 'scheduleInform':
      done = ran !== undefined;
      break;
    case 'download':
    case 'upload':
      // Accepted with Status 1: done only when its TransferComplete arrived without a fault.
      done = ran !== undefined && !Object.values(state.transfers).some((t) => t.target === key);
      break;
  }
  if (done) {
    const paths =
      op.kind === 'getParameters' ? op.paths : op.kind === 'refresh' ? [op.path] : undefined;
    return paths === undefined
      ? { status: 'done', at: ran ?? now }
      : { status: 'done', at: ran ?? now, values: valuesUnder(state, paths) };
  }
  if (task.expiresAt !== undefined && now >= task.expiresAt) return { status: 'expired' };
  return { status: 'pending' };
}
