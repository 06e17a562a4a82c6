import type { DeviceState } from '@acs/domain';
import { loadState, type TaskView } from '@acs/provisioning';
import type { CallContext } from './nbi.context';
import { deliveryOf } from './nbi.convert';
import type { NbiDeps } from './nbi.deps';
import { NbiError } from './nbi.error';
import type { Delivery } from '@acs/proto';

export function requireId(value: string, field: string): string {
  if (value === '') throw NbiError.invalid(field, 'required');
  if (value.length > 256) throw NbiError.invalid(field, 'longer than 256 characters');
  return value;
}

/** The device's state. @throws NbiError NotFound */
export async function loadDevice(deps: NbiDeps, deviceId: string): Promise<DeviceState> {
  const doc = await deps.repos.devices.findById(requireId(deviceId, 'device_id'));
  if (doc === undefined) throw NbiError.notFound(`device ${deviceId}`);
  return loadState(doc.state, deviceId);
}

export interface TaskRun {
  readonly task: TaskView;
  readonly woken: boolean;
}

/**
 * Queues `operation` as a task for the device and, per `delivery`, wakes it (connection request)
 * and waits for the session to apply it. Waiting ends at the call's deadline with
 * DEADLINE_EXCEEDED; the task stays queued for the device's next session either way.
 */
export async function runTask(
  deps: NbiDeps,
  ctx: CallContext,
  deviceId: string,
  operation: unknown,
  delivery: Delivery,
  options: {
    taskId?: string;
    ttlMs?: number;
    onStatus?: (t: TaskView, woken: boolean) => void;
  } = {},
): Promise<TaskRun> {
  await loadDevice(deps, deviceId);
  const how = deliveryOf(delivery);
  const created = await deps.tasks.create(
    {
      deviceId,
      operation,
      ...(options.taskId === undefined || options.taskId === '' ? {} : { id: options.taskId }),
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    },
    ctx.principal.id,
  );
  let woken = false;
  if (how !== 'queue') {
    // Waiting: a wake-up still pending after the call gave up is of no use to the caller.
    await deps.wakeups.wake(
      deviceId,
      `nbi task ${created.id}`,
      how === 'wait' ? ctx.deadline : undefined,
    );
    woken = true;
  }
  options.onStatus?.(created, woken);
  if (how !== 'wait') return { task: created, woken };
  const task = await deps.waiter.until(deviceId, created.id, ctx.deadline, ctx.signal, (t) => {
    if (t.status !== 'pending') options.onStatus?.(t, woken);
  });
  return { task, woken };
}
