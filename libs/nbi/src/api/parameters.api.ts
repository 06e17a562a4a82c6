import type { DeviceState } from '@acs/domain';
import type { TaskView } from '@acs/provisioning';
import { Delivery, type ParametersServiceService } from '@acs/proto';
import type { ServiceMethods } from '../nbi.context';
import { parametersOf, taskToProto } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { loadDevice, requireId, runTask } from '../task.runner';

const MAX_PATHS = 1000;
const MAX_VALUES = 1000;

/** A faulted task as an error (for calls whose answer is a value, not the task). */
function faultedError(t: TaskView): NbiError {
  const f = t.fault;
  return new NbiError(
    NbiErrorCode.FailedPrecondition,
    `task ${t.id} faulted${f === undefined ? '' : `: CWMP fault ${f.code} on ${f.target}: ${f.message}`}`,
    { reason: 'TASK_FAULTED' },
  );
}

/** The instance the device created for an AddObject task (the state records whom it was for). */
function instanceFor(state: DeviceState, table: string, taskId: string): number | undefined {
  for (const [path, n] of Object.entries(state.nodes)) {
    if (n.kind !== 'object' || !n.instance || n.createdFor !== `task:${taskId}`) continue;
    if (!path.startsWith(table)) continue;
    const seg = path.slice(table.length, -1);
    if (/^[0-9]+$/.test(seg)) return Number(seg);
  }
  return undefined;
}

export function parametersApi(deps: NbiDeps): ServiceMethods<typeof ParametersServiceService> {
  return {
    async getParameters(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.paths.length === 0) throw NbiError.invalid('paths', 'required');
      if (req.paths.length > MAX_PATHS) throw NbiError.invalid('paths', `at most ${MAX_PATHS}`);
      if (!req.live)
        return { values: parametersOf(await loadDevice(deps, req.deviceId), req.paths) };
      // Live: a getParameters task (GetParameterValues in the session), the device woken and the
      // values read from the store once the session applied them.
      const { task } = await runTask(
        deps,
        ctx,
        req.deviceId,
        { kind: 'getParameters', paths: req.paths },
        Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      );
      if (task.status === 'faulted') throw faultedError(task);
      if (task.status !== 'done')
        throw new NbiError(NbiErrorCode.FailedPrecondition, `task ${task.id} is ${task.status}`);
      return {
        values: parametersOf(await loadDevice(deps, req.deviceId), req.paths),
        task: taskToProto(task),
      };
    },

    async setParameters(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.values.length === 0) throw NbiError.invalid('values', 'required');
      if (req.values.length > MAX_VALUES)
        throw NbiError.invalid('values', `at most ${MAX_VALUES} per call`);
      const values: Record<string, unknown> = {};
      req.values.forEach((v, i) => {
        if (v.path === '') throw NbiError.invalid(`values.${i}.path`, 'required');
        if (v.path in values) throw NbiError.invalid(`values.${i}.path`, `${v.path} given twice`);
        values[v.path] = v.type === '' ? v.value : { value: v.value, type: v.type };
      });
      const { task } = await runTask(
        deps,
        ctx,
        req.deviceId,
        { kind: 'setParameters', values },
        req.delivery,
      );
      const applied =
        task.status === 'done'
          ? parametersOf(await loadDevice(deps, req.deviceId), Object.keys(values))
          : [];
      return { task: taskToProto(task), values: applied };
    },

    async addObject(req, ctx) {
      requireId(req.deviceId, 'device_id');
      const parameters: Record<string, unknown> = {};
      req.parameters.forEach((v, i) => {
        if (v.path === '') throw NbiError.invalid(`parameters.${i}.path`, 'required');
        parameters[v.path] = v.type === '' ? v.value : { value: v.value, type: v.type };
      });
      const { task } = await runTask(
        deps,
        ctx,
        req.deviceId,
        { kind: 'addObject', path: req.path, parameters },
        req.delivery,
      );
      const instance =
        task.status === 'done'
          ? instanceFor(await loadDevice(deps, req.deviceId), req.path, task.id)
          : undefined;
      return { task: taskToProto(task), ...(instance === undefined ? {} : { instance }) };
    },

    async deleteObject(req, ctx) {
      requireId(req.deviceId, 'device_id');
      const { task } = await runTask(
        deps,
        ctx,
        req.deviceId,
        { kind: 'deleteObject', path: req.path },
        req.delivery,
      );
      return { task: taskToProto(task) };
    },
  };
}
