import type { DeviceState, TaskOperation as DomainOperation } from '@acs/domain';
import { lexical } from '@acs/domain';
import type { TaskState, TaskView } from '@acs/provisioning';
import {
  Delivery,
  TaskStatus,
  type Duration,
  type ParameterValue,
  type Task,
  type TaskOperation,
  type Timestamp,
} from '@acs/proto';
import { NbiError } from './nbi.error';

// Conversions between the wire messages (acs.v1) and the domain / provisioning shapes.

export function toTimestamp(ms: number | undefined): Timestamp | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function durationMs(d: Duration | undefined, field: string): number | undefined {
  if (d === undefined) return undefined;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  if (!Number.isFinite(ms) || ms <= 0) throw NbiError.invalid(field, 'must be positive');
  return ms;
}

const STATUS: Record<TaskState, TaskStatus> = {
  pending: TaskStatus.TASK_STATUS_PENDING,
  done: TaskStatus.TASK_STATUS_DONE,
  faulted: TaskStatus.TASK_STATUS_FAULTED,
  expired: TaskStatus.TASK_STATUS_EXPIRED,
  cancelled: TaskStatus.TASK_STATUS_CANCELLED,
};

export function taskStateOf(s: TaskStatus): TaskState | undefined {
  for (const [k, v] of Object.entries(STATUS)) if (v === s) return k as TaskState;
  return undefined;
}

export function isFinal(s: TaskState): boolean {
  return s !== 'pending';
}

/** Values a Struct can carry: bigint as decimal text, bytes as base64, no undefined. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 32) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = jsonSafe(x, depth + 1);
    return out;
  }
  return v === undefined ? null : v;
}

function pv(path: string, value: unknown): ParameterValue {
  if (value !== null && typeof value === 'object' && 'value' in value) {
    const v = value as { value: unknown; type?: string };
    return { path, value: String(v.value), type: v.type ?? '' };
  }
  return { path, value: String(value), type: '' };
}

export function operationToProto(op: DomainOperation): TaskOperation {
  switch (op.kind) {
    case 'getParameters':
      return { kind: { $case: 'getParameters', value: { paths: [...op.paths] } } };
    case 'setParameters':
      return {
        kind: {
          $case: 'setParameters',
          value: { values: Object.entries(op.values).map(([p, v]) => pv(p, v)) },
        },
      };
    case 'addObject':
      return {
        kind: {
          $case: 'addObject',
          value: {
            path: op.path,
            parameters: Object.entries(op.parameters).map(([p, v]) => pv(p, v)),
          },
        },
      };
    case 'deleteObject':
      return { kind: { $case: 'deleteObject', value: { path: op.path } } };
    case 'reboot':
      return { kind: { $case: 'reboot', value: {} } };
    case 'factoryReset':
      return { kind: { $case: 'factoryReset', value: {} } };
    case 'download':
      return {
        kind: {
          $case: 'download',
          value: {
            url: op.file.url,
            fileType: op.file.fileType,
            fileSize: BigInt(op.file.fileSize),
            targetFileName: op.file.targetFileName,
            username: op.file.username,
            // Never echoed back: the task list is readable by viewers.
            password: '',
          },
        },
      };
    case 'refresh':
      return { kind: { $case: 'refresh', value: { path: op.path } } };
    case 'upload':
      return {
        kind: {
          $case: 'upload',
          value: {
            fileType: op.file.fileType,
            url: op.file.url,
            username: op.file.username,
            // Never echoed back: the task list is readable by viewers.
            password: '',
            delaySeconds: op.file.delaySeconds,
            commandKey: op.file.commandKey,
          },
        },
      };
    case 'scheduleInform':
      return {
        kind: {
          $case: 'scheduleInform',
          value: { delaySeconds: op.delaySeconds, commandKey: op.commandKey },
        },
      };
  }
}

function declared(v: ParameterValue): unknown {
  return v.type === '' ? v.value : { value: v.value, type: v.type };
}

function record(values: readonly ParameterValue[], field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  values.forEach((v, i) => {
    if (v.path === '') throw NbiError.invalid(`${field}.${i}.path`, 'required');
    if (v.path in out) throw NbiError.invalid(`${field}.${i}.path`, `${v.path} given twice`);
    out[v.path] = declared(v);
  });
  return out;
}

/** The task operation input for TaskService.create (validated there, with field-named issues). */
export function operationFromProto(op: TaskOperation | undefined, field: string): unknown {
  const k = op?.kind;
  if (k === undefined) throw NbiError.invalid(field, 'required (one of its kinds)');
  switch (k.$case) {
    case 'getParameters':
      return { kind: k.$case, paths: k.value.paths };
    case 'setParameters':
      return { kind: k.$case, values: record(k.value.values, `${field}.set_parameters.values`) };
    case 'addObject':
      return {
        kind: k.$case,
        path: k.value.path,
        parameters: record(k.value.parameters, `${field}.add_object.parameters`),
      };
    case 'deleteObject':
    case 'refresh':
      return { kind: k.$case, path: k.value.path };
    case 'reboot':
    case 'factoryReset':
      return { kind: k.$case };
    case 'download': {
      const f = k.value;
      if (f.fileSize > BigInt(Number.MAX_SAFE_INTEGER))
        throw NbiError.invalid(`${field}.download.file_size`, 'too large');
      return {
        kind: k.$case,
        file: {
          url: f.url,
          ...(f.fileType === '' ? {} : { fileType: f.fileType }),
          fileSize: Number(f.fileSize),
          targetFileName: f.targetFileName,
          username: f.username,
          password: f.password,
        },
      };
    }
    case 'upload': {
      const f = k.value;
      return {
        kind: k.$case,
        file: {
          fileType: f.fileType,
          url: f.url,
          username: f.username,
          password: f.password,
          delaySeconds: f.delaySeconds,
          commandKey: f.commandKey,
        },
      };
    }
    case 'scheduleInform':
      return {
        kind: k.$case,
        delaySeconds: k.value.delaySeconds,
        commandKey: k.value.commandKey,
      };
  }
}

