import type { ActionsServiceService } from '@acs/proto';
import type { ServiceMethods } from '../nbi.context';
import { operationFromProto, taskToProto } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError } from '../nbi.error';
import { loadDevice, requireId, runTask } from '../task.runner';

export function actionsApi(deps: NbiDeps): ServiceMethods<typeof ActionsServiceService> {
  return {
    async reboot(req, ctx) {
      requireId(req.deviceId, 'device_id');
      const r = await runTask(deps, ctx, req.deviceId, { kind: 'reboot' }, req.delivery);
      return { task: taskToProto(r.task) };
    },

    async factoryReset(req, ctx) {
      requireId(req.deviceId, 'device_id');
      const r = await runTask(deps, ctx, req.deviceId, { kind: 'factoryReset' }, req.delivery);
      return { task: taskToProto(r.task) };
    },

    async download(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.file === undefined) throw NbiError.invalid('file', 'required');
      const op = operationFromProto({ kind: { $case: 'download', value: req.file } }, 'file');
      const r = await runTask(deps, ctx, req.deviceId, op, req.delivery);
      return { task: taskToProto(r.task) };
    },

    async upload(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.file === undefined) throw NbiError.invalid('file', 'required');
      const op = operationFromProto({ kind: { $case: 'upload', value: req.file } }, 'file');
      const r = await runTask(deps, ctx, req.deviceId, op, req.delivery);
      return { task: taskToProto(r.task) };
    },

    async scheduleInform(req, ctx) {
      requireId(req.deviceId, 'device_id');
      const op = {
        kind: 'scheduleInform',
        delaySeconds: req.delaySeconds,
        commandKey: req.commandKey,
      };
      const r = await runTask(deps, ctx, req.deviceId, op, req.delivery);
      return { task: taskToProto(r.task) };
    },

    async refresh(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.path === '') throw NbiError.invalid('path', 'required');
      const r = await runTask(
        deps,
        ctx,
        req.deviceId,
        { kind: 'refresh', path: req.path },
        req.delivery,
      );
      return { task: taskToProto(r.task) };
    },

    async wakeUp(req, ctx) {
      await loadDevice(deps, req.deviceId);
      const requestId = await deps.wakeups.wake(req.deviceId, `nbi ${ctx.principal.id}`);
      await deps.audit.record(ctx.principal.id, 'device.wakeup', req.deviceId, { requestId });
      return { requestId };
    },
  };
}
