import { ActionsServiceService, Delivery, type Task } from '@acs/proto';
import { usageError } from '../acsctl.error';
import { intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import type { CommandContext, CommandHandler } from '../command.context';
import { deliveryOf } from './params.commands';
import { printTask, reportTaskFailure, taskExitCode } from './task.view';
import { readInput } from './tasks.commands';

// wake: a connection request (TR-069 §3.2.2) so the device opens a session now.
// actions upload | schedule-inform: the Upload (A.4.1.5) and ScheduleInform (A.4.1.2) actions,
// queued as tasks, with --wake / --wait like params set.

export const wake: CommandHandler = async (ctx) => {
  const deviceId = ctx.args[0] ?? '';
  const res = await ctx.api.unary(ActionsServiceService.wakeUp, { deviceId });
  if (ctx.format === 'json') ctx.print.json({ deviceId, requestId: res.requestId });
  else ctx.print.text(`connection request ${res.requestId} sent to ${deviceId}`);
  return ExitCode.Ok;
};

/** Short names for the TR-069 A.4.1.5 Upload FileTypes; anything else is sent as written. */
const FILE_TYPES: Readonly<Record<string, string>> = {
  config: '1 Vendor Configuration File',
  log: '2 Vendor Log File',
};

/** A CommandKey is a string(32) (TR-069 A.4.1.2, A.4.1.5). */
function commandKeyOf(ctx: CommandContext): string {
  const key = stringOption(ctx.options, 'command-key') ?? '';
  if (key.length > 32) throw usageError('--command-key: at most 32 characters');
  return key;
}

/** The password from --password-file (never from the command line, which `ps` shows). */
async function passwordOf(ctx: CommandContext): Promise<string> {
  const file = stringOption(ctx.options, 'password-file');
  if (file === undefined) return '';
  return (await readInput(ctx, file)).replace(/\r?\n$/, '');
}

async function finish(
  ctx: CommandContext,
  what: string,
  delivery: Delivery,
  call: Promise<{ task?: Task | undefined }>,
): Promise<ExitCode> {
  const res =
    delivery === Delivery.DELIVERY_WAKE_UP_AND_WAIT
      ? await ctx.progress.during(`waiting for ${ctx.args[0] ?? ''} to ${what}`, call)
      : await call;
  if (res.task !== undefined) printTask(ctx, res.task);
  reportTaskFailure(ctx, res.task);
  return taskExitCode(res.task);
}

export const actionsUpload: CommandHandler = async (ctx) => {
  const url = stringOption(ctx.options, 'url');
  if (url === undefined) throw usageError('actions upload: --url URL is required');
  const type = stringOption(ctx.options, 'file-type') ?? 'config';
  const delivery = deliveryOf(ctx.options);
  const call = ctx.api.unary(ActionsServiceService.upload, {
    deviceId: ctx.args[0] ?? '',
    file: {
      fileType: FILE_TYPES[type] ?? type,
      url,
      username: stringOption(ctx.options, 'username') ?? '',
      password: await passwordOf(ctx),
      delaySeconds: intOption(ctx.options, 'delay', 0, 86_400) ?? 0,
      commandKey: commandKeyOf(ctx),
    },
    delivery,
  });
  return finish(ctx, 'upload', delivery, call);
};

export const actionsScheduleInform: CommandHandler = async (ctx) => {
  const delay = intOption(ctx.options, 'delay', 1, 31_536_000);
  if (delay === undefined) throw usageError('actions schedule-inform: --delay SECONDS is required');
  const delivery = deliveryOf(ctx.options);
  const call = ctx.api.unary(ActionsServiceService.scheduleInform, {
    deviceId: ctx.args[0] ?? '',
    delaySeconds: delay,
    commandKey: commandKeyOf(ctx),
    delivery,
  });
  return finish(ctx, 'accept the scheduled Inform', delivery, call);
};
