import {
  CWMP_VERSIONS,
  CwmpError,
  CwmpErrorCode,
  buildFault,
  negotiateVersion,
  parseEnvelope,
  serializeEnvelope,
  type CwmpEnvelope,
  type CwmpMessage,
  type CwmpVersion,
} from '@acs/cwmp';
import { BusError, type EventBus } from '@acs/bus';
import type { SessionRegistry } from '@acs/sessions';
import { EventsError, decodeInboxEntry, deriveDeviceId, type SessionEndReason } from '@acs/events';
import {
  ATTR,
  recordError,
  setSpanAttributes,
  traceContextField,
  withSpan,
  type AcsMetrics,
  type Span,
  type WakeupTraceStore,
} from '@acs/telemetry';
import type { AuthFailureLimiter } from './auth-failure.limiter';
import type { CpeAuthenticator } from './cpe.authenticator';
import { responseTo } from './cpe-request.responder';
import type { GatewayConfig } from './gateway.config';
import type { Clock, GatewayLogger, RandomSource } from './runtime.ports';
import {
  SENT_RPC_IDS_KEPT,
  decodeRecord,
  encodeRecord,
  type SessionRecord,
} from './session.record';
import { nextStep, type ParsedRequest, type Step } from './session.state-machine';
import { SessionTracker } from './session.tracker';
import { SessionEventPublisher } from './session-event.publisher';
import {
  SessionTelemetry,
  informSpanOptions,
  linkWakeup,
  requestSpanName,
  requestSpanOptions,
  startRpcSpan,
  withStatus,
  type SessionRefusal,
} from './session.telemetry';

/** A CPE's POST after transport checks (method, encoding, size) with the body decompressed. */
export interface CwmpHttpRequest {
  readonly body: Buffer;
  readonly sessionId?: string;
  readonly authorization?: string;
  readonly remoteAddress: string;
  readonly secure: boolean;
  readonly traceparent?: string;
}

export interface CwmpHttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
}

export const SESSION_COOKIE = 'acs_session';
const XML = { 'content-type': 'text/xml; charset="utf-8"' } as const;
/** Invalid inbox entries skipped in a row before the session ends (a misbehaving producer must not loop). */
const MAX_SKIPPED_ENTRIES = 16;

export interface CwmpSessionHandlerDeps {
  readonly config: GatewayConfig;
  readonly registry: SessionRegistry;
  readonly bus: EventBus;
  readonly authenticator: CpeAuthenticator;
  readonly limiter: AuthFailureLimiter;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: GatewayLogger;
  /** Session metrics (docs/observability.md); default: recorded nowhere. */
  readonly metrics?: AcsMetrics;
  /** Trace contexts of pending wake-ups, to link a connection-request session to its cause. */
  readonly wakeupTraces?: WakeupTraceStore;
}

/**
 * Runs one HTTP request of a CWMP session: parses it, asks the state machine what to do, and does
 * it through the ports. Holds nothing between requests but the pod-local session tracker.
 */
export class CwmpSessionHandler {
  private readonly tracker: SessionTracker;
  private readonly events: SessionEventPublisher;
  private readonly telemetry: SessionTelemetry;
  private draining = false;

  constructor(private readonly d: CwmpSessionHandlerDeps) {
    this.events = new SessionEventPublisher(d.bus, d.clock);
    this.telemetry = new SessionTelemetry(d.metrics, d.clock);
    this.tracker = new SessionTracker(d.clock, d.config.sessionTimeoutMs, (sid) => {
      this.expireIdle(sid).catch((e: unknown) =>
        d.logger.error({ err: e, sessionId: sid }, 'idle cleanup failed'),
      );
    });
  }

  get activeSessions(): number {
    return this.tracker.size;
  }

  /** Refuses new sessions from now on; resolves when this pod's open sessions are gone. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.tracker.drained();
  }

  /** Stops the idle timers (after drain, before closing the registry). */
  stop(): void {
    this.tracker.cancelAll();
  }

  async handle(req: CwmpHttpRequest): Promise<CwmpHttpReply> {
    const parsed = this.parse(req.body);
    const record =
      req.sessionId === undefined || req.sessionId.length > 64
        ? null
        : decodeRecord(await this.d.registry.getRecord(req.sessionId));
    const step = nextStep(record, parsed);
    if (step.action === 'start')
      return withSpan('cwmp Inform', informSpanOptions(step.inform), async (span) =>
        withStatus(span, await this.start(req, step, record, span)),
      );
    if (step.action === 'reject' || record === null) {
      return text(400, step.action === 'reject' ? step.reason : 'bad request');
    }
    const body = parsed.kind === 'message' ? parsed.envelope.body : undefined;
    return withSpan(requestSpanName(body), requestSpanOptions(record, body), async (span) =>
      withStatus(span, await this.continueSession(record, step, span)),
    );
  }

