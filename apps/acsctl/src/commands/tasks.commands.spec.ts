import { status } from '@grpc/grpc-js';
import {
  Delivery,
  Task,
  TaskStatus,
  TasksServiceService,
  type CreateTaskResponse,
} from '@acs/proto';
import { AcsctlErrorCode, type AcsctlError } from '../acsctl.error';
import { ExitCode } from '../cli.exit-codes';
import { FakeApi } from '../testing/fake.api';
import { FakeClock, runWith, statusError } from '../testing/cli.harness';
import { parseTaskOperation } from './tasks.commands';

const task = (s: TaskStatus, extra: Partial<Task> = {}): Task =>
  Task.fromPartial({ id: 't1', deviceId: 'D', status: s, ...extra });

async function* updates(
  list: CreateTaskResponse[],
  thenFail?: AcsctlError,
): AsyncIterable<CreateTaskResponse> {
  for (const u of list) yield u;
  if (thenFail !== undefined) throw thenFail;
}

describe(parseTaskOperation.name, () => {
  it('reads each operation kind in camelCase or snake_case', () => {
    expect(parseTaskOperation('t.yaml', 'reboot: {}\n').kind).toEqual({
      $case: 'reboot',
      value: {},
    });
    expect(
      parseTaskOperation('t.yaml', 'get_parameters:\n  paths: [Device.DeviceInfo.]\n').kind,
    ).toEqual({
      $case: 'getParameters',
      value: { paths: ['Device.DeviceInfo.'] },
    });
    expect(
      parseTaskOperation('t.json', '{"setParameters":{"values":[{"path":"Device.A","value":"1"}]}}')
        .kind,
    ).toMatchObject({
      $case: 'setParameters',
      value: { values: [{ path: 'Device.A', value: '1' }] },
    });
  });

  it('refuses no operation, two operations, or an unknown key, naming the file', () => {
    for (const text of ['{}', 'reboot: {}\nfactoryReset: {}\n', 'rebot: {}\n']) {
      let error: AcsctlError | undefined;
      try {
        parseTaskOperation('t.yaml', text);
      } catch (e) {
        error = e as AcsctlError;
      }
      expect(error?.code).toBe(AcsctlErrorCode.InvalidFile);
      expect(error?.message).toMatch(/^t\.yaml: expected exactly one of getParameters/);
    }
  });
});

