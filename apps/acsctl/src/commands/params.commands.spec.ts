import { Delivery, ParametersServiceService, Task, TaskStatus } from '@acs/proto';
import { AcsctlError } from '../acsctl.error';
import { ExitCode } from '../cli.exit-codes';
import { FakeApi } from '../testing/fake.api';
import { runWith } from '../testing/cli.harness';
import { deliveryOf, parseAssignment } from './params.commands';

describe(parseAssignment.name, () => {
  it('splits PATH[:TYPE]=VALUE at the first = so values keep their colons and equals signs', () => {
    expect(parseAssignment('Device.X.MACAddress=00:11:22:33:44:55')).toMatchObject({
      path: 'Device.X.MACAddress',
      value: '00:11:22:33:44:55',
      type: '',
    });
    expect(parseAssignment('Device.X.Interval:unsignedInt=300')).toMatchObject({
      path: 'Device.X.Interval',
      value: '300',
      type: 'unsignedInt',
    });
    expect(parseAssignment('Device.X.Blob:base64=YQ==')).toMatchObject({
      value: 'YQ==',
      type: 'base64',
    });
    expect(parseAssignment('Device.X.Empty=')).toMatchObject({ value: '' });
  });

  it('refuses a missing =, an empty or object path, and an unknown type', () => {
    for (const [arg, message] of [
      ['Device.X', /expected PATH\[:TYPE\]=VALUE/],
      ['=v', /expected PATH/],
      [':int=1', /bad parameter path/],
      ['Device.X.=1', /object path/],
      ['Device.X:integer=1', /unknown type "integer"/],
    ] as const)
      expect(() => parseAssignment(arg)).toThrow(message);
    expect(() => parseAssignment('x')).toThrow(AcsctlError);
  });
});

describe(deliveryOf.name, () => {
  it('queues by default, wakes with --wake, and waits (waking) with --wait', () => {
    expect(deliveryOf({})).toBe(Delivery.DELIVERY_QUEUE);
    expect(deliveryOf({ wake: true })).toBe(Delivery.DELIVERY_WAKE_UP);
    expect(deliveryOf({ wait: true })).toBe(Delivery.DELIVERY_WAKE_UP_AND_WAIT);
    expect(deliveryOf({ wake: true, wait: true })).toBe(Delivery.DELIVERY_WAKE_UP_AND_WAIT);
  });
});

const task = (status: TaskStatus, extra: Partial<Task> = {}): Task =>
  Task.fromPartial({ id: 't1', deviceId: 'D', status, ...extra });

describe('params commands', () => {
  it('sets values with wake-up and wait, and prints the stored values', async () => {
    const api = new FakeApi().on(ParametersServiceService.setParameters, (r) => ({
      task: task(TaskStatus.TASK_STATUS_DONE),
      values: r.values.map((v) => ({ ...v, type: v.type || 'string' })),
    }));
    const r = await runWith(api, [
      'params',
      'set',
      'D',
      'Device.A=1',
      'Device.B:boolean=true',
      '--wake',
      '--wait',
    ]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(api.calls[0]!.request).toEqual({
      deviceId: 'D',
      delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      values: [
        { path: 'Device.A', value: '1', type: '' },
        { path: 'Device.B', value: 'true', type: 'boolean' },
      ],
    });
    expect(r.stdout).toMatch(
      /^task t1 done\nPATH\s+VALUE\s+TYPE\s+READ AT\nDevice\.A\s+1\s+string/,
    );
  });

  it('exits 6 and says why when the device faulted the change', async () => {
    const api = new FakeApi().on(ParametersServiceService.setParameters, () => ({
      task: task(TaskStatus.TASK_STATUS_FAULTED, {
        fault: { code: 9007, message: 'Invalid parameter value', target: 'Device.A' },
      }),
      values: [],
    }));
    const r = await runWith(api, ['params', 'set', 'D', 'Device.A=x', '--wait', '--json']);
    expect(r.code).toBe(ExitCode.OperationFailed);
    expect(r.stderr).toBe('task t1 faulted: 9007 Invalid parameter value\n');
    expect(JSON.parse(r.stdout)).toMatchObject({
      task: { id: 't1', status: 'TASK_STATUS_FAULTED' },
    });
  });

  it('reads stored or live values', async () => {
    const api = new FakeApi().on(ParametersServiceService.getParameters, (r) => ({
      values: r.paths.map((p) => ({ path: p, value: r.live ? 'fresh' : 'stored', type: 'string' })),
      task: r.live ? task(TaskStatus.TASK_STATUS_DONE) : undefined,
    }));
    const stored = await runWith(api, ['params', 'get', 'D', 'Device.A', '--json']);
    expect(JSON.parse(stored.stdout)).toEqual({
      values: [{ path: 'Device.A', value: 'stored', type: 'string' }],
    });
    const live = await runWith(api, ['params', 'get', 'D', 'Device.A', 'Device.B.', '--live']);
    expect(api.calls[1]!.request).toEqual({
      deviceId: 'D',
      paths: ['Device.A', 'Device.B.'],
      live: true,
    });
    expect(live.stdout).toMatch(/^Device\.A\s+fresh\s+string/m);
  });
});