  private parse(body: Buffer): ParsedRequest {
    if (isBlank(body)) return { kind: 'empty' };
    try {
      return {
        kind: 'message',
        envelope: parseEnvelope(body, { limits: { maxBytes: this.d.config.maxBodyBytes } }),
      };
    } catch (e) {
      if (!(e instanceof CwmpError)) throw e;
      const id = e.details.id === undefined ? {} : { id: e.details.id };
      switch (e.code) {
        case CwmpErrorCode.EmptyBody:
          return { kind: 'empty' };
        case CwmpErrorCode.UnknownMethod:
          return { kind: 'unknown-method', method: e.details.method ?? '?', ...id };
        case CwmpErrorCode.InvalidMessage:
          return { kind: 'invalid-message', reason: e.message, ...id };
        default:
          return { kind: 'malformed', reason: `${e.code}: ${e.message}` };
      }
    }
  }

  private async start(
    req: CwmpHttpRequest,
    step: Extract<Step, { action: 'start' }>,
    previous: SessionRecord | null,
    span: Span,
  ): Promise<CwmpHttpReply> {
    let reply: Awaited<ReturnType<CwmpSessionHandler['open']>>;
    try {
      reply = await this.open(req, step, previous, span);
    } catch (e) {
      this.telemetry.informArrived();
      this.telemetry.refused(e instanceof BusError ? 'bus_unavailable' : 'internal');
      throw e;
    }
    // A challenge to a CPE that sent no credentials is not a session yet: it sends the Inform
    // again with them (TR-069 3.4.4), and that one is counted.
    if (reply.challenged === true) return reply.reply;
    this.telemetry.informArrived();
    if (reply.refused !== undefined) {
      this.telemetry.refused(reply.refused);
      span.setAttribute(ATTR.errorType, reply.refused);
    } else this.telemetry.opened(step.inform.event.map((e) => e.eventCode));
    return reply.reply;
  }

  private async open(
    req: CwmpHttpRequest,
    step: Extract<Step, { action: 'start' }>,
    previous: SessionRecord | null,
    span: Span,
  ): Promise<{ reply: CwmpHttpReply; refused?: SessionRefusal; challenged?: true }> {
    const refuse = (reply: CwmpHttpReply, refused: SessionRefusal) => ({ reply, refused });
    const cfg = this.d.config;
    if (this.draining) return refuse(this.busy('draining'), 'internal');
    let deviceId: string;
    try {
      deviceId = deriveDeviceId(step.inform.deviceId);
    } catch (e) {
      if (e instanceof EventsError) return refuse(text(400, e.message), 'protocol');
      throw e;
    }
    setSpanAttributes(span, { [ATTR.deviceId]: deviceId });
    if (this.d.wakeupTraces !== undefined && span.isRecording())
      await linkWakeup(span, this.d.wakeupTraces, deviceId, step.inform);
    const blocked = this.d.limiter.blockedFor(req.remoteAddress);
    if (blocked > 0)
      return refuse(
        text(429, 'too many failed authentications', { 'retry-after': String(blocked) }),
        'auth',
      );
    const auth = await this.d.authenticator.authenticate({
      deviceId,
      authorization: req.authorization,
      secure: req.secure,
      method: 'POST',
    });
    if (!auth.ok) {
      if (auth.failed) {
        this.d.limiter.recordFailure(req.remoteAddress);
        this.d.logger.warn(
          { deviceId, remote: req.remoteAddress, reason: auth.reason },
          'CPE authentication failed',
        );
      }
      const challenge = text(401, 'authentication required', {
        'www-authenticate': auth.challenges,
      });
      return auth.failed ? refuse(challenge, 'auth') : { reply: challenge, challenged: true };
    }
    const env = step.envelope;
    const negotiated = negotiateVersion({
      cpeNamespace: env.namespace,
      ...(env.header.supportedCwmpVersions === undefined
        ? {}
        : { supportedCwmpVersions: env.header.supportedCwmpVersions }),
      acsVersions: CWMP_VERSIONS,
    });
    if (!negotiated.ok) {
      // TR-069 A.5.1 (Amendment 5): 8006, no common CWMP version.
      span.setAttribute(ATTR.faultCode, '8006');
      return refuse(
        this.envelopeReply(
          env.version,
          env.namespace,
          env.header.id,
          buildFault(8006, { faultString: negotiated.reason }),
        ),
        'protocol',
      );
    }
    if (previous !== null && previous.deviceId === deviceId) await this.end(previous, 'superseded');
    if (this.tracker.size >= cfg.maxSessions)
      return refuse(this.busy('session cap reached'), 'internal');

    const sessionId = this.d.random.bytes(16).toString('base64url');
    setSpanAttributes(span, { [ATTR.sessionId]: sessionId });
    // TR-069 3.7.1.4 / ARCHITECTURE: one session per device, cluster-wide.
    if (!(await this.d.registry.acquireLock(deviceId, sessionId, cfg.sessionTimeoutMs)))
      return refuse(this.busy('device already in a session'), 'lock_held');
    const now = this.d.clock.now();
    const record: SessionRecord = {
      v: 1,
      sessionId,
      deviceId,
      cwmpVersion: negotiated.version,
      namespace: negotiated.namespace,
      startedAt: now,
      lastSeenAt: now,
      state: { phase: 'open' },
      rpcCount: 0,
      requestCount: 0,
      // With telemetry on: this span's context, so every later request and every event of the
      // session joins its trace. Off: the CPE's header or a random one, as before.
      trace: traceContextField()?.traceparent ?? req.traceparent ?? this.newTraceparent(),
    };
    try {
      // The InformResponse goes out only after the broker acked the Inform: until then the CPE
      // keeps its events (TR-069 3.7.1.5), so none is ever lost.
      await Promise.all([
        this.events.inform(record, step.inform, req.remoteAddress),
        this.events.started(record, step.inform),
        this.putRecord(record),
      ]);
    } catch (e) {
      await this.d.registry.releaseLock(deviceId, sessionId).catch(() => false);
      throw e;
    }
    this.tracker.touch(sessionId);
    const reply = this.envelopeReply(
      negotiated.version,
      negotiated.namespace,
      env.header.id,
      { type: 'InformResponse', maxEnvelopes: 1 },
      negotiated.useCwmpVersion,
    );
    const cookie = `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly${req.secure ? '; Secure' : ''}`;
    return { reply: { ...reply, headers: { ...reply.headers, 'set-cookie': cookie } } };
  }

