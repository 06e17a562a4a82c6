import { startSpan, type AcsMetrics } from '@acs/telemetry';
import type { Clock } from './runtime.ports';
import type { SessionRecord } from './session.record';
import { SessionTelemetry, requestSpanName } from './session.telemetry';
import { startTestGateway, type TestGateway } from './testing/gateway.harness';

type Call = [instrument: string, value: number, labels: Record<string, unknown> | undefined];

// Every instrument records into `calls`: the registry's types are kept (the Proxy stands in for
// the OTel instruments, whose add/record are all this class calls).
function recordingMetrics(calls: Call[]): AcsMetrics {
  return new Proxy({} as AcsMetrics, {
    get: (_t, name: string) => ({
      add: (v: number, l?: Record<string, unknown>) => calls.push([name, v, l]),
      record: (v: number, l?: Record<string, unknown>) => calls.push([name, v, l]),
    }),
  });
}

const clockAt = (ms: number): Clock => ({
  now: () => ms,
  setTimer: () => ({ cancel: () => undefined }),
});

const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  v: 1,
  sessionId: 's',
  deviceId: 'd',
  cwmpVersion: '1.2',
  namespace: 'urn:dslforum-org:cwmp-1-2',
  startedAt: 1_000,
  lastSeenAt: 1_000,
  state: { phase: 'open' },
  rpcCount: 0,
  requestCount: 0,
  ...over,
});

describe(SessionTelemetry.name, () => {
  it('counts an Inform as started and, when refused, as failed with the reason', () => {
    const calls: Call[] = [];
    const t = new SessionTelemetry(recordingMetrics(calls), clockAt(0));
    t.informArrived();
    t.refused('auth');
    expect(calls).toEqual([
      ['sessionsStarted', 1, undefined],
      ['sessionsFailed', 1, { reason: 'auth' }],
    ]);
  });

  it('counts an opened session as active and each event code of its Inform once, bounded', () => {
    const calls: Call[] = [];
    new SessionTelemetry(recordingMetrics(calls), clockAt(0)).opened([
      '1 BOOT',
      'X 00D09E Reboot',
      'random junk',
    ]);
    expect(calls).toEqual([
      ['sessionsActive', 1, undefined],
      ['informs', 1, { event_code: '1 BOOT' }],
      ['informs', 1, { event_code: 'X' }],
      ['informs', 1, { event_code: 'other' }],
    ]);
  });

  it('times an answered RPC from when it was sent and counts a CPE fault by code and method', () => {
    const calls: Call[] = [];
    const t = new SessionTelemetry(recordingMetrics(calls), clockAt(3_500));
    const awaiting = record({
      lastSeenAt: 3_000,
      state: { phase: 'awaiting-rpc-result', rpcId: 'r', requestType: 'SetParameterValues' },
    });
    const span = startSpan('cwmp Fault');
    t.rpcAnswered(
      awaiting,
      {
        kind: 'fault',
        fault: {
          type: 'Fault',
          faultCode: 'Client',
          faultString: 'CWMP fault',
          detail: { faultCode: 9007, faultString: 'Invalid parameter value' },
        },
      },
      span,
    );
    span.end();
    expect(calls).toEqual([
      ['faults', 1, { fault_code: '9007', 'rpc.method': 'SetParameterValues' }],
      ['rpcDuration', 0.5, { 'rpc.method': 'SetParameterValues', outcome: 'fault' }],
    ]);
  });

  it('ends a completed session, and a timed-out one as failed with its unanswered RPC', () => {
    const calls: Call[] = [];
    const t = new SessionTelemetry(recordingMetrics(calls), clockAt(5_000));
    t.ended(record(), 'completed');
    t.ended(
      record({
        lastSeenAt: 2_000,
        state: { phase: 'awaiting-rpc-result', rpcId: 'r', requestType: 'Reboot' },
      }),
      'idle-timeout',
    );
    t.ended(record(), 'superseded');
    expect(calls).toEqual([
      ['sessionsActive', -1, undefined],
      ['sessionsCompleted', 1, undefined],
      ['sessionDuration', 4, { outcome: 'completed' }],
      ['rpcDuration', 3, { 'rpc.method': 'Reboot', outcome: 'timeout' }],
      ['sessionsActive', -1, undefined],
      ['sessionsFailed', 1, { reason: 'timeout' }],
      ['sessionDuration', 4, { outcome: 'failed' }],
      ['sessionsActive', -1, undefined],
      ['sessionsFailed', 1, { reason: 'protocol' }],
      ['sessionDuration', 4, { outcome: 'failed' }],
    ]);
  });

  it('names request spans after the CPE message', () => {
    expect(requestSpanName(undefined)).toBe('cwmp Empty');
    expect(requestSpanName({ type: 'GetRPCMethods' })).toBe('cwmp GetRPCMethods');
  });
});

describe('session metrics through the handler', () => {
  let gw: TestGateway;
  afterEach(async () => gw.close());
  const named = (calls: Call[], name: string) => calls.filter((c) => c[0] === name);

  it('does not count the Digest challenge of a CPE that sent no credentials as a session', async () => {
    const calls: Call[] = [];
    gw = await startTestGateway({ GATEWAY_AUTH: 'required' }, undefined, recordingMetrics(calls));
    await gw.credentials.register({ _id: '00D09E-HG-D1', username: 'd1', password: 'pw' });
    const cpe = gw.cpe('D1', { auth: { scheme: 'digest', username: 'd1', password: 'pw' } });
    expect((await cpe.send(cpe.informMessage(['2 PERIODIC']))).status).toBe(200);
    expect((await cpe.send(null)).status).toBe(204);
    expect(named(calls, 'sessionsStarted')).toHaveLength(1);
    expect(named(calls, 'sessionsFailed')).toEqual([]);
    expect(named(calls, 'sessionsCompleted')).toHaveLength(1);
    expect(named(calls, 'sessionsActive').map((c) => c[1])).toEqual([1, -1]);
  });

  it('counts wrong credentials as a session failed for auth', async () => {
    const calls: Call[] = [];
    gw = await startTestGateway({ GATEWAY_AUTH: 'required' }, undefined, recordingMetrics(calls));
    await gw.credentials.register({ _id: '00D09E-HG-D2', username: 'd2', password: 'pw' });
    const cpe = gw.cpe('D2', { auth: { scheme: 'digest', username: 'd2', password: 'wrong' } });
    expect((await cpe.send(cpe.informMessage(['2 PERIODIC']))).status).toBe(401);
    expect(named(calls, 'sessionsStarted')).toHaveLength(1);
    expect(named(calls, 'sessionsFailed')).toEqual([['sessionsFailed', 1, { reason: 'auth' }]]);
    expect(named(calls, 'sessionsActive')).toEqual([]);
  });
});
