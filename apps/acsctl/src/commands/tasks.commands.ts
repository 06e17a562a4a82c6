import {
  CreateTaskResponse,
  Task,
  TaskOperation,
  TaskStatus,
  TasksServiceService,
  type CreateTaskRequest,
  type ListTasksRequest,
} from '@acs/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { AcsctlError, AcsctlErrorCode, usageError } from '../acsctl.error';
import { grpcStatusOf } from '../api.connection';
import { flag, intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import type { CommandContext, CommandHandler } from '../command.context';
import { parseInputFile } from '../input-file.loader';
import { deliveryOf } from './params.commands';
import {
  TASK_COLUMNS,
  isFinal,
  printTask,
  reportTaskFailure,
  statusName,
  taskExitCode,
} from './task.view';

// tasks create (streams status) | get [--wait] | list | cancel | retry.

const POLL_MS = 1000;

// The TaskOperation oneof members, in the JSON mapping's camelCase and the proto's snake_case.
const OPERATION_KEYS = [
  'getParameters',
  'setParameters',
  'addObject',
  'deleteObject',
  'reboot',
  'factoryReset',
  'download',
  'refresh',
  'upload',
  'scheduleInform',
] as const;
const SNAKE = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A task file (one key naming the operation) → TaskOperation; anything else is a usage error. */
export function parseTaskOperation(file: string, text: string): TaskOperation {
  const obj = parseInputFile(file, text);
  const keys = Object.keys(obj);
  const known = new Set(OPERATION_KEYS.flatMap((k) => [k, SNAKE(k)]));
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0 || keys.length !== 1)
    throw new AcsctlError(
      AcsctlErrorCode.InvalidFile,
      `${file}: expected exactly one of ${OPERATION_KEYS.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  // The top level is checked above; the API validates the operation's content and names the field.
  const op = TaskOperation.fromJSON(obj);
  if (op.kind === undefined)
    throw new AcsctlError(AcsctlErrorCode.InvalidFile, `${file}: empty operation`);
  return op;
}

export const tasksCreate: CommandHandler = async (ctx) => {
  const file = stringOption(ctx.options, 'file');
  if (file === undefined) throw usageError('tasks create: -f FILE is required');
  const ttl = intOption(ctx.options, 'ttl', 1, 366 * 86_400);
  const request: CreateTaskRequest = {
    deviceId: ctx.args[0] ?? '',
    operation: parseTaskOperation(file, await readInput(ctx, file)),
    taskId: stringOption(ctx.options, 'id') ?? '',
    ttl: ttl === undefined ? undefined : { seconds: BigInt(ttl), nanos: 0 },
    delivery: deliveryOf(ctx.options),
  };
  let last: Task | undefined;
  try {
    for await (const update of ctx.api.serverStream(TasksServiceService.createTask, request)) {
      last = update.task ?? last;
      if (ctx.format === 'json') ctx.print.jsonLine(CreateTaskResponse.toJSON(update));
      else if (last !== undefined)
        ctx.progress.update(
          `task ${last.id}: ${statusName(last.status)}${update.woken ? ', device woken' : ''}`,
          true,
        );
    }
  } catch (e) {
    ctx.progress.clear();
    if (last !== undefined && grpcStatusOf(e) === GrpcStatus.DEADLINE_EXCEEDED)
      throw new AcsctlError(
        AcsctlErrorCode.Api,
        `task ${last.id} is still ${statusName(last.status)} at the deadline; follow it with: acsctl tasks get ${last.id} --wait`,
        ExitCode.Unavailable,
        { cause: e, grpcStatus: GrpcStatus.DEADLINE_EXCEEDED },
      );
    throw e;
  }
  ctx.progress.clear();
  if (last === undefined)
    throw new AcsctlError(AcsctlErrorCode.BadResponse, 'CreateTask ended without a task');
  if (ctx.format === 'table') printTask(ctx, last);
  reportTaskFailure(ctx, last);
  return taskExitCode(last);
};

/** The contents of an input file; a missing or unreadable file is a usage error. */
export async function readInput(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await ctx.io.readFile(file);
  } catch (e) {
    throw new AcsctlError(AcsctlErrorCode.InvalidFile, `${file}: ${(e as Error).message}`);
  }
}

export const tasksGet: CommandHandler = async (ctx) => {
  const taskId = ctx.args[0] ?? '';
  const wait = flag(ctx.options, 'wait');
  const until = ctx.io.clock.now() + ctx.timeoutMs;
  let task = await getTask(ctx, taskId);
  while (wait && !isFinal(task.status) && !ctx.io.signal.aborted) {
    if (ctx.io.clock.now() >= until)
      throw new AcsctlError(
        AcsctlErrorCode.Api,
        `task ${taskId} is still ${statusName(task.status)} after --timeout`,
        ExitCode.Unavailable,
      );
    ctx.progress.update(`task ${taskId}: ${statusName(task.status)}`, true);
    await ctx.io.clock.sleep(POLL_MS, ctx.io.signal);
    task = await getTask(ctx, taskId);
  }
  ctx.progress.clear();
  if (ctx.io.signal.aborted) throw new AcsctlError(AcsctlErrorCode.Interrupted, 'interrupted');
  printTask(ctx, task);
  if (wait) reportTaskFailure(ctx, task);
  return wait ? taskExitCode(task) : ExitCode.Ok;
};

async function getTask(ctx: CommandContext, taskId: string): Promise<Task> {
  const res = await ctx.api.unary(TasksServiceService.getTask, { taskId });
  if (res.task === undefined)
    throw new AcsctlError(AcsctlErrorCode.BadResponse, `GetTask ${taskId}: no task`);
  return res.task;
}

const STATUSES: Readonly<Record<string, TaskStatus>> = {
  pending: TaskStatus.TASK_STATUS_PENDING,
  done: TaskStatus.TASK_STATUS_DONE,
  faulted: TaskStatus.TASK_STATUS_FAULTED,
  expired: TaskStatus.TASK_STATUS_EXPIRED,
  cancelled: TaskStatus.TASK_STATUS_CANCELLED,
};

export const tasksList: CommandHandler = async (ctx) => {
  const s = stringOption(ctx.options, 'status');
  const status = s === undefined ? TaskStatus.TASK_STATUS_UNSPECIFIED : STATUSES[s];
  if (status === undefined)
    throw usageError(`--status: expected ${Object.keys(STATUSES).join('|')}, got "${s}"`);
  const all = flag(ctx.options, 'all');
  const request: ListTasksRequest = {
    deviceId: ctx.args[0] ?? '',
    status,
    pageSize: intOption(ctx.options, 'page-size', 1, 1000) ?? 0,
    pageToken: stringOption(ctx.options, 'page-token') ?? '',
  };
  for (let page = 1; ; page++) {
    const res = await ctx.api.unary(TasksServiceService.listTasks, request);
    if (ctx.format === 'json') {
      if (all) for (const t of res.tasks) ctx.print.jsonLine(Task.toJSON(t));
      else
        ctx.print.json({
          tasks: res.tasks.map((t) => Task.toJSON(t)),
          nextPageToken: res.nextPageToken,
        });
    } else if (page === 1) ctx.print.table(res.tasks, TASK_COLUMNS);
    else ctx.print.rows(res.tasks, TASK_COLUMNS);
    if (!all || res.nextPageToken === '') {
      if (!all && res.nextPageToken !== '' && ctx.format === 'table')
        ctx.io.stderr.write(`more tasks: --page-token ${res.nextPageToken} (or --all)\n`);
      return ExitCode.Ok;
    }
    request.pageToken = res.nextPageToken;
  }
};

export const tasksCancel: CommandHandler = async (ctx) => {
  const res = await ctx.api.unary(TasksServiceService.cancelTask, { taskId: ctx.args[0] ?? '' });
  if (res.task !== undefined) printTask(ctx, res.task);
  return ExitCode.Ok;
};

export const tasksRetry: CommandHandler = async (ctx) => {
  const taskId = ctx.args[0] ?? '';
  const delivery = deliveryOf(ctx.options);
  const call = ctx.api.unary(TasksServiceService.retryTask, { taskId, delivery });
  const res = flag(ctx.options, 'wait')
    ? await ctx.progress.during(`retrying task ${taskId}`, call)
    : await call;
  if (res.task !== undefined) printTask(ctx, res.task);
  reportTaskFailure(ctx, res.task);
  return taskExitCode(res.task);
};