  private async continueSession(
    record: SessionRecord,
    step: Exclude<Step, { action: 'start' | 'reject' }>,
    span: Span,
  ): Promise<CwmpHttpReply> {
    const cfg = this.d.config;
    // Without provisioning the empty POST ends the session: releasing the lock is all that is
    // left, and release only frees it if this session still holds it; one Redis round trip less.
    if (step.action === 'next-rpc' && cfg.provisioning === 'none')
      return this.end(record, 'completed', span);
    if (
      !(await this.d.registry.refreshLock(record.deviceId, record.sessionId, cfg.sessionTimeoutMs))
    ) {
      // The lock expired (idle CPE) and may already belong to a newer session of the device.
      await this.end(record, 'idle-timeout', span);
      return text(400, 'session expired');
    }
    this.tracker.touch(record.sessionId);
    const now = this.d.clock.now();
    switch (step.action) {
      case 'fault':
        // An ACS fault to the CPE (TR-069 A.5.1: 8000 method not supported, 8003 invalid arguments).
        span.setAttribute(ATTR.faultCode, String(step.code));
        await this.putRecord({ ...record, lastSeenAt: now });
        return this.envelopeReply(
          record.cwmpVersion,
          record.namespace,
          step.id,
          buildFault(step.code, { faultString: step.reason.slice(0, 256) }),
        );
      case 'answer-request': {
        const n = record.requestCount + 1;
        await this.events.request(record, n, step.request);
        await this.putRecord({ ...record, lastSeenAt: now, requestCount: n });
        return this.envelopeReply(
          record.cwmpVersion,
          record.namespace,
          step.id,
          responseTo(step.request),
        );
      }
      case 'rpc-result': {
        const requestType =
          record.state.phase === 'awaiting-rpc-result' ? record.state.requestType : 'GetRPCMethods';
        span.setAttribute(ATTR.rpcId, step.rpcId);
        this.telemetry.rpcAnswered(record, step.outcome, span);
        await this.events.rpcResult(record, step.rpcId, requestType, step.outcome);
        return this.nextRpc({ ...record, lastSeenAt: now, state: { phase: 'open' } }, span);
      }
      case 'next-rpc':
        return this.nextRpc({ ...record, lastSeenAt: now, state: { phase: 'open' } }, span);
    }
  }

