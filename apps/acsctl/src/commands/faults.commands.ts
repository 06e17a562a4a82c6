import { Fault, FaultsServiceService, type ListFaultsRequest } from '@acs/proto';
import { flag, intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import { isoTime, type CommandHandler } from '../command.context';
import type { Column } from '../output.formatter';

// faults list | clear | retry.

const FAULT_COLUMNS: readonly Column<Fault>[] = [
  { header: 'ID', value: (f) => f.id },
  { header: 'DEVICE', value: (f) => f.deviceId },
  { header: 'SOURCE', value: (f) => `${f.sourceKind}:${f.sourceName}` },
  { header: 'TARGET', value: (f) => f.target },
  { header: 'CODE', value: (f) => f.code },
  { header: 'MESSAGE', value: (f) => f.message },
  { header: 'RETRIES', value: (f) => f.retries },
  { header: 'NEXT RETRY', value: (f) => isoTime(f.nextRetryAt) },
];

export const faultsList: CommandHandler = async (ctx) => {
  const all = flag(ctx.options, 'all');
  const request: ListFaultsRequest = {
    deviceId: stringOption(ctx.options, 'device') ?? '',
    pageSize: intOption(ctx.options, 'page-size', 1, 1000) ?? 0,
    pageToken: stringOption(ctx.options, 'page-token') ?? '',
  };
  for (let page = 1; ; page++) {
    const res = await ctx.api.unary(FaultsServiceService.listFaults, request);
    if (ctx.format === 'json') {
      if (all) for (const f of res.faults) ctx.print.jsonLine(Fault.toJSON(f));
      else
        ctx.print.json({
          faults: res.faults.map((f) => Fault.toJSON(f)),
          nextPageToken: res.nextPageToken,
        });
    } else if (page === 1) ctx.print.table(res.faults, FAULT_COLUMNS);
    else ctx.print.rows(res.faults, FAULT_COLUMNS);
    if (!all || res.nextPageToken === '') {
      if (!all && res.nextPageToken !== '' && ctx.format === 'table')
        ctx.io.stderr.write(`more faults: --page-token ${res.nextPageToken} (or --all)\n`);
      return ExitCode.Ok;
    }
    request.pageToken = res.nextPageToken;
  }
};

export const faultsClear: CommandHandler = async (ctx) => {
  const faultId = ctx.args[0] ?? '';
  await ctx.api.unary(FaultsServiceService.clearFault, { faultId });
  if (ctx.format === 'json') ctx.print.json({ cleared: faultId });
  else ctx.print.text(`fault ${faultId} cleared`);
  return ExitCode.Ok;
};

export const faultsRetry: CommandHandler = async (ctx) => {
  const faultId = ctx.args[0] ?? '';
  const res = await ctx.api.unary(FaultsServiceService.retryFault, {
    faultId,
    wakeUp: flag(ctx.options, 'wake'),
  });
  if (ctx.format === 'json') ctx.print.json({ fault: res.fault && Fault.toJSON(res.fault) });
  else
    ctx.print.text(
      `fault ${faultId}: retried at the device's next session${flag(ctx.options, 'wake') ? ' (woken now)' : ''}`,
    );
  return ExitCode.Ok;
};
