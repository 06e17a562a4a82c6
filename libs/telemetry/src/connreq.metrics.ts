import type { EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '@acs/bus';
import type { AcsMetrics, ConnreqMethod, ConnreqOutcome, StunOutcome } from './metrics.registry';

// Connection-request and STUN metrics recorded from outside @acs/connreq: the apps own the
// wiring, the lib keeps its own counters and results. Types here are structural (no import of
// @acs/connreq), so the telemetry lib does not depend on the connection-request lib.

/** The attempt outcomes of @acs/connreq (ATTEMPT_OUTCOMES) → the bounded metric label. */
const ATTEMPT_OUTCOME_LABEL: Readonly<Record<string, ConnreqOutcome>> = {
  accepted: 'accepted',
  // UDP (TR-069 Annex G) has no answer: the datagrams went out, which is all the ACS can know.
  sent: 'accepted',
  // 503 from the CPE: TR-069 3.2.2 lets a CPE rate-limit connection requests.
  busy: 'rate_limited',
  'auth-failed': 'refused',
  denied: 'refused',
  unreachable: 'unreachable',
  error: 'error',
};
const METHODS: ReadonlySet<string> = new Set<ConnreqMethod>(['http', 'udp', 'xmpp']);

interface ResultShape {
  requestedAt?: unknown;
  finishedAt?: unknown;
  attempts?: unknown;
}

/**
 * Records `acs.connreq.requests` {method, outcome} for every attempt of a connection-request
 * result (@acs/connreq ConnreqResult JSON, as published on `acs.connreq.results`), and
 * `acs.connreq.duration` {method, outcome of the final attempt} = finishedAt − requestedAt of the
 * wake-up. Anything that is not such a result is ignored (never throws).
 */
export function recordConnreqResult(metrics: AcsMetrics, value: Buffer | string): void {
  let r: ResultShape;
  try {
    r = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as ResultShape;
  } catch {
    return;
  }
  if (r === null || typeof r !== 'object' || !Array.isArray(r.attempts)) return;
  let last: { method: ConnreqMethod; outcome: ConnreqOutcome } | undefined;
  for (const a of r.attempts as readonly unknown[]) {
    const { method, outcome } = (a ?? {}) as { method?: unknown; outcome?: unknown };
    if (typeof method !== 'string' || !METHODS.has(method) || typeof outcome !== 'string') continue;
    const labels = {
      method: method as ConnreqMethod,
      outcome: ATTEMPT_OUTCOME_LABEL[outcome] ?? 'error',
    };
    metrics.connreqRequests.add(1, labels);
    last = labels;
  }
  if (last === undefined) return;
  const seconds = (Date.parse(String(r.finishedAt)) - Date.parse(String(r.requestedAt))) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) metrics.connreqDuration.record(seconds, last);
}

/**
 * An EventBus that records connection-request metrics from the results it publishes on
 * `resultsTopic` (after the broker acknowledged them); everything else passes through.
 */
export class ConnreqMetricsEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly metrics: AcsMetrics,
    private readonly resultsTopic: string,
  ) {}

  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await this.inner.publish(topic, messages);
    if (topic === this.resultsTopic)
      for (const m of messages) recordConnreqResult(this.metrics, m.value);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The counters of the @acs/connreq STUN server (StunServerCounters), structurally. */
export interface StunCountersLike {
  readonly answered: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly shed: number;
  readonly failed: number;
}

/**
 * Feeds `acs.stun.bindings` {outcome} from the STUN server's own counters: call `sync()` before a
 * scrape (`telemetry.addCollectHook(() => bridge.sync())`) and at shutdown; it adds what changed
 * since the last call. answered → ok, rejected (401/420) and dropped (not STUN, malformed) →
 * invalid, shed (flood) and failed (credential lookup) → error. `changed` is not told apart by the
 * server's counters and stays 0.
 */
export class StunBindingsMetricsBridge {
  private seen: Record<StunOutcome, number> = { ok: 0, changed: 0, invalid: 0, error: 0 };

  constructor(
    private readonly metrics: AcsMetrics,
    private readonly counters: StunCountersLike,
  ) {}

  sync(): void {
    const c = this.counters;
    const now: Record<StunOutcome, number> = {
      ok: c.answered,
      changed: 0,
      invalid: c.rejected + c.dropped,
      error: c.shed + c.failed,
    };
    for (const outcome of ['ok', 'invalid', 'error'] as const) {
      const delta = now[outcome] - this.seen[outcome];
      // Always add, even 0, so every outcome series exists from the first scrape on.
      if (delta >= 0) this.metrics.stunBindings.add(delta, { outcome });
    }
    this.seen = now;
  }
}