  /** Empty POST or RPC answered: send the next inbox RPC, or end the session with 204. */
  private async nextRpc(record: SessionRecord, span: Span): Promise<CwmpHttpReply> {
    const cfg = this.d.config;
    if (cfg.provisioning === 'none') return this.end(record, 'completed', span);
    for (let skipped = 0; skipped < MAX_SKIPPED_ENTRIES; skipped++) {
      const raw = await this.d.registry.popInbox(record.sessionId, cfg.inboxWaitMs);
      if (raw === null) return this.end(record, 'inbox-timeout', span);
      let entry;
      try {
        entry = decodeInboxEntry(raw);
      } catch (e) {
        this.d.logger.warn({ err: e, sessionId: record.sessionId }, 'invalid inbox entry skipped');
        continue;
      }
      if (entry.kind === 'done') return this.end(record, 'completed', span);
      if (record.sentRpcIds?.includes(entry.rpcId)) {
        this.d.logger.info(
          { sessionId: record.sessionId, rpcId: entry.rpcId },
          'duplicate inbox RPC skipped',
        );
        continue;
      }
      const rpcSpan = startRpcSpan(record, entry);
      let body: string;
      try {
        body = serializeEnvelope({
          version: record.cwmpVersion,
          namespace: record.namespace,
          header: {
            id: entry.rpcId,
            ...(entry.holdRequests === undefined ? {} : { holdRequests: entry.holdRequests }),
          },
          body: entry.request,
        });
      } catch (e) {
        recordError(rpcSpan, e);
        rpcSpan.end();
        if (!(e instanceof CwmpError)) throw e;
        // Tell provisioning, which waits for a result of every RPC it pushed.
        await this.events.rpcResult(record, entry.rpcId, entry.request.type, {
          kind: 'fault',
          fault: buildFault(8002, { faultString: `not sent: ${e.message}`.slice(0, 256) }),
        });
        continue;
      }
      const next: SessionRecord = {
        ...record,
        lastSeenAt: this.d.clock.now(),
        state: {
          phase: 'awaiting-rpc-result',
          rpcId: entry.rpcId,
          requestType: entry.request.type,
        },
        rpcCount: record.rpcCount + 1,
        sentRpcIds: [...(record.sentRpcIds ?? []), entry.rpcId].slice(-SENT_RPC_IDS_KEPT),
      };
      try {
        await Promise.all([
          this.putRecord(next),
          this.d.registry.refreshLock(record.deviceId, record.sessionId, cfg.sessionTimeoutMs),
        ]);
      } catch (e) {
        recordError(rpcSpan, e);
        throw e;
      } finally {
        rpcSpan.end();
      }
      return { status: 200, headers: XML, body };
    }
    return this.end(record, 'completed', span);
  }

  /** Publishes session-ended, frees the lock (if still ours), record and inbox; answers 204. */
  private async end(
    record: SessionRecord,
    reason: SessionEndReason,
    span?: Span,
  ): Promise<CwmpHttpReply> {
    await this.events.ended(record, reason);
    this.telemetry.ended(record, reason, span);
    await Promise.all([
      this.d.registry.releaseLock(record.deviceId, record.sessionId),
      this.d.registry.deleteRecord(record.sessionId),
      this.d.registry.clearInbox(record.sessionId),
    ]);
    this.tracker.ended(record.sessionId);
    // TR-069 3.7.2.4: an empty HTTP response (204) ends the session.
    return { status: 204, headers: {} };
  }

  /** Idle timer fired on this pod: end the session unless another pod served it since. */
  private async expireIdle(sessionId: string): Promise<void> {
    const record = decodeRecord(await this.d.registry.getRecord(sessionId));
    if (record === null) return;
    if (this.d.clock.now() - record.lastSeenAt < this.d.config.sessionTimeoutMs) return;
    this.d.logger.info({ sessionId, deviceId: record.deviceId }, 'session idle timeout');
    await this.end(record, 'idle-timeout');
  }

  private async putRecord(record: SessionRecord): Promise<void> {
    // Twice the idle timeout: the record outlives the lock, so the idle timer can still tell an
    // idle session (record present, lock gone) from an ended one (record deleted).
    await this.d.registry.putRecord(
      record.sessionId,
      encodeRecord(record),
      2 * this.d.config.sessionTimeoutMs,
    );
  }

  private envelopeReply(
    version: CwmpVersion,
    namespace: string,
    id: string | undefined,
    body: CwmpMessage,
    useCwmpVersion?: string,
  ): CwmpHttpReply {
    const header = {
      ...(id === undefined ? {} : { id }),
      ...(useCwmpVersion === undefined ? {} : { useCwmpVersion }),
    };
    const envelope: CwmpEnvelope = { version, namespace, header, body };
    return { status: 200, headers: XML, body: serializeEnvelope(envelope) };
  }

  private busy(reason: string): CwmpHttpReply {
    return text(503, reason, { 'retry-after': String(this.d.config.retryAfterSeconds) });
  }

  private newTraceparent(): string {
    const b = this.d.random.bytes(24).toString('hex');
    return `00-${b.slice(0, 32)}-${b.slice(32, 48)}-01`;
  }
}

function text(
  status: number,
  message: string,
  headers: Record<string, string | readonly string[]> = {},
): CwmpHttpReply {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    body: `${message}\n`,
  };
}

function isBlank(body: Buffer): boolean {
  for (const b of body) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}
