import type { CwmpMessage, Inform } from '@acs/cwmp';
import type { InboxEntry, RpcOutcome, SessionEndReason } from '@acs/events';
import {
  ATTR,
  RPC_SYSTEM,
  SpanKind,
  cwmpEventCodeLabel,
  cwmpFaultCodeLabel,
  extractFromTraceContext,
  noopMetrics,
  recordCwmpFault,
  linksTo,
  recordError,
  startSpan,
  type AcsMetrics,
  type EventCodeLabel,
  type RpcOutcome as RpcOutcomeLabel,
  type SessionFailureReason,
  type Span,
  type StartSpanOptions,
  type WakeupTraceStore,
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

// Label objects of the per-session metric records, built once per value: label sets are bounded
// (failure reasons, event code labels, CWMP method names) and a fresh object per record was
// measurable on the hot path (docs/benchmarks.md, "Telemetry cost"). Bounded anyway: the RPC
// method comes from the codec's closed set, but a cache must not grow with input.
const MAX_CACHED_LABELS = 512;
function labels<A extends object>(cache: Map<string, A>, key: string, build: () => A): A {
  let attributes = cache.get(key);
  if (attributes === undefined) {
    attributes = Object.freeze(build());
    if (cache.size < MAX_CACHED_LABELS) cache.set(key, attributes);
  }
  return attributes;
}
const COMPLETED = Object.freeze({ outcome: 'completed' as const });
const FAILED = Object.freeze({ outcome: 'failed' as const });
const failedBy = new Map<string, { reason: SessionFailureReason }>();
const informBy = new Map<string, { event_code: EventCodeLabel }>();
const rpcBy = new Map<string, { 'rpc.method': string; outcome: RpcOutcomeLabel }>();

function failure(reason: SessionFailureReason): { reason: SessionFailureReason } {
  return labels(failedBy, reason, () => ({ reason }));
}
function rpcLabels(
  method: string,
  outcome: RpcOutcomeLabel,
): { 'rpc.method': string; outcome: RpcOutcomeLabel } {
  return labels(rpcBy, `${outcome} ${method}`, () => ({ 'rpc.method': method, outcome }));
}

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
    this.metrics.sessionsFailed.add(1, failure(reason));
  }

  /** The session is open (InformResponse about to go out). */
  opened(eventCodes: readonly string[]): void {
    this.metrics.sessionsActive.add(1);
    for (const code of eventCodes) {
      const label = cwmpEventCodeLabel(code);
      this.metrics.informs.add(
        1,
        labels(informBy, label, () => ({ event_code: label })),
      );
    }
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
    this.metrics.rpcDuration.record(
      seconds,
      rpcLabels(method, outcome.kind === 'fault' ? 'fault' : 'ok'),
    );
  }

  /** The session ended (on this pod): active −1, duration, completed or failed. */
  ended(record: SessionRecord, reason: SessionEndReason, span?: Span): void {
    const now = this.clock.now();
    if (reason === 'idle-timeout' && record.state.phase === 'awaiting-rpc-result')
      this.metrics.rpcDuration.record(
        Math.max(0, now - record.lastSeenAt) / 1000,
        rpcLabels(record.state.requestType, 'timeout'),
      );
    this.metrics.sessionsActive.add(-1);
    const seconds = Math.max(0, now - record.startedAt) / 1000;
    span?.setAttribute(ATTR.sessionEndReason, reason);
    if (reason === 'completed') {
      this.metrics.sessionsCompleted.add(1);
      this.metrics.sessionDuration.record(seconds, COMPLETED);
    } else {
      this.metrics.sessionsFailed.add(1, failure(END_FAILURE[reason]));
      this.metrics.sessionDuration.record(seconds, FAILED);
    }
  }
}

/**
 * The session's root span (`cwmp Inform`). root: CPEs are untrusted, a traceparent they send is
 * ignored (it would let a device choose its trace id and force sampling; docs/observability.md).
 */
export function informSpanOptions(inform: Inform): StartSpanOptions {
  return {
    kind: SpanKind.SERVER,
    root: true,
    attributes: () => ({
      [ATTR.rpcSystem]: RPC_SYSTEM.cwmp,
      [ATTR.rpcMethod]: 'Inform',
      [ATTR.eventCodes]: inform.event.map((e) => e.eventCode),
    }),
  };
}

/**
 * A later request of the session: a child of the session's root span (`record.trace`), whichever
 * pod serves it.
 */
export function requestSpanOptions(
  record: SessionRecord,
  body: CwmpMessage | undefined,
): StartSpanOptions {
  return {
    kind: SpanKind.SERVER,
    ...(record.trace === undefined
      ? {}
      : { parent: extractFromTraceContext({ traceparent: record.trace }) }),
    // Built only for a recording span (startSpan calls it after the sampling decision).
    attributes: () => ({
      [ATTR.deviceId]: record.deviceId,
      [ATTR.sessionId]: record.sessionId,
      [ATTR.rpcSystem]: RPC_SYSTEM.cwmp,
      ...(body === undefined ? {} : { [ATTR.rpcMethod]: body.type }),
    }),
  };
}

/**
 * The RPC sent to the CPE (the caller ends it): a child of whoever pushed the inbox entry
 * (provisioning's span, via the entry's trace field), so the session's trace runs gateway → bus →
 * provisioning → here.
 */
export function startRpcSpan(
  record: SessionRecord,
  entry: Extract<InboxEntry, { kind: 'rpc' }>,
): Span {
  return startSpan(`cwmp ${entry.request.type}`, {
    kind: SpanKind.CLIENT,
    ...(entry.trace === undefined ? {} : { parent: extractFromTraceContext(entry.trace) }),
    attributes: () => ({
      [ATTR.deviceId]: record.deviceId,
      [ATTR.sessionId]: record.sessionId,
      [ATTR.rpcSystem]: RPC_SYSTEM.cwmp,
      [ATTR.rpcMethod]: entry.request.type,
      [ATTR.rpcId]: entry.rpcId,
    }),
  });
}

/**
 * A session the CPE opened because of a connection request (`6 CONNECTION REQUEST`, TR-069 3.2.2)
 * is a new trace; its root span links to the wake-up's (the API call that asked for it), when the
 * connection-request service kept it. Lookup failures only lose the link.
 */
export async function linkWakeup(
  span: Span,
  store: WakeupTraceStore,
  deviceId: string,
  inform: Inform,
): Promise<void> {
  if (!inform.event.some((e) => e.eventCode.trim() === '6 CONNECTION REQUEST')) return;
  const field = await store.get(deviceId).catch(() => undefined);
  for (const link of linksTo(field, 'connection-request')) span.addLink(link);
}

/** Puts the HTTP status on a request span; 5xx marks it ERROR (HTTP semconv: not 4xx on SERVER spans). */
export function withStatus<R extends { readonly status: number }>(span: Span, reply: R): R {
  span.setAttribute(ATTR.httpStatusCode, reply.status);
  if (reply.status >= 500)
    recordError(span, new Error(`HTTP ${reply.status}`), String(reply.status));
  return reply;
}

/** The span name of a CPE request inside a session: `cwmp <method>`, `cwmp Empty` for an empty POST. */
export function requestSpanName(body: CwmpMessage | undefined): string {
  return body === undefined ? 'cwmp Empty' : `cwmp ${body.type}`;
}
