import { Device, DevicesServiceService, ParameterValue, type ListDevicesRequest } from '@acs/proto';
import { flag, intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import { commaList, isoTime, type CommandContext, type CommandHandler } from '../command.context';
import type { Column } from '../output.formatter';

// devices list | get | delete | tag add | tag remove.

const DEVICE_COLUMNS: readonly Column<Device>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'PRODUCT CLASS', value: (d) => d.productClass },
  { header: 'SOFTWARE', value: (d) => d.softwareVersion },
  { header: 'TAGS', value: (d) => d.tags.join(',') },
  { header: 'LAST INFORM', value: (d) => isoTime(d.lastInform) },
  { header: 'FAULTS', value: (d) => d.faultCount },
];

export const PARAMETER_COLUMNS: readonly Column<ParameterValue>[] = [
  { header: 'PATH', value: (p) => p.path },
  { header: 'VALUE', value: (p) => p.value },
  { header: 'TYPE', value: (p) => p.type },
  { header: 'READ AT', value: (p) => isoTime(p.readAt) },
];

/** The table columns: the usual ones, or the masked fields, then one per asked parameter path. */
function listColumns(fields: readonly string[], params: readonly string[]): Column<Device>[] {
  const base =
    fields.length === 0
      ? [...DEVICE_COLUMNS]
      : fields.map((f): Column<Device> => ({
          header: f.toUpperCase(),
          value: (d) => {
            const json = Device.toJSON(d) as Record<string, unknown>;
            return json[snakeToCamel(f)];
          },
        }));
  const values = params.map((p): Column<Device> => ({
    header: p,
    value: (d) =>
      d.parameters
        .filter((v) => v.path === p || (p.endsWith('.') && v.path.startsWith(p)))
        .map((v) => v.value)
        .join(','),
  }));
  return [...base, ...values];
}

function snakeToCamel(s: string): string {
  return s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export const devicesList: CommandHandler = async (ctx) => {
  const fields = commaList(stringOption(ctx.options, 'fields'));
  const params = commaList(stringOption(ctx.options, 'params'));
  const all = flag(ctx.options, 'all');
  const request: ListDevicesRequest = {
    filter: stringOption(ctx.options, 'filter') ?? '',
    readMask: fields.length === 0 ? undefined : fields,
    pageSize: intOption(ctx.options, 'page-size', 1, 1000) ?? 0,
    pageToken: stringOption(ctx.options, 'page-token') ?? '',
    parameterPaths: params,
  };
  const columns = listColumns(fields, params);
  let pages = 0;
  let count = 0;
  for (;;) {
    ctx.progress.update(`listing devices: page ${pages + 1}, ${count} so far`);
    const res = await ctx.api.unary(DevicesServiceService.listDevices, request);
    ctx.progress.clear();
    pages++;
    count += res.devices.length;
    if (ctx.format === 'json') {
      // --all streams one device per line (NDJSON); a single page is the response document.
      if (all) for (const d of res.devices) ctx.print.jsonLine(Device.toJSON(d));
      else
        ctx.print.json({
          devices: res.devices.map((d) => Device.toJSON(d)),
          nextPageToken: res.nextPageToken,
        });
    } else if (pages === 1) ctx.print.table(res.devices, columns);
    else ctx.print.rows(res.devices, columns);
    if (!all || res.nextPageToken === '') {
      if (!all && res.nextPageToken !== '' && ctx.format === 'table')
        ctx.io.stderr.write(`more devices: --page-token ${res.nextPageToken} (or --all)\n`);
      return ExitCode.Ok;
    }
    request.pageToken = res.nextPageToken;
  }
};

export const devicesGet: CommandHandler = async (ctx) => {
  const fields = commaList(stringOption(ctx.options, 'fields'));
  const res = await ctx.api.unary(DevicesServiceService.getDevice, {
    deviceId: ctx.args[0] ?? '',
    readMask: fields.length === 0 ? undefined : fields,
    parameterPaths: commaList(stringOption(ctx.options, 'params')),
  });
  const device = res.device ?? Device.fromPartial({});
  if (ctx.format === 'json') {
    ctx.print.json(Device.toJSON(device));
    return ExitCode.Ok;
  }
  printDevice(ctx, device);
  return ExitCode.Ok;
};

function printDevice(ctx: CommandContext, d: Device): void {
  const json = Device.toJSON(d) as Record<string, unknown>;
  ctx.print.fields(
    Object.entries(json)
      .filter(([k]) => k !== 'parameters')
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v] as const),
  );
  if (d.parameters.length > 0) {
    ctx.print.text('');
    ctx.print.table(d.parameters, PARAMETER_COLUMNS);
  }
}

export const devicesDelete: CommandHandler = async (ctx) => {
  const deviceId = ctx.args[0] ?? '';
  await ctx.api.unary(DevicesServiceService.deleteDevice, { deviceId });
  if (ctx.format === 'json') ctx.print.json({ deleted: deviceId });
  else ctx.print.text(`device ${deviceId} deleted`);
  return ExitCode.Ok;
};

export const devicesTagAdd: CommandHandler = async (ctx) => tags(ctx, 'add');
export const devicesTagRemove: CommandHandler = async (ctx) => tags(ctx, 'remove');

async function tags(ctx: CommandContext, op: 'add' | 'remove'): Promise<ExitCode> {
  const [deviceId = '', ...names] = ctx.args;
  const request = { deviceId, tags: names };
  const res =
    op === 'add'
      ? await ctx.api.unary(DevicesServiceService.addTags, request)
      : await ctx.api.unary(DevicesServiceService.removeTags, request);
  if (ctx.format === 'json') ctx.print.json({ deviceId, tags: res.tags });
  else ctx.print.text(`${deviceId}: tags ${res.tags.length === 0 ? '(none)' : res.tags.join(',')}`);
  return ExitCode.Ok;
}
