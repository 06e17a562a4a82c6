import type { CwmpMessage, TransferComplete } from '@acs/cwmp';
import { faultKey, type DeviceState } from '../device/device-state.types';
import { DomainError } from '../domain.error';
import { mergeDesired } from '../desired/desired-state.merge';
import { applyTransferComplete } from '../fault/fault.reducer';
import { plan } from '../plan/plan.engine';
import type { PlannedRpc } from '../plan/plan.types';
import { applyRpcResult } from '../plan/rpc-result.apply';
import { device, NOW, TR181 } from '../testing/device.fixtures';
import { parseTask, type Task } from './task.schema';
import { taskStatus, type TaskStatus } from './task.status';

// Upload and ScheduleInform tasks from plan to final status (issue 8): the RPC sent, what the
// device answered, then (Upload with Status 1) its TransferComplete in a later session.

const st = device('Device.', TR181);
const UP = 'http://127.0.0.1:7071/upload/cfg';
const UNKNOWN = '0001-01-01T00:00:00Z';
const mk = (operation: Record<string, unknown>): Task =>
  parseTask({ id: 't1', deviceId: st.id, createdAt: NOW - 1000, operation });

function onlyRpc(task: Task, state: DeviceState): PlannedRpc {
  const desired = mergeDesired(state, [], [task], { now: NOW, events: [], sessionStart: NOW });
  const p = plan(state, desired, { now: NOW });
  expect(p.rpcs).toHaveLength(1);
  return p.rpcs[0] as PlannedRpc;
}

const cwmpFault = (code: number): CwmpMessage => ({
  type: 'Fault',
  faultCode: 'Client',
  faultString: 'CWMP fault',
  detail: { faultCode: code, faultString: `fault ${code}` },
});
const uploaded = (status: 0 | 1): CwmpMessage => ({
  type: 'UploadResponse',
  status,
  startTime: UNKNOWN,
  completeTime: UNKNOWN,
});
const complete = (commandKey: string, code: number): TransferComplete => ({
  type: 'TransferComplete',
  commandKey,
  faultStruct: { faultCode: code, faultString: code === 0 ? '' : 'upload failed (HTTP 500)' },
  startTime: UNKNOWN,
  completeTime: UNKNOWN,
});

interface Row {
  readonly name: string;
  readonly operation: Record<string, unknown>;
  /** The RPC plan() must send, as `{type, …fields}` it must contain. */
  readonly request: Record<string, unknown>;
  readonly answer: CwmpMessage;
  /** Status right after the answer. */
  readonly afterAnswer: TaskStatus['status'];
  /** FaultCode of a later TransferComplete, and the status after it. */
  readonly transferComplete?: readonly [number, TaskStatus['status']];
  /** Whether plan() sends the RPC again afterwards (same session or next). */
  readonly replans: boolean;
}

const upload = { kind: 'upload', file: { fileType: '1 Vendor Configuration File', url: UP } };
const rows: Row[] = [
  {
    name: 'upload accepted with Status 1 is done once TransferComplete reports success',
    operation: upload,
    request: { type: 'Upload', commandKey: 'task-t1', url: UP, delaySeconds: 0 },
    answer: uploaded(1),
    afterAnswer: 'pending',
    transferComplete: [0, 'done'],
    replans: false,
  },
  {
    name: 'upload whose TransferComplete carries a fault is faulted and not sent again',
    operation: upload,
    request: { type: 'Upload' },
    answer: uploaded(1),
    afterAnswer: 'pending',
    transferComplete: [9011, 'faulted'],
    replans: false,
  },
  {
    name: 'upload completed at once (Status 0) is done without a TransferComplete',
    operation: upload,
    request: { type: 'Upload' },
    answer: uploaded(0),
    afterAnswer: 'done',
    replans: false,
  },
  {
    name: 'upload refused with a CWMP fault is faulted',
    operation: upload,
    request: { type: 'Upload' },
    answer: cwmpFault(9003),
    afterAnswer: 'faulted',
    replans: false,
  },
  {
    name: 'upload sends the caller CommandKey, credentials and delay',
    operation: {
      kind: 'upload',
      file: {
        fileType: '2 Vendor Log File',
        url: UP,
        username: 'u',
        password: 'p',
        delaySeconds: 7,
        commandKey: 'log-42',
      },
    },
    request: {
      type: 'Upload',
      commandKey: 'log-42',
      fileType: '2 Vendor Log File',
      username: 'u',
      password: 'p',
      delaySeconds: 7,
    },
    answer: uploaded(1),
    afterAnswer: 'pending',
    transferComplete: [0, 'done'],
    replans: false,
  },
  {
    name: 'scheduleInform is done once the device accepted it',
    operation: { kind: 'scheduleInform', delaySeconds: 30, commandKey: 'si-1' },
    request: { type: 'ScheduleInform', delaySeconds: 30, commandKey: 'si-1' },
    answer: { type: 'ScheduleInformResponse' },
    afterAnswer: 'done',
    replans: false,
  },
  {
    name: 'scheduleInform refused with a CWMP fault is faulted',
    operation: { kind: 'scheduleInform', delaySeconds: 30 },
    request: { type: 'ScheduleInform', commandKey: '' },
    answer: cwmpFault(9003),
    afterAnswer: 'faulted',
    replans: false,
  },
];

