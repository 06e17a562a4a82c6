import { Task, TaskStatus, taskStatusToJSON, type TaskOperation } from '@acs/proto';
import { ExitCode } from '../cli.exit-codes';
import { isoTime, type CommandContext } from '../command.context';
import type { Column } from '../output.formatter';

// How tasks are shown and what their status means for the exit code (shared by params, tasks,
// actions).

/** `TASK_STATUS_PENDING` → `pending`. */
export function statusName(s: TaskStatus): string {
  return taskStatusToJSON(s)
    .replace(/^TASK_STATUS_/, '')
    .toLowerCase();
}

export function isFinal(s: TaskStatus): boolean {
  return s !== TaskStatus.TASK_STATUS_PENDING && s !== TaskStatus.TASK_STATUS_UNSPECIFIED;
}

/** done and pending are success for the caller; faulted, expired and cancelled are not. */
export function taskExitCode(task: Task | undefined): ExitCode {
  switch (task?.status) {
    case TaskStatus.TASK_STATUS_FAULTED:
    case TaskStatus.TASK_STATUS_EXPIRED:
    case TaskStatus.TASK_STATUS_CANCELLED:
      return ExitCode.OperationFailed;
    default:
      return ExitCode.Ok;
  }
}

export function operationName(op: TaskOperation | undefined): string {
  return op?.kind?.$case ?? '-';
}

export const TASK_COLUMNS: readonly Column<Task>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'DEVICE', value: (t) => t.deviceId },
  { header: 'OPERATION', value: (t) => operationName(t.operation) },
  { header: 'STATUS', value: (t) => statusName(t.status) },
  { header: 'CREATED', value: (t) => isoTime(t.createdAt) },
  { header: 'UPDATED', value: (t) => isoTime(t.updatedAt) },
  {
    header: 'FAULT',
    value: (t) => (t.fault === undefined ? undefined : `${t.fault.code} ${t.fault.message}`),
  },
];

/** One task: its JSON mapping, or key/value lines with the result and fault spelled out. */
export function printTask(ctx: CommandContext, task: Task): void {
  if (ctx.format === 'json') {
    ctx.print.json(Task.toJSON(task));
    return;
  }
  ctx.print.fields([
    ['id', task.id],
    ['device', task.deviceId],
    ['operation', operationName(task.operation)],
    ['status', statusName(task.status)],
    ['created', isoTime(task.createdAt)],
    ['updated', isoTime(task.updatedAt)],
    ['expires', isoTime(task.expiresAt)],
    ['created by', task.createdBy],
    ...(task.fault === undefined
      ? []
      : ([['fault', `${task.fault.code} ${task.fault.message} (${task.fault.target})`]] as const)),
    ...(task.result === undefined ? [] : ([['result', task.result]] as const)),
  ]);
}

/** A failed task's reason on stderr, so a script's log says why the exit code is 6. */
export function reportTaskFailure(ctx: CommandContext, task: Task | undefined): void {
  if (task === undefined || taskExitCode(task) === ExitCode.Ok) return;
  const fault = task.fault === undefined ? '' : `: ${task.fault.code} ${task.fault.message}`;
  ctx.io.stderr.write(`task ${task.id} ${statusName(task.status)}${fault}\n`);
}
