import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  Device,
  DevicesServiceService,
  ParameterValue,
  WatchDevicesResponse,
  type ListDevicesRequest,
} from '@acs/proto';
import { grpcStatusOf } from '../api.connection';
import { flag, intOption, stringOption } from '../cli.args';
import { ExitCode } from '../cli.exit-codes';
import { commaList, isoTime, type CommandContext, type CommandHandler } from '../command.context';
import { cellText, type Column } from '../output.formatter';

// devices list | get | watch | delete | tag add | tag remove.

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

/** Change ids remembered to drop redeliveries (the stream is at-least-once). */
const SEEN_CHANGES = 10_000;

function changeLine(c: WatchDevicesResponse): string {
  const flags = [c.created && 'created', c.boot && 'boot', c.bootstrap && 'bootstrap'].filter(
    (f): f is string => typeof f === 'string',
  );
  const parts = [
    isoTime(c.occurredAt) ?? '-',
    c.deviceId,
    c.cause,
    ...flags,
    ...(c.tagsChanged ? [`tags=${c.tags.join(',')}`] : []),
    ...c.parameters.map((p) => `${p.path}=${p.value ?? '(deleted)'}`),
    ...(c.truncated ? ['…'] : []),
  ];
  return parts.map((p) => cellText(p)).join('  ');
}

export const devicesWatch: CommandHandler = async (ctx) => {
  const seconds = intOption(ctx.options, 'for', 1, 7 * 86_400);
  const seen = new Set<string>();
  try {
    for await (const change of ctx.api.serverStream(
      DevicesServiceService.watchDevices,
      { deviceIds: [...ctx.args] },
      { deadlineMs: seconds === undefined ? null : seconds * 1000 },
    )) {
      if (seen.has(change.changeId)) continue;
      seen.add(change.changeId);
      if (seen.size > SEEN_CHANGES) seen.delete(seen.values().next().value as string);
      if (ctx.format === 'json') ctx.print.jsonLine(WatchDevicesResponse.toJSON(change));
      else ctx.print.text(changeLine(change));
    }
  } catch (e) {
    // --for ends the watch by the call's deadline: the asked-for end, not a failure.
    if (seconds !== undefined && grpcStatusOf(e) === GrpcStatus.DEADLINE_EXCEEDED)
      return ExitCode.Ok;
    throw e;
  }
  return ExitCode.Ok;
};
