import { ActionsServiceService, Delivery, Task, TaskStatus } from '@acs/proto';
import { ExitCode } from '../cli.exit-codes';
import { FakeApi } from '../testing/fake.api';
import { runWith } from '../testing/cli.harness';
import { actionsScheduleInform, actionsUpload } from './actions.commands';
import { parseTaskOperation } from './tasks.commands';

const task = (s: TaskStatus, extra: Partial<Task> = {}): Task =>
  Task.fromPartial({ id: 't1', deviceId: 'D', status: s, ...extra });

describe(actionsUpload.name, () => {
  it('uploads with wake-up and wait, the password read from a file, and prints the done task', async () => {
    const api = new FakeApi().on(ActionsServiceService.upload, () => ({
      task: task(TaskStatus.TASK_STATUS_DONE),
    }));
    const r = await runWith(
      api,
      [
        'actions',
        'upload',
        'D',
        '--url',
        'http://127.0.0.1:8080/u/D.log',
        '--file-type',
        'log',
        '--username',
        'u',
        '--password-file',
        'pw.txt',
        '--delay',
        '5',
        '--command-key',
        'k1',
        '--wait',
      ],
      { files: { 'pw.txt': 'secret\n' } },
    );
    expect(r.code).toBe(ExitCode.Ok);
    expect(api.calls[0]!.request).toEqual({
      deviceId: 'D',
      file: {
        fileType: '2 Vendor Log File',
        url: 'http://127.0.0.1:8080/u/D.log',
        username: 'u',
        password: 'secret',
        delaySeconds: 5,
        commandKey: 'k1',
      },
      delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
    });
    expect(r.stdout).toMatch(/^status\s+done$/m);
    expect(r.stdout + r.stderr).not.toContain('secret');
  });

  it('queues a configuration upload by default and sends a literal FileType as written', async () => {
    const api = new FakeApi().on(ActionsServiceService.upload, () => ({
      task: task(TaskStatus.TASK_STATUS_PENDING),
    }));
    expect(
      (await runWith(api, ['actions', 'upload', 'D', '--url', 'http://127.0.0.1/x'])).code,
    ).toBe(ExitCode.Ok);
    const typed = ['--file-type', '3 Vendor Configuration File 2'];
    await runWith(api, ['actions', 'upload', 'D', '--url', 'http://127.0.0.1/x', ...typed]);
    expect(api.calls.map((c) => c.request)).toMatchObject([
      {
        file: { fileType: '1 Vendor Configuration File', password: '' },
        delivery: Delivery.DELIVERY_QUEUE,
      },
      { file: { fileType: '3 Vendor Configuration File 2' } },
    ]);
  });

  it('exits 6 with the fault on stderr when the upload failed', async () => {
    const api = new FakeApi().on(ActionsServiceService.upload, () => ({
      task: task(TaskStatus.TASK_STATUS_FAULTED, {
        fault: { code: 9011, message: 'upload failed (HTTP 500)', target: 'task:t1' },
      }),
    }));
    const r = await runWith(api, ['actions', 'upload', 'D', '--url', 'http://127.0.0.1/x']);
    expect(r.code).toBe(ExitCode.OperationFailed);
    expect(r.stderr).toContain('task t1 faulted: 9011 upload failed (HTTP 500)');
  });

  it.each([
    [['actions', 'upload', 'D'], '--url'],
    [['actions', 'upload', 'D', '--url', 'u', '--command-key', 'k'.repeat(33)], '--command-key'],
    [['actions', 'upload', 'D', '--url', 'u', '--delay', '-1'], '--delay'],
    [['actions', 'upload', 'D', '--url', 'u', '--password-file', 'missing.txt'], 'missing.txt'],
  ])('refuses %j without calling the API, naming %s', async (argv, named) => {
    const api = new FakeApi();
    const r = await runWith(api, argv);
    expect(r.code).not.toBe(ExitCode.Ok);
    expect(r.stderr).toContain(named);
    expect(api.calls).toEqual([]);
  });
});

describe(actionsScheduleInform.name, () => {
  it('schedules an Inform with its delay and CommandKey, waking the device', async () => {
    const api = new FakeApi().on(ActionsServiceService.scheduleInform, () => ({
      task: task(TaskStatus.TASK_STATUS_PENDING),
    }));
    const r = await runWith(api, [
      'actions',
      'schedule-inform',
      'D',
      '--delay',
      '60',
      '--command-key',
      'si',
      '--wake',
      '--json',
    ]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(api.calls[0]!.request).toEqual({
      deviceId: 'D',
      delaySeconds: 60,
      commandKey: 'si',
      delivery: Delivery.DELIVERY_WAKE_UP,
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 't1', status: 'TASK_STATUS_PENDING' });
  });

  it.each([[[]], [['--delay', '0']]])(
    'refuses a missing or zero --delay (%j) without calling the API',
    async (extra) => {
      const api = new FakeApi();
      const r = await runWith(api, ['actions', 'schedule-inform', 'D', ...extra]);
      expect(r.code).toBe(ExitCode.Usage);
      expect(r.stderr).toContain('--delay');
      expect(api.calls).toEqual([]);
    },
  );
});

describe(`${parseTaskOperation.name} (Upload, ScheduleInform)`, () => {
  it('reads upload and scheduleInform task files', () => {
    expect(
      parseTaskOperation('t.yaml', 'schedule_inform: {delay_seconds: 30, command_key: k}\n').kind,
    ).toEqual({ $case: 'scheduleInform', value: { delaySeconds: 30, commandKey: 'k' } });
    expect(
      parseTaskOperation('t.json', '{"upload":{"fileType":"2 Vendor Log File","url":"http://h/x"}}')
        .kind,
    ).toMatchObject({
      $case: 'upload',
      value: { fileType: '2 Vendor Log File', url: 'http://h/x' },
    });
  });
});
