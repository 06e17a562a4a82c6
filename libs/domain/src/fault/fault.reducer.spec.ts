import type { Fault } from '@acs/cwmp';
import { faultKey, type SourceRef } from '../device/device-state.types';
import { DomainError } from '../domain.error';
import type { PlannedRpc } from '../plan/plan.types';
import { applyRpcResult } from '../plan/rpc-result.apply';
import { device, NOW, s, T0, TR181, u } from '../testing/device.fixtures';
import {
  applyFault,
  applyTransferComplete,
  backoffDelay,
  clearFaultsOf,
  recordFindings,
} from './fault.reducer';
import { DEFAULT_PLAN_POLICY } from '../plan/plan.types';

const P1: SourceRef = { kind: 'profile', name: 'p1', version: 1 };
const T1: SourceRef = { kind: 'task', id: 't1' };
const A = 'Device.ManagementServer.PeriodicInformInterval';
const B = 'Device.WiFi.Radio.1.Channel';

const cwmpFault = (
  code: number,
  spv: { parameterName: string; faultCode: number }[] = [],
): Fault => ({
  type: 'Fault',
  faultCode: 'Client',
  faultString: 'CWMP fault',
  detail: {
    faultCode: code,
    faultString: `fault ${code}`,
    ...(spv.length > 0 ? { setParameterValuesFault: spv } : {}),
  },
});

const spv = (...names: string[]): PlannedRpc => ({
  request: {
    type: 'SetParameterValues',
    parameterList: names.map((name) => ({ name, value: u(1) })),
    parameterKey: 'k',
  },
  purpose: 'set',
  items: names.map((target) => ({ target, source: P1 })),
});
const gpv = (...names: string[]): PlannedRpc => ({
  request: { type: 'GetParameterValues', parameterNames: names },
  purpose: 'read',
  items: names.map((target) => ({ target, source: P1 })),
});

describe(applyFault.name, () => {
  const st = device('Device.', TR181);

  it('records a SetParameterValues fault per failing parameter, with its code', () => {
    const next = applyFault(
      st,
      spv(A, B),
      cwmpFault(9003, [{ parameterName: B, faultCode: 9007 }]),
      NOW,
    );
    expect(Object.keys(next.faults)).toEqual([faultKey(P1, B)]);
    expect(next.faults[faultKey(P1, B)]).toMatchObject({
      code: 9007,
      retries: 1,
      method: 'SetParameterValues',
      nextRetryAt: NOW + DEFAULT_PLAN_POLICY.backoffBaseMs,
    });
  });

  it('marks a parameter absent on a per-parameter 9005', () => {
    const next = applyFault(
      st,
      spv(A, B),
      cwmpFault(9003, [{ parameterName: A, faultCode: 9005 }]),
      NOW,
    );
    expect(next.absent).toEqual({ [A]: NOW });
  });

  it('marks the single path of a failed GetParameterValues absent on 9005', () => {
    const next = applyFault(st, gpv('Device.X.Y'), cwmpFault(9005), NOW);
    expect(next.absent).toEqual({ 'Device.X.Y': NOW });
  });

  it('isolates the entries of a failed batch that names no culprit, without backoff', () => {
    const next = applyFault(st, gpv(A, B), cwmpFault(9005), NOW);
    expect(next.absent).toEqual({});
    expect(next.faults[faultKey(P1, A)]).toMatchObject({
      isolate: true,
      nextRetryAt: NOW,
      retries: 0,
    });
    expect(next.faults[faultKey(P1, B)]).toMatchObject({ isolate: true });
  });

  it('doubles the backoff with each retry, up to the maximum', () => {
    let cur = st;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      cur = applyFault(cur, spv(A), cwmpFault(9002), NOW);
      waits.push((cur.faults[faultKey(P1, A)]?.nextRetryAt ?? 0) - NOW);
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(backoffDelay(100, DEFAULT_PLAN_POLICY)).toBe(DEFAULT_PLAN_POLICY.backoffMaxMs);
  });

  it('treats 9005 on DeleteObject as already deleted', () => {
    const rpc: PlannedRpc = {
      request: { type: 'DeleteObject', objectName: 'Device.WiFi.SSID.2.', parameterKey: 'k' },
      purpose: 'deleteObject',
      items: [{ target: 'Device.WiFi.SSID.2.', source: T1 }],
      actionKeys: ['task:t1'],
    };
    const next = applyFault(st, rpc, cwmpFault(9005), NOW);
    expect(next.nodes['Device.WiFi.SSID.2.SSID']).toBeUndefined();
    expect(next.actionRuns).toEqual({ 'task:t1': NOW });
    expect(next.faults).toEqual({});
  });

  it('records a bare SOAP fault without detail as code 0', () => {
    const next = applyFault(
      st,
      spv(A),
      { type: 'Fault', faultCode: 'Server', faultString: 'boom' },
      NOW,
    );
    expect(next.faults[faultKey(P1, A)]).toMatchObject({ code: 0, message: 'boom' });
  });
});

