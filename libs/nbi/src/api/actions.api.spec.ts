import { status } from '@grpc/grpc-js';
import { CONNREQ_WAKEUPS_TOPIC, parseWakeupCommand } from '@acs/connreq';
import {
  Delivery,
  GetTaskRequest,
  ListAuditEntriesRequest,
  ScheduleInformRequest,
  TaskStatus,
  UploadRequest,
  type GetTaskResponse,
  type ListAuditEntriesResponse,
  type ScheduleInformResponse,
  type UploadResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { errorDetailOf } from '../grpc-status.mapper';
import { putDevice, sampleDevice, startHarness, type NbiHarness } from '../testing/nbi.harness';

// ActionsService Upload and ScheduleInform (issue 8): queued as tasks like the other actions,
// audited with the caller, validated field by field, the upload password never echoed.

const DEVICE = sampleDevice(7, [], 'x').id;
const URL = 'http://127.0.0.1:7071/upload/cfg';

describe('ActionsService Upload and ScheduleInform', () => {
  let h: NbiHarness;

  beforeAll(async () => {
    h = await startHarness();
    await putDevice(h.repos, sampleDevice(7, [], 'x'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('queues an upload task without ever echoing its password, audited with the caller', async () => {
    const out = await h.api.call(
      '/acs.v1.ActionsService/Upload',
      UploadRequest.fromPartial({
        deviceId: DEVICE,
        file: {
          fileType: '2 Vendor Log File',
          url: URL,
          username: 'cpe',
          password: 's3cret',
          delaySeconds: 3,
          commandKey: 'log-1',
        },
        delivery: Delivery.DELIVERY_QUEUE,
      }),
      h.keys.operator,
    );
    expect(out.details).toBe('');
    const task = (out.messages[0] as UploadResponse).task;
    expect(task?.status).toBe(TaskStatus.TASK_STATUS_PENDING);
    expect(task?.operation?.kind).toEqual({
      $case: 'upload',
      value: {
        fileType: '2 Vendor Log File',
        url: URL,
        username: 'cpe',
        password: '',
        delaySeconds: 3,
        commandKey: 'log-1',
      },
    });
    const read = await h.api.call(
      '/acs.v1.TasksService/GetTask',
      GetTaskRequest.fromPartial({ taskId: task?.id ?? '' }),
      h.keys.viewer,
    );
    const seen = (read.messages[0] as GetTaskResponse).task?.operation?.kind;
    expect(seen?.$case === 'upload' ? seen.value.password : 'missing').toBe('');
    const trail = await h.api.call(
      '/acs.v1.AuditService/ListAuditEntries',
      ListAuditEntriesRequest.fromPartial({ deviceId: DEVICE }),
      h.keys.admin,
    );
    const entries = (trail.messages[0] as ListAuditEntriesResponse).entries;
    expect(entries.map((e) => [e.action, e.actor.slice(0, 7)])).toContainEqual([
      'task.created',
      'apikey:',
    ]);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toContain('s3cret');
  });

  it('queues a scheduleInform task and wakes the device when asked', async () => {
    const woken: string[] = [];
    const sub = await h.bus.subscribe({
      groupId: 'actions-spec-wakeups',
      topics: [CONNREQ_WAKEUPS_TOPIC],
      handler: (m) => {
        woken.push(parseWakeupCommand(m.value).deviceId);
        return Promise.resolve();
      },
    });
    try {
      const out = await h.api.call(
        '/acs.v1.ActionsService/ScheduleInform',
        ScheduleInformRequest.fromPartial({
          deviceId: DEVICE,
          delaySeconds: 30,
          commandKey: 'si-1',
          delivery: Delivery.DELIVERY_WAKE_UP,
        }),
        h.keys.operator,
      );
      expect(out.details).toBe('');
      const task = (out.messages[0] as ScheduleInformResponse).task;
      expect(task?.operation?.kind).toEqual({
        $case: 'scheduleInform',
        value: { delaySeconds: 30, commandKey: 'si-1' },
      });
      await expectEventually(() => expect(woken).toContain(DEVICE));
    } finally {
      await sub.stop();
    }
  });

  it.each<[string, string, unknown, string]>([
    [
      'an Upload FileType',
      '/acs.v1.ActionsService/Upload',
      UploadRequest.fromPartial({
        deviceId: DEVICE,
        file: { fileType: '1 Firmware Upgrade Image', url: URL },
      }),
      'operation.file.fileType',
    ],
    [
      'an Upload URL',
      '/acs.v1.ActionsService/Upload',
      UploadRequest.fromPartial({
        deviceId: DEVICE,
        file: { fileType: '1 Vendor Configuration File', url: 'file:///etc/passwd' },
      }),
      'operation.file.url',
    ],
    [
      'a ScheduleInform delay of 0',
      '/acs.v1.ActionsService/ScheduleInform',
      ScheduleInformRequest.fromPartial({ deviceId: DEVICE, delaySeconds: 0 }),
      'operation.delaySeconds',
    ],
    [
      'a ScheduleInform CommandKey over 32 characters',
      '/acs.v1.ActionsService/ScheduleInform',
      ScheduleInformRequest.fromPartial({
        deviceId: DEVICE,
        delaySeconds: 5,
        commandKey: 'k'.repeat(33),
      }),
      'operation.commandKey',
    ],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_what, path, req, field) => {
    const out = await h.api.call(path, req, h.keys.operator);
    expect(out.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailOf(out.trailers)?.issues.some((i) => i.startsWith(`${field}:`))).toBe(true);
  });

  it('refuses an upload without its file', async () => {
    const out = await h.api.call(
      '/acs.v1.ActionsService/Upload',
      UploadRequest.fromPartial({ deviceId: DEVICE }),
      h.keys.operator,
    );
    expect(out.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailOf(out.trailers)?.field).toBe('file');
  });

  it('refuses a viewer', async () => {
    const out = await h.api.call(
      '/acs.v1.ActionsService/ScheduleInform',
      ScheduleInformRequest.fromPartial({ deviceId: DEVICE, delaySeconds: 5 }),
      h.keys.viewer,
    );
    expect(out.code).toBe(status.PERMISSION_DENIED);
  });
});