export function taskToProto(t: TaskView): Task {
  return {
    id: t.id,
    deviceId: t.deviceId,
    status: STATUS[t.status],
    operation: operationToProto(t.operation),
    createdAt: toTimestamp(t.createdAt),
    expiresAt: toTimestamp(t.expiresAt),
    createdBy: t.createdBy,
    updatedAt: toTimestamp(t.updatedAt),
    result: t.result === undefined ? undefined : (jsonSafe(t.result) as Record<string, unknown>),
    fault: t.fault === undefined ? undefined : { ...t.fault },
  };
}

export function deliveryOf(d: Delivery): 'queue' | 'wake' | 'wait' {
  switch (d) {
    case Delivery.DELIVERY_WAKE_UP:
      return 'wake';
    case Delivery.DELIVERY_WAKE_UP_AND_WAIT:
      return 'wait';
    default:
      return 'queue';
  }
}

export const MAX_PARAMETERS_RETURNED = 10_000;

/**
 * Parameter values of the state under the given paths: a parameter path selects itself, an
 * object path (ending in '.') its subtree. Sorted by path; at most MAX_PARAMETERS_RETURNED.
 */
export function parametersOf(state: DeviceState, paths: readonly string[]): ParameterValue[] {
  if (paths.length === 0) return [];
  const out: ParameterValue[] = [];
  const exact = new Set(paths.filter((p) => !p.endsWith('.')));
  const prefixes = paths.filter((p) => p.endsWith('.'));
  for (const path of Object.keys(state.nodes).sort()) {
    if (!exact.has(path) && !prefixes.some((p) => path.startsWith(p))) continue;
    const n = state.nodes[path];
    if (n?.kind !== 'parameter' || n.value === undefined) continue;
    out.push({
      path,
      value: lexical(n.value),
      type: n.value.type,
      readAt: toTimestamp(n.valueReadAt),
      ...(n.writable === undefined ? {} : { writable: n.writable }),
    });
    if (out.length >= MAX_PARAMETERS_RETURNED) break;
  }
  return out;
}