describe('tasks commands', () => {
  it('creates a task and follows its streamed status to done', async () => {
    const api = new FakeApi().onStream(TasksServiceService.createTask, () =>
      updates([
        { task: task(TaskStatus.TASK_STATUS_PENDING), woken: true },
        { task: task(TaskStatus.TASK_STATUS_DONE), woken: true },
      ]),
    );
    const r = await runWith(
      api,
      ['tasks', 'create', 'D', '-f', 'op.yaml', '--wait', '--id', 'my-1', '--ttl', '60'],
      {
        files: { 'op.yaml': 'reboot: {}\n' },
        tty: true,
      },
    );
    expect(r.code).toBe(ExitCode.Ok);
    expect(api.calls[0]!.request).toMatchObject({
      deviceId: 'D',
      taskId: 'my-1',
      ttl: { seconds: 60n, nanos: 0 },
      delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      operation: { kind: { $case: 'reboot' } },
    });
    expect(r.stdout).toMatch(/^status\s+done$/m);
    expect(r.stderr).toContain('task t1: pending, device woken');
  });

  it('prints one JSON line per status update', async () => {
    const api = new FakeApi().onStream(TasksServiceService.createTask, () =>
      updates([{ task: task(TaskStatus.TASK_STATUS_PENDING), woken: false }]),
    );
    const r = await runWith(api, ['tasks', 'create', 'D', '-f', 'op.yaml', '--json'], {
      files: { 'op.yaml': 'reboot: {}' },
    });
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { task: expect.objectContaining({ id: 't1', status: 'TASK_STATUS_PENDING' }) as unknown },
    ]);
    expect(r.code).toBe(ExitCode.Ok);
  });

  it('exits 4 with the task id when the deadline passes while the task is pending', async () => {
    const api = new FakeApi().onStream(TasksServiceService.createTask, () =>
      updates(
        [{ task: task(TaskStatus.TASK_STATUS_PENDING), woken: true }],
        statusError(status.DEADLINE_EXCEEDED, 'deadline'),
      ),
    );
    const r = await runWith(api, ['tasks', 'create', 'D', '-f', 'op.yaml', '--wait'], {
      files: { 'op.yaml': 'reboot: {}' },
    });
    expect(r.code).toBe(ExitCode.Unavailable);
    expect(r.stderr).toContain(
      'task t1 is still pending at the deadline; follow it with: acsctl tasks get t1 --wait',
    );
  });

  it('exits 1 for a missing -f or an unreadable file, before calling the API', async () => {
    const api = new FakeApi();
    expect((await runWith(api, ['tasks', 'create', 'D'])).code).toBe(ExitCode.Usage);
    const r = await runWith(api, ['tasks', 'create', 'D', '-f', 'nope.yaml']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('nope.yaml: ENOENT');
    expect(api.calls).toEqual([]);
  });

  it('polls a task with --wait until it is final, and exits 6 when it faulted', async () => {
    let polls = 0;
    const api = new FakeApi().on(TasksServiceService.getTask, () => ({
      task:
        ++polls < 3 ? task(TaskStatus.TASK_STATUS_PENDING) : task(TaskStatus.TASK_STATUS_FAULTED),
    }));
    const r = await runWith(api, ['tasks', 'get', 't1', '--wait'], { clock: new FakeClock() });
    expect(polls).toBe(3);
    expect(r.code).toBe(ExitCode.OperationFailed);
  });

  it('stops polling at --timeout with exit 4', async () => {
    const api = new FakeApi().on(TasksServiceService.getTask, () => ({
      task: task(TaskStatus.TASK_STATUS_PENDING),
    }));
    const r = await runWith(api, ['tasks', 'get', 't1', '--wait', '--timeout', '5']);
    expect(r.code).toBe(ExitCode.Unavailable);
    expect(api.calls.length).toBeGreaterThan(1);
    expect(api.calls.length).toBeLessThanOrEqual(7);
  });

  it('lists a device’s tasks by status and refuses an unknown status', async () => {
    const api = new FakeApi().on(TasksServiceService.listTasks, () => ({
      tasks: [
        task(TaskStatus.TASK_STATUS_DONE, { operation: { kind: { $case: 'reboot', value: {} } } }),
      ],
      nextPageToken: '',
    }));
    const r = await runWith(api, ['tasks', 'list', 'D', '--status', 'done']);
    expect(api.calls[0]!.request).toMatchObject({
      deviceId: 'D',
      status: TaskStatus.TASK_STATUS_DONE,
    });
    expect(r.stdout).toMatch(/^t1\s+D\s+reboot\s+done/m);
    expect((await runWith(api, ['tasks', 'list', 'D', '--status', 'weird'])).code).toBe(
      ExitCode.Usage,
    );
  });

  it('cancels and retries, passing the delivery', async () => {
    const api = new FakeApi()
      .on(TasksServiceService.cancelTask, () => ({ task: task(TaskStatus.TASK_STATUS_CANCELLED) }))
      .on(TasksServiceService.retryTask, () => ({
        task: task(TaskStatus.TASK_STATUS_PENDING, { id: 't2' }),
      }));
    expect((await runWith(api, ['tasks', 'cancel', 't1'])).code).toBe(ExitCode.Ok);
    const retry = await runWith(api, ['tasks', 'retry', 't1', '--wake']);
    expect(api.calls[1]!.request).toEqual({ taskId: 't1', delivery: Delivery.DELIVERY_WAKE_UP });
    expect(retry.stdout).toMatch(/^id\s+t2$/m);
  });
});
