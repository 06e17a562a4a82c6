import { ActionsServiceService } from '@acs/proto';
import { ExitCode } from '../cli.exit-codes';
import type { CommandHandler } from '../command.context';

// wake: a connection request (TR-069 §3.2.2) so the device opens a session now.

export const wake: CommandHandler = async (ctx) => {
  const deviceId = ctx.args[0] ?? '';
  const res = await ctx.api.unary(ActionsServiceService.wakeUp, { deviceId });
  if (ctx.format === 'json') ctx.print.json({ deviceId, requestId: res.requestId });
  else ctx.print.text(`connection request ${res.requestId} sent to ${deviceId}`);
  return ExitCode.Ok;
};
