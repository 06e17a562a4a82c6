import { status } from '@grpc/grpc-js';
import type { Subscription } from '@acs/bus';
import { CONNREQ_WAKEUPS_TOPIC, parseWakeupCommand } from '@acs/connreq';
import {
  DEVICE_CHANGE_SCHEMA,
  DEVICE_CHANGES_TOPIC,
  encodeDeviceChange,
  loadState,
  storeState,
} from '@acs/provisioning';
import {
  CancelTaskRequest,
  CreateTaskRequest,
  DeleteDeviceRequest,
  Delivery,
  RetryTaskRequest,
  RevokeApiKeyRequest,
  SetParametersRequest,
  TaskStatus,
  WakeUpRequest,
  WatchDevicesRequest,
  type CancelTaskResponse,
  type CreateTaskResponse,
  type RetryTaskResponse,
  type SetParametersResponse,
  type WatchDevicesResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { errorDetailOf } from './grpc-status.mapper';
import { putDevice, sampleDevice, startHarness, type NbiHarness } from './testing/nbi.harness';

const SSID = 'Device.WiFi.SSID.1.SSID';

/** Watchers of every device currently registered on the API's change feed. */
function listeners(h: NbiHarness): number {
  return h.nbi.deps.feed.listenerCount();
}
const DEVICE = sampleDevice(1, [], 'old').id;

/**
 * Stands in for a device session: on a wake-up for the device, applies its pending setParameters
 * tasks to the stored state and marks them done, as the provisioning service does at the end of
 * a session (what runs the real session is covered by apps/nbi/test/nbi.e2e-spec.ts).
 */
async function sessionOnWakeup(h: NbiHarness, answer: boolean): Promise<Subscription> {
  return h.bus.subscribe({
    groupId: 'fake-session',
    topics: [CONNREQ_WAKEUPS_TOPIC],
    handler: async (m) => {
      const cmd = parseWakeupCommand(m.value);
      if (!answer) return;
      const pending = await h.repos.tasks.find({ deviceId: cmd.deviceId, status: 'pending' });
      for (const t of pending.items) {
        const op = JSON.parse(t.operation) as { kind: string; values?: Record<string, string> };
        const doc = await h.repos.devices.findById(cmd.deviceId);
        if (doc === undefined) continue;
        const state = loadState(doc.state, doc._id);
        const nodes = { ...state.nodes };
        for (const [path, value] of Object.entries(op.values ?? {}))
          nodes[path] = { kind: 'parameter', value: { type: 'string', value }, writable: true };
        await h.repos.devices.update(doc._id, doc._version, {
          $set: { state: storeState({ ...state, nodes }) },
        });
        await h.repos.tasks.update(t._id, t._version, {
          $set: { status: 'done', updatedAt: Date.now(), result: { at: Date.now() } },
        });
      }
    },
  });
}

describe('API calls that reach devices (tasks, waits, streams, failures)', () => {
  let h: NbiHarness;
  let session: Subscription | undefined;

  beforeAll(async () => {
    h = await startHarness({ NBI_MAX_CALL_MS: '20000' });
    await putDevice(h.repos, sampleDevice(1, [], 'old'));
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers a set with wake-up and wait once the session applied it, with the stored values', async () => {
    session = await sessionOnWakeup(h, true);
    const out = await h.api.call(
      '/acs.v1.ParametersService/SetParameters',
      SetParametersRequest.fromPartial({
        deviceId: DEVICE,
        values: [{ path: SSID, value: 'new' }],
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      h.keys.operator,
    );
    expect(out.details).toBe('');
    const res = out.messages[0] as SetParametersResponse;
    expect(res.task?.status).toBe(TaskStatus.TASK_STATUS_DONE);
    expect(res.values.map((v) => [v.path, v.value])).toEqual([[SSID, 'new']]);
  });

  it('streams a created task from pending to done', async () => {
    session = await sessionOnWakeup(h, true);
    const out = await h.api.call(
      '/acs.v1.TasksService/CreateTask',
      CreateTaskRequest.fromPartial({
        deviceId: DEVICE,
        operation: {
          kind: { $case: 'setParameters', value: { values: [{ path: SSID, value: 'x' }] } },
        },
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      h.keys.operator,
    );
    expect(out.code).toBe(status.OK);
    const seen = (out.messages as CreateTaskResponse[]).map((m) => [m.task?.status, m.woken]);
    expect(seen).toEqual([
      [TaskStatus.TASK_STATUS_PENDING, true],
      [TaskStatus.TASK_STATUS_DONE, true],
    ]);
  });

  it('ends a wait at the deadline with DEADLINE_EXCEEDED and leaves the task queued', async () => {
    session = await sessionOnWakeup(h, false);
    const out = await h.api.call(
      '/acs.v1.ParametersService/SetParameters',
      SetParametersRequest.fromPartial({
        deviceId: DEVICE,
        values: [{ path: SSID, value: 'never' }],
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      h.keys.operator,
      400,
    );
    expect(out.code).toBe(status.DEADLINE_EXCEEDED);
    const pending = await h.repos.tasks.find({ deviceId: DEVICE, status: 'pending' });
    expect(pending.items.map((t) => JSON.parse(t.operation) as unknown)).toEqual([
      { kind: 'setParameters', values: { [SSID]: 'never' } },
    ]);
  });

  it('cancels a pending task and retries it as a new task; a pending task is not retried', async () => {
    const pending = await h.repos.tasks.find({ deviceId: DEVICE, status: 'pending' });
    const id = pending.items[0]?._id ?? '';
    const first = await h.api.call(
      '/acs.v1.TasksService/CancelTask',
      CancelTaskRequest.fromPartial({ taskId: id }),
      h.keys.operator,
    );
    expect((first.messages[0] as CancelTaskResponse).task?.status).toBe(
      TaskStatus.TASK_STATUS_CANCELLED,
    );
    const retried = await h.api.call(
      '/acs.v1.TasksService/RetryTask',
      RetryTaskRequest.fromPartial({ taskId: id }),
      h.keys.operator,
    );
    const again = (retried.messages[0] as RetryTaskResponse).task;
    expect(again?.id).not.toBe(id);
    expect(again?.status).toBe(TaskStatus.TASK_STATUS_PENDING);
    const retryPending = await h.api.call(
      '/acs.v1.TasksService/RetryTask',
      RetryTaskRequest.fromPartial({ taskId: again?.id ?? '' }),
      h.keys.operator,
    );
    expect(retryPending.code).toBe(status.FAILED_PRECONDITION);
    expect(errorDetailOf(retryPending.trailers)?.reason).toBe('TASK_NOT_RETRYABLE');
  });

  it('streams device changes to a watcher of that device only', async () => {
    const watch = h.api.open(
      '/acs.v1.DevicesService/WatchDevices',
      WatchDevicesRequest.fromPartial({ deviceIds: [DEVICE] }),
      h.keys.viewer,
    );
    const change = (deviceId: string, changeId: string) =>
      encodeDeviceChange({
        schema: DEVICE_CHANGE_SCHEMA,
        changeId,
        deviceId,
        occurredAt: new Date().toISOString(),
        cause: 'inform',
        created: false,
        boot: false,
        bootstrap: false,
        tags: [],
        tagsChanged: false,
        parameters: [{ path: SSID, value: 'seen', type: 'string' }],
        truncated: false,
      });
    // Events before the stream is registered are not replayed: publish until one arrives.
    let n = 0;
    await expectEventually(async () => {
      n++;
      await h.bus.publish(DEVICE_CHANGES_TOPIC, [
        { key: 'other', value: change('other', `o${n}`) },
        { key: DEVICE, value: change(DEVICE, `d${n}`) },
      ]);
      expect(watch.messages.length).toBeGreaterThan(0);
    }, 5_000);
    watch.cancel();
    expect(await watch.ended).toBe(status.CANCELLED);
    const got = watch.messages as WatchDevicesResponse[];
    expect(new Set(got.map((m) => m.deviceId))).toEqual(new Set([DEVICE]));
    expect(got[0]?.parameters).toEqual([{ path: SSID, value: 'seen', type: 'string' }]);
    // The server dropped the watcher when the client went away.
    await expectEventually(() => expect(listeners(h)).toBe(0));
  });

  it('forgets a deleted device with its tasks, audited with the caller', async () => {
    const gone = sampleDevice(9, [], 'x');
    await putDevice(h.repos, gone);
    await h.nbi.deps.tasks.create({ deviceId: gone.id, operation: { kind: 'reboot' } }, 'test');
    const out = await h.api.call(
      '/acs.v1.DevicesService/DeleteDevice',
      DeleteDeviceRequest.fromPartial({ deviceId: gone.id }),
      h.keys.admin,
    );
    expect(out.code).toBe(status.OK);
    expect(await h.repos.devices.findById(gone.id)).toBeUndefined();
    expect((await h.repos.tasks.find({ deviceId: gone.id })).items).toEqual([]);
    const audit = await h.nbi.deps.audit.repo.find({ deviceId: gone.id, action: 'device.deleted' });
    expect(audit.items.map((a) => a.actor.slice(0, 7))).toEqual(['apikey:']);
    const again = await h.api.call(
      '/acs.v1.DevicesService/DeleteDevice',
      DeleteDeviceRequest.fromPartial({ deviceId: gone.id }),
      h.keys.admin,
    );
    expect(again.code).toBe(status.NOT_FOUND);
  });

  it('refuses a revoked key at once', async () => {
    const keys = await h.nbi.deps.keys.list();
    const viewer = keys.find((k) => k.name === 'viewer');
    const ok = await h.api.call(
      '/acs.v1.ApiKeysService/RevokeApiKey',
      RevokeApiKeyRequest.fromPartial({ id: viewer?._id ?? '' }),
      h.keys.admin,
    );
    expect(ok.code).toBe(status.OK);
    const refused = await h.api.call(
      '/acs.v1.ActionsService/WakeUp',
      WakeUpRequest.fromPartial({ deviceId: DEVICE }),
      h.keys.viewer,
    );
    expect(refused.code).toBe(status.UNAUTHENTICATED);
  });

  it('answers UNAVAILABLE when the bus is down', async () => {
    await h.bus.close();
    const out = await h.api.call(
      '/acs.v1.ActionsService/WakeUp',
      WakeUpRequest.fromPartial({ deviceId: DEVICE }),
      h.keys.operator,
    );
    expect(out.code).toBe(status.UNAVAILABLE);
  });

  it('answers UNAVAILABLE when the store is down', async () => {
    await h.store.close();
    const out = await h.api.call(
      '/acs.v1.ActionsService/WakeUp',
      WakeUpRequest.fromPartial({ deviceId: DEVICE }),
      h.keys.operator,
    );
    expect(out.code).toBe(status.UNAVAILABLE);
  });
});
