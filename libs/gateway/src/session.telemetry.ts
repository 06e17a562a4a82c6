import type { CwmpMessage } from '@acs/cwmp';
import type { RpcOutcome, SessionEndReason } from '@acs/events';
import {
  ATTR,
  cwmpEventCodeLabel,
  cwmpFaultCodeLabel,
  noopMetrics,
  recordCwmpFault,
  type AcsMetrics,
  type SessionFailureReason,
  type Span,
} from '@acs/telemetry';
import type { Clock } from './runtime.ports';
import type { SessionRecord } from './session.record';

/** Why an Inform did not become a session (the `reason` label of acs.cwmp.sessions.failed). */
export type SessionRefusal = Extract<
  SessionFailureReason,
  'auth' | 'protocol' | 'lock_held' | 'bus_unavailable' | 'internal'
>;

// How a session end reason counts: completed, or failed with a reason (TR-069 3.7.1.4/3.7.2.4).
const END_FAILURE: Readonly<Record<Exclude<SessionEndReason, 'completed'>, SessionFailureReason>> =
  {
    'inbox-timeout': 'timeout',
    'idle-timeout': 'timeout',
    // A new Inform while the old session was open: the CPE gave up on it (TR-069 3.7.1.4).
    superseded: 'protocol',
  };

/**
 * The gateway's metrics (docs/observability.md): sessions started/completed/failed, active,
 * session and RPC durations, Informs by event code, CPE faults by code. Every Inform that arrives
 * counts as started, and ends as exactly one of: refused (failed), completed, failed — so
 * started = completed + failed + active. Durations come from the injected clock.
 */
export class SessionTelemetry {
  constructor(
    private readonly metrics: AcsMetrics = noopMetrics(),
    private readonly clock: Clock,
  ) {}

  /** An Inform arrived (before authentication). */
  informArrived(): void {
    this.metrics.sessionsStarted.add(1);
  }

  /** The Inform was not accepted: no session. */
  refused(reason: SessionRefusal): void {
    this.metrics.sessionsFailed.add(1, { reason });
  }

  /** The session is open (InformResponse about to go out). */
  opened(eventCodes: readonly string[]): void {
    this.metrics.sessionsActive.add(1);
    for (const code of eventCodes)
      this.metrics.informs.add(1, { event_code: cwmpEventCodeLabel(code) });
  }

  /** The CPE answered the RPC the record was waiting for; the RPC was sent at `lastSeenAt`. */
  rpcAnswered(record: SessionRecord, outcome: RpcOutcome, span: Span): void {
    if (record.state.phase !== 'awaiting-rpc-result') return;
    const method = record.state.requestType;
    const seconds = Math.max(0, this.clock.now() - record.lastSeenAt) / 1000;
    if (outcome.kind === 'fault') {
      const detail = outcome.fault.detail;
      const code = detail?.faultCode ?? 'other';
      this.metrics.faults.add(1, { fault_code: cwmpFaultCodeLabel(code), 'rpc.method': method });
      recordCwmpFault(span, code, detail?.faultString);
    }
    this.metrics.rpcDuration.record(seconds, {
      'rpc.method': method,
      outcome: outcome.kind === 'fault' ? 'fault' : 'ok',
    });
  }

  /** The session ended (on this pod): active −1, duration, completed or failed. */
  ended(record: SessionRecord, reason: SessionEndReason, span?: Span): void {
    const now = this.clock.now();
    if (reason === 'idle-timeout' && record.state.phase === 'awaiting-rpc-result')
      this.metrics.rpcDuration.record(Math.max(0, now - record.lastSeenAt) / 1000, {
        'rpc.method': record.state.requestType,
        outcome: 'timeout',
      });
    this.metrics.sessionsActive.add(-1);
    const seconds = Math.max(0, now - record.startedAt) / 1000;
    span?.setAttribute(ATTR.sessionEndReason, reason);
    if (reason === 'completed') {
      this.metrics.sessionsCompleted.add(1);
      this.metrics.sessionDuration.record(seconds, { outcome: 'completed' });
    } else {
      this.metrics.sessionsFailed.add(1, { reason: END_FAILURE[reason] });
      this.metrics.sessionDuration.record(seconds, { outcome: 'failed' });
    }
  }
}

/** The span name of a CPE request inside a session: `cwmp <method>`, `cwmp Empty` for an empty POST. */
export function requestSpanName(body: CwmpMessage | undefined): string {
  return body === undefined ? 'cwmp Empty' : `cwmp ${body.type}`;
}
