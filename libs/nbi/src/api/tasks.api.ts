import { viewOf, type TaskDocument } from '@acs/provisioning';
import { TaskStatus, type TasksServiceService } from '@acs/proto';
import type { Query } from '@acs/store';
import type { ServiceMethods } from '../nbi.context';
import { durationMs, operationFromProto, taskStateOf, taskToProto } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { decodePageToken, encodePageToken, pageSize } from '../query/page.token';
import { requireId, runTask } from '../task.runner';

export function tasksApi(deps: NbiDeps): ServiceMethods<typeof TasksServiceService> {
  const byId = async (taskId: string): Promise<TaskDocument> => {
    const d = await deps.repos.tasks.findById(requireId(taskId, 'task_id'));
    if (d === undefined) throw NbiError.notFound(`task ${taskId}`);
    return d;
  };
  return {
    async createTask(req, ctx, send) {
      requireId(req.deviceId, 'device_id');
      const operation = operationFromProto(req.operation, 'operation');
      const ttlMs = durationMs(req.ttl, 'ttl');
      // Streams the stored task, then each later status until final (with WAKE_UP_AND_WAIT).
      await runTask(deps, ctx, req.deviceId, operation, req.delivery, {
        taskId: req.taskId,
        ...(ttlMs === undefined ? {} : { ttlMs }),
        onStatus: (t, woken) => send({ task: taskToProto(t), woken }),
      });
    },

    async getTask(req) {
      return { task: taskToProto(viewOf(await byId(req.taskId))) };
    },

    async listTasks(req) {
      requireId(req.deviceId, 'device_id');
      const size = pageSize(req.pageSize, 100, 1000);
      const status = taskStateOf(req.status);
      if (req.status !== TaskStatus.TASK_STATUS_UNSPECIFIED && status === undefined)
        throw NbiError.invalid('status', 'unknown');
      const key = `${req.deviceId}\n${req.status}`;
      const cursor = decodePageToken(req.pageToken, key);
      const query: Query<TaskDocument> = {
        deviceId: req.deviceId,
        ...(status === undefined ? {} : { status }),
      };
      const page = await deps.repos.tasks.find(query, {
        sort: { createdAt: -1 },
        limit: size,
        ...(cursor === undefined ? {} : { after: cursor.after }),
      });
      return {
        tasks: page.items.map((d) => taskToProto(viewOf(d))),
        nextPageToken: page.next === undefined ? '' : encodePageToken(page.next, key),
      };
    },

    async cancelTask(req, ctx) {
      const d = await byId(req.taskId);
      return { task: taskToProto(await deps.tasks.cancel(d.deviceId, d._id, ctx.principal.id)) };
    },

    async retryTask(req, ctx) {
      const d = await byId(req.taskId);
      if (d.status === 'pending' || d.status === 'done')
        throw new NbiError(
          NbiErrorCode.FailedPrecondition,
          `task ${d._id} is ${d.status}; only a faulted, expired or cancelled task is retried`,
          { reason: 'TASK_NOT_RETRYABLE' },
        );
      const { task } = await runTask(deps, ctx, d.deviceId, JSON.parse(d.operation), req.delivery);
      await deps.audit.record(ctx.principal.id, 'task.retried', d.deviceId, {
        taskId: d._id,
        newTaskId: task.id,
      });
      return { task: taskToProto(task) };
    },
  };
}