describe('Upload and ScheduleInform tasks', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const task = mk(row.operation);
    const rpc = onlyRpc(task, st);
    expect(rpc.request).toMatchObject(row.request);
    let state = applyRpcResult(st, rpc, row.answer, NOW);
    expect(taskStatus(task, state, NOW).status).toBe(row.afterAnswer);
    if (row.transferComplete !== undefined) {
      const [code, after] = row.transferComplete;
      const key = rpc.request.type === 'Upload' ? rpc.request.commandKey : '';
      state = applyTransferComplete(state, complete(key, code), NOW + 5000);
      expect(taskStatus(task, state, NOW + 5000).status).toBe(after);
      expect(state.transfers).toEqual({});
    }
    const again = plan(
      state,
      mergeDesired(state, [], [task], { now: NOW + 10_000, events: [], sessionStart: NOW }),
      { now: NOW + 10_000 },
    );
    expect(again.rpcs.length > 0).toBe(row.replans);
  });

  it('records a failed upload as an Upload transfer fault against the task', () => {
    const task = mk(upload);
    const rpc = onlyRpc(task, st);
    const accepted = applyRpcResult(st, rpc, uploaded(1), NOW);
    const failed = applyTransferComplete(accepted, complete('task-t1', 9012), NOW + 5000);
    expect(failed.faults[faultKey({ kind: 'task', id: 't1' }, 'task:t1')]).toMatchObject({
      kind: 'transfer',
      method: 'Upload',
      code: 9012,
      target: 'task:t1',
    });
  });

  it('never puts the upload password in the transfer record', () => {
    const task = mk({ kind: 'upload', file: { ...upload.file, password: 's3cret' } });
    const accepted = applyRpcResult(st, onlyRpc(task, st), uploaded(1), NOW);
    expect(JSON.stringify(accepted.transfers)).not.toContain('s3cret');
  });
});

describe(parseTask.name, () => {
  it.each<[Record<string, unknown>, string]>([
    [{ kind: 'upload', file: { fileType: '1 Firmware Upgrade Image', url: UP } }, 'fileType'],
    [{ kind: 'upload', file: { fileType: '2 Vendor Log File', url: 'file:///etc/x' } }, 'url'],
    [
      { kind: 'upload', file: { fileType: '2 Vendor Log File', url: `${UP}${'x'.repeat(256)}` } },
      'url',
    ],
    [{ kind: 'upload', file: { url: UP } }, 'fileType'],
    [
      { kind: 'upload', file: { fileType: '2 Vendor Log File', url: UP, delaySeconds: -1 } },
      'delaySeconds',
    ],
    [
      {
        kind: 'upload',
        file: { fileType: '2 Vendor Log File', url: UP, commandKey: 'k'.repeat(33) },
      },
      'commandKey',
    ],
    [{ kind: 'upload', file: { fileType: '2 Vendor Log File', url: UP, password: 7 } }, 'password'],
    [{ kind: 'scheduleInform', delaySeconds: 0 }, 'delaySeconds'],
    [{ kind: 'scheduleInform', delaySeconds: 1.5 }, 'delaySeconds'],
    [{ kind: 'scheduleInform' }, 'delaySeconds'],
    [{ kind: 'scheduleInform', delaySeconds: 5, commandKey: 'k'.repeat(33) }, 'commandKey'],
  ])('names the field of an invalid Upload/ScheduleInform: %j → %s', (operation, field) => {
    try {
      mk(operation);
      throw new Error('expected a DomainError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const issues = (e as DomainError).issues;
      const prefix = operation.kind === 'upload' ? 'operation.file.' : 'operation.';
      expect(issues.some((i) => i.startsWith(`${prefix}${field}:`))).toBe(true);
    }
  });

  it('accepts the numbered Upload file types of TR-069 Amendment 5', () => {
    for (const fileType of ['3 Vendor Configuration File 2', '4 Vendor Log File 1'])
      expect(mk({ kind: 'upload', file: { fileType, url: UP } }).operation).toMatchObject({
        file: { fileType, username: '', password: '', delaySeconds: 0, commandKey: '' },
      });
  });
});