describe(applyRpcResult.name, () => {
  const st = device('Device.', TR181);

  it('clears the fault of an item that then succeeded', () => {
    const faulted = applyFault(st, spv(A), cwmpFault(9002), T0);
    const next = applyRpcResult(
      faulted,
      spv(A),
      { type: 'SetParameterValuesResponse', status: 0 },
      NOW,
    );
    expect(next.faults).toEqual({});
  });

  it('marks the actions a Reboot served as run', () => {
    const rpc: PlannedRpc = {
      request: { type: 'Reboot', commandKey: 'r' },
      purpose: 'reboot',
      items: [{ target: 'task:t1', source: T1 }],
      actionKeys: ['task:t1'],
    };
    expect(applyRpcResult(st, rpc, { type: 'RebootResponse' }, NOW).actionRuns).toEqual({
      'task:t1': NOW,
    });
  });

  it('records a pending transfer for a Download answered with Status 1', () => {
    const rpc: PlannedRpc = {
      request: {
        type: 'Download',
        commandKey: 'fw-1',
        fileType: '1 Firmware Upgrade Image',
        url: 'http://127.0.0.1/fw',
        username: '',
        password: '',
        fileSize: 0,
        targetFileName: '',
        delaySeconds: 0,
        successUrl: '',
        failureUrl: '',
      },
      purpose: 'download',
      items: [{ target: 'firmware:2.0', source: P1 }],
      actionKeys: ['firmware:2.0'],
      version: '2.0',
    };
    const next = applyRpcResult(
      st,
      rpc,
      { type: 'DownloadResponse', status: 1, startTime: '', completeTime: '' },
      NOW,
    );
    expect(next.transfers['fw-1']).toEqual({
      commandKey: 'fw-1',
      startedAt: NOW,
      version: '2.0',
      source: P1,
      target: 'firmware:2.0',
    });
    const failed = applyTransferComplete(
      next,
      {
        type: 'TransferComplete',
        commandKey: 'fw-1',
        faultStruct: { faultCode: 9010, faultString: 'download failed' },
        startTime: '',
        completeTime: '',
      },
      NOW + 1,
    );
    expect(failed.transfers).toEqual({});
    expect(failed.faults[faultKey(P1, 'firmware:2.0')]).toMatchObject({
      kind: 'transfer',
      code: 9010,
      retries: 1,
    });
    const ok = applyTransferComplete(
      { ...next, softwareVersion: '2.0' }, // the Inform of that session reported the new version

      {
        type: 'TransferComplete',
        commandKey: 'fw-1',
        faultStruct: { faultCode: 0, faultString: '' },
        startTime: '',
        completeTime: '',
      },
      NOW + 1,
    );
    expect(ok.transfers).toEqual({});
    expect(ok.faults).toEqual({});
  });

  it('faults a firmware transfer that succeeded without changing the version, then calls it a loop', () => {
    const pending = {
      ...st,
      softwareVersion: '1.0',
      transfers: {
        fw: { commandKey: 'fw', startedAt: T0, version: '2.0', source: P1, target: 'firmware:2.0' },
      },
    };
    const done = (state: typeof pending) =>
      applyTransferComplete(
        state,
        {
          type: 'TransferComplete',
          commandKey: 'fw',
          faultStruct: { faultCode: 0, faultString: '' },
          startTime: '',
          completeTime: '',
        },
        NOW,
      );
    let cur = done(pending);
    expect(cur.faults[faultKey(P1, 'firmware:2.0')]).toMatchObject({
      kind: 'transfer',
      retries: 1,
    });
    cur = done({ ...pending, faults: cur.faults });
    cur = done({ ...pending, faults: cur.faults });
    expect(cur.faults[faultKey(P1, 'firmware:2.0')]).toMatchObject({
      kind: 'loop',
      retries: 3,
      nextRetryAt: null,
    });
    expect(done({ ...pending, softwareVersion: '2.0', faults: cur.faults }).faults).toEqual({});
  });

  it('refuses a result that answers another method', () => {
    expect(() => applyRpcResult(st, spv(A), { type: 'RebootResponse' }, NOW)).toThrow(DomainError);
  });

  it('applies a GetParameterValues answer', () => {
    const next = applyRpcResult(
      st,
      gpv('Device.Time.NTPServer1'),
      {
        type: 'GetParameterValuesResponse',
        parameterList: [{ name: 'Device.Time.NTPServer1', value: s('pool') }],
      },
      NOW,
    );
    expect(next.nodes['Device.Time.NTPServer1']).toMatchObject({ value: s('pool') });
  });
});

describe(recordFindings.name, () => {
  it('stores loop findings and clearFaultsOf removes one source only', () => {
    const loop = {
      source: P1,
      target: A,
      kind: 'loop' as const,
      method: 'SetParameterValues',
      code: 0,
      message: 'loop',
      retries: 0,
      firstAt: NOW,
      lastAt: NOW,
      nextRetryAt: null,
    };
    const st = recordFindings(device('Device.', TR181), {
      phase: 'done',
      rpcs: [],
      skipped: [],
      findings: [loop, { ...loop, source: T1 }],
      conflicts: [],
    });
    expect(Object.keys(st.faults)).toHaveLength(2);
    expect(Object.keys(clearFaultsOf(st, P1).faults)).toEqual([faultKey(T1, A)]);
  });
});
