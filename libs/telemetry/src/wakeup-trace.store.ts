import type { EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '@acs/bus';
import type { SessionRegistry } from '@acs/sessions';
import { traceContextField, type TraceContextField } from './trace.propagation';

/**
 * Where the trace context of a pending wake-up waits for the session it causes. The CPE answers a
 * connection request by opening a new session without trace headers (TR-069 3.2.2), so the
 * connection-request service keeps the context of the call that asked for the wake-up, keyed by
 * device, and the gateway links the session's root span to it when the Inform carries
 * `6 CONNECTION REQUEST`.
 */
export interface WakeupTraceStore {
  put(deviceId: string, field: TraceContextField): Promise<void>;
  get(deviceId: string): Promise<TraceContextField | undefined>;
}

/** How long a wake-up's context is kept: the CPE has about 30 s to call back (TR-069 3.2.2). */
export const WAKEUP_TRACE_TTL_MS = 60_000;
const KEY = 'wakeup-trace:';

/**
 * A WakeupTraceStore on the session registry's records (Redis in production: the gateway pods
 * and the connection-request pods share it; in-process in the all-in-one app). Keys cannot
 * collide with session records (session ids are base64url, without `:`).
 */
export class RegistryWakeupTraceStore implements WakeupTraceStore {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly ttlMs = WAKEUP_TRACE_TTL_MS,
  ) {}

  put(deviceId: string, field: TraceContextField): Promise<void> {
    return this.registry.putRecord(KEY + deviceId, JSON.stringify(field), this.ttlMs);
  }

  async get(deviceId: string): Promise<TraceContextField | undefined> {
    const raw = await this.registry.getRecord(KEY + deviceId);
    if (raw === null) return undefined;
    try {
      const f = JSON.parse(raw) as Partial<TraceContextField>;
      if (typeof f.traceparent !== 'string') return undefined;
      return typeof f.tracestate === 'string'
        ? { traceparent: f.traceparent, tracestate: f.tracestate }
        : { traceparent: f.traceparent };
    } catch {
      return undefined;
    }
  }
}

/**
 * An EventBus that, for every message delivered on `topic` (the wake-up commands), keeps the
 * active trace context under the message key (the device id) in `store`. Put it outside the
 * TracedEventBus, so its handler runs inside the CONSUMER span that continues the caller's trace.
 * A failing store only loses the link: the wake-up is handled regardless.
 */
export class WakeupTraceRecordingBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly store: WakeupTraceStore,
    private readonly topic: string,
  ) {}

  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.inner.publish(topic, messages);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (!options.topics.includes(this.topic)) return this.inner.subscribe(options);
    const handler = options.handler;
    return this.inner.subscribe({
      ...options,
      handler: async (m) => {
        const field = m.topic === this.topic ? traceContextField() : undefined;
        if (field !== undefined) await this.store.put(m.key, field).catch(() => undefined);
        return handler(m);
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
