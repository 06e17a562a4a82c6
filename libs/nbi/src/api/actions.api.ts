import type { ActionsServiceService, Delivery } from '@acs/proto';
import type { CallContext, ServiceMethods } from '../nbi.context';
import { operationFromProto, taskToProto } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError } from '../nbi.error';
import { loadDevice, requireId, runTask } from '../task.runner';

export function actionsApi(deps: NbiDeps): ServiceMethods<typeof ActionsServiceService> {
  /** Every action but wakeUp: `op` as a task for the request's device, delivered as it asks. */
  const act = async (
    req: { readonly deviceId: string; readonly delivery: Delivery },
    ctx: CallContext,
    op: unknown,
  ) => ({ task: taskToProto((await runTask(deps, ctx, req.deviceId, op, req.delivery)).task) });
  return {
    async reboot(req, ctx) {
      requireId(req.deviceId, 'device_id');
      return act(req, ctx, { kind: 'reboot' });
    },

    async factoryReset(req, ctx) {
      requireId(req.deviceId, 'device_id');
      return act(req, ctx, { kind: 'factoryReset' });
    },

    async download(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.file === undefined) throw NbiError.invalid('file', 'required');
      const op = operationFromProto({ kind: { $case: 'download', value: req.file } }, 'file');
      return act(req, ctx, op);
    },

    async upload(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.file === undefined) throw NbiError.invalid('file', 'required');
      const op = operationFromProto({ kind: { $case: 'upload', value: req.file } }, 'file');
      return act(req, ctx, op);
    },

    async scheduleInform(req, ctx) {
      requireId(req.deviceId, 'device_id');
      return act(req, ctx, {
        kind: 'scheduleInform',
        delaySeconds: req.delaySeconds,
        commandKey: req.commandKey,
      });
    },

    async refresh(req, ctx) {
      requireId(req.deviceId, 'device_id');
      if (req.path === '') throw NbiError.invalid('path', 'required');
      return act(req, ctx, { kind: 'refresh', path: req.path });
    },

    async wakeUp(req, ctx) {
      await loadDevice(deps, req.deviceId);
      const requestId = await deps.wakeups.wake(req.deviceId, `nbi ${ctx.principal.id}`);
      await deps.audit.record(ctx.principal.id, 'device.wakeup', req.deviceId, { requestId });
      return { requestId };
    },
  };
}
