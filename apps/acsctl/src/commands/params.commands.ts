import { Delivery, ParameterValue, ParametersServiceService, Task } from '@acs/proto';
import { usageError } from '../acsctl.error';
import { flag, type OptionValues } from '../cli.args';
import type { CommandHandler } from '../command.context';
import { PARAMETER_COLUMNS } from './devices.commands';
import { reportTaskFailure, statusName, taskExitCode } from './task.view';

// params get [--live] | set [--wake] [--wait].

// TR-069 A.2.1 / A.3.2.1 value types a SetParameterValues may carry.
const XSD_TYPES = new Set([
  'string',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'boolean',
  'dateTime',
  'base64',
  'hexBinary',
  'decimal',
]);

/**
 * `PATH[:TYPE]=VALUE` → a ParameterValue. The type sits before `=` because values routinely hold
 * `:` (MAC addresses, URLs, IPv6) and `=` (base64), while paths hold neither.
 */
export function parseAssignment(arg: string): ParameterValue {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw usageError(`"${arg}": expected PATH[:TYPE]=VALUE`);
  const left = arg.slice(0, eq);
  const colon = left.indexOf(':');
  const path = colon < 0 ? left : left.slice(0, colon);
  const type = colon < 0 ? '' : left.slice(colon + 1);
  if (path === '' || /\s/.test(path)) throw usageError(`"${arg}": bad parameter path "${path}"`);
  if (path.endsWith('.')) throw usageError(`"${arg}": ${path} is an object path; set a parameter`);
  if (colon >= 0 && !XSD_TYPES.has(type))
    throw usageError(`"${arg}": unknown type "${type}" (${[...XSD_TYPES].join(', ')})`);
  return ParameterValue.fromPartial({ path, value: arg.slice(eq + 1), type });
}

/** --wake / --wait → how the API delivers the change; --wait implies --wake. */
export function deliveryOf(options: OptionValues): Delivery {
  if (flag(options, 'wait')) return Delivery.DELIVERY_WAKE_UP_AND_WAIT;
  if (flag(options, 'wake')) return Delivery.DELIVERY_WAKE_UP;
  return Delivery.DELIVERY_QUEUE;
}

export const paramsGet: CommandHandler = async (ctx) => {
  const [deviceId = '', ...paths] = ctx.args;
  const live = flag(ctx.options, 'live');
  const call = ctx.api.unary(ParametersServiceService.getParameters, { deviceId, paths, live });
  const res = live ? await ctx.progress.during(`reading ${deviceId} live`, call) : await call;
  if (ctx.format === 'json') {
    ctx.print.json({
      values: res.values.map((v) => ParameterValue.toJSON(v)),
      ...(res.task !== undefined && { task: Task.toJSON(res.task) }),
    });
  } else ctx.print.table(res.values, PARAMETER_COLUMNS);
  reportTaskFailure(ctx, res.task);
  return taskExitCode(res.task);
};

export const paramsSet: CommandHandler = async (ctx) => {
  const [deviceId = '', ...assignments] = ctx.args;
  const values = assignments.map(parseAssignment);
  const delivery = deliveryOf(ctx.options);
  const call = ctx.api.unary(ParametersServiceService.setParameters, {
    deviceId,
    values,
    delivery,
  });
  const res =
    delivery === Delivery.DELIVERY_WAKE_UP_AND_WAIT
      ? await ctx.progress.during(
          `waiting for ${deviceId} to apply ${values.length} value(s)`,
          call,
        )
      : await call;
  if (ctx.format === 'json') {
    ctx.print.json({
      ...(res.task !== undefined && { task: Task.toJSON(res.task) }),
      values: res.values.map((v) => ParameterValue.toJSON(v)),
    });
  } else {
    if (res.task !== undefined)
      ctx.print.text(`task ${res.task.id} ${statusName(res.task.status)}`);
    if (res.values.length > 0) ctx.print.table(res.values, PARAMETER_COLUMNS);
  }
  reportTaskFailure(ctx, res.task);
  return taskExitCode(res.task);
};
