import { performance } from 'node:perf_hooks';
import { context, trace as otelTrace, type Context, type SpanContext } from '@opentelemetry/api';
import type {
  DeliveredMessage,
  EventBus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from '@acs/bus';
import { errorType } from './error-type';
import type { AcsMetrics, MessagingSystem } from './metrics.registry';
import { ATTR } from './span.attributes';
import { SpanKind, withSpan } from './span.helpers';
import { extractFromHeaders, traceHeaders } from './trace.propagation';
import { CheckedSpanContext } from './trace.span-context';

/** Monotonic seconds; injectable so tests do not depend on real time. */
export type SecondsClock = () => number;
export const monotonicSeconds: SecondsClock = () => performance.now() / 1000;

export interface TracedEventBusOptions {
  /**
   * false: `publish` starts no PRODUCER span and writes the active context into the headers
   * (the consumer's parent is then the caller's span). The gateway's hot path publishes three
   * events per session inside its request spans; their PRODUCER spans are most of its tracing
   * cost and add nothing the request span and the publish histogram do not show
   * (docs/benchmarks.md, "Telemetry cost"). Default true.
   */
  readonly producerSpans?: boolean;
}

// traceparent = version "-" trace-id (32 hex) "-" parent-id "-" flags (W3C Trace Context 3.2).
const traceIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent?.slice(3, 35);

/**
 * The headers of a published message: the caller's win, except a `traceparent` of the same trace
 * as the PRODUCER span (a caller passing the active context on), which the more precise producer
 * context replaces. A message relayed from another trace (a dead letter) keeps its own.
 */
function mergeTraceHeaders(
  trace: Record<string, string>,
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  if (headers === undefined) return trace;
  const own = trace['traceparent'];
  // The common case: the caller wrote this very traceparent (the session's, the active span's).
  if (own !== undefined && headers['traceparent'] === own && trace['tracestate'] === undefined)
    return headers;
  if (own !== undefined && traceIdOf(headers['traceparent']) === traceIdOf(own)) {
    return { ...headers, ...trace };
  }
  return { ...trace, ...headers };
}

/**
 * An EventBus that traces and measures the one it wraps (messaging semconv):
 * - `publish`: a PRODUCER span `publish <topic>` around the broker ack; every message carries the
 *   span's `traceparent`/`tracestate` headers (headers the caller set are kept and win, except a
 *   traceparent of the producer span's own trace, which the producer context refines);
 *   `messaging.client.operation.duration` {operation publish, topic, error.type on failure}.
 * - `subscribe`: each delivery runs its handler inside a CONSUMER span `process <topic>`, child
 *   of the producer's span from the message headers (so one CWMP session stays one trace), with
 *   `acs.device.id` = the message key; `messaging.process.duration` {topic, group, error.type}.
 *   A throwing handler marks the span ERROR and rethrows, so retries and dead-lettering work as
 *   before.
 */
type PublishAttributes = NonNullable<Parameters<AcsMetrics['busPublishDuration']['record']>[1]>;
type ProcessAttributes = NonNullable<Parameters<AcsMetrics['busProcessDuration']['record']>[1]>;

// Metric labels are recorded per message; topics and groups are a small fixed set, so the success
// labels are built once per topic (bounded, in case a caller names topics dynamically).
const MAX_CACHED_TOPICS = 256;
function cached<A>(cache: Map<string, A>, topic: string, build: () => A): A {
  let attributes = cache.get(topic);
  if (attributes === undefined) {
    attributes = Object.freeze(build());
    if (cache.size < MAX_CACHED_TOPICS) cache.set(topic, attributes);
  }
  return attributes;
}

/** `sc` as extraction from its headers would give it (remote); only for a context traceHeaders wrote. */
function remoteCopy(sc: SpanContext | undefined): SpanContext | undefined {
  if (sc === undefined) return undefined;
  return new CheckedSpanContext(sc.traceId, sc.spanId, sc.traceFlags, sc.traceState, true);
}

function isSpanContext(v: unknown): v is SpanContext {
  const sc = v as Partial<SpanContext> | null;
  return (
    typeof sc === 'object' &&
    sc !== null &&
    typeof sc.traceId === 'string' &&
    typeof sc.spanId === 'string' &&
    typeof sc.traceFlags === 'number'
  );
}

/** The consumer span's parent: the in-process bus's span context, else the trace headers. */
function parentOf(message: DeliveredMessage): Context {
  const local = message.localContext;
  return isSpanContext(local)
    ? otelTrace.setSpanContext(context.active(), local)
    : extractFromHeaders(message.headers);
}

export class TracedEventBus implements EventBus {
  private readonly publishAttributes = new Map<string, PublishAttributes>();

  constructor(
    private readonly inner: EventBus,
    private readonly metrics: AcsMetrics,
    private readonly system: MessagingSystem,
    private readonly clock: SecondsClock = monotonicSeconds,
    private readonly options: TracedEventBusOptions = {},
  ) {}

  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const started = this.clock();
    let failure: string | undefined;
    try {
      if (this.options.producerSpans === false) {
        // No span of its own: the active span's context goes into the headers, so the consumer
        // becomes that span's child (the gateway's request span). Latency stays in the metric.
        await this.inner.publish(topic, this.withTrace(messages));
        return;
      }
      await withSpan(
        `publish ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: () => ({
            [ATTR.messagingSystem]: this.system,
            [ATTR.messagingDestination]: topic,
            [ATTR.messagingOperationName]: 'publish',
            [ATTR.messagingOperationType]: 'send',
            'messaging.batch.message_count': messages.length,
          }),
        },
        () => this.inner.publish(topic, this.withTrace(messages)),
      );
    } catch (e) {
      failure = errorType(e);
      throw e;
    } finally {
      const base = cached(this.publishAttributes, topic, () => ({
        'messaging.system': this.system,
        'messaging.operation.name': 'publish' as const,
        'messaging.destination.name': topic,
      }));
      this.metrics.busPublishDuration.record(
        this.clock() - started,
        failure === undefined ? base : { ...base, 'error.type': failure },
      );
    }
  }

  /**
   * The messages with the active context's trace headers. On the in-process bus each also
   * carries that span context as `localContext` (when its traceparent is the one written), so
   * the consumer skips parsing it back: the same remote span context extraction would give.
   */
  private withTrace(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
    const active = context.active();
    const trace = traceHeaders(active);
    const traceparent = trace['traceparent'];
    const local =
      this.system === 'in_process' && traceparent !== undefined
        ? remoteCopy(otelTrace.getSpanContext(active))
        : undefined;
    return messages.map((m) => {
      const headers = mergeTraceHeaders(trace, m.headers);
      return local !== undefined && headers['traceparent'] === traceparent
        ? { ...m, headers, localContext: local }
        : { ...m, headers };
    });
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const handler = options.handler;
    const processAttributes = new Map<string, ProcessAttributes>();
    return this.inner.subscribe({
      ...options,
      handler: (message: DeliveredMessage) =>
        this.process(options.groupId, message, handler, processAttributes),
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async process(
    groupId: string,
    message: DeliveredMessage,
    handler: SubscribeOptions['handler'],
    metricAttributes: Map<string, ProcessAttributes>,
  ): Promise<void> {
    const started = this.clock();
    let failure: string | undefined;
    try {
      // withSpan marks the span ERROR (error.type = the error's code) when the handler throws.
      await withSpan(
        `process ${message.topic}`,
        {
          kind: SpanKind.CONSUMER,
          parent: parentOf(message),
          attributes: () => ({
            [ATTR.messagingSystem]: this.system,
            [ATTR.messagingDestination]: message.topic,
            [ATTR.messagingOperationName]: 'process',
            [ATTR.messagingOperationType]: 'process',
            [ATTR.messagingConsumerGroup]: groupId,
            'messaging.destination.partition.id': String(message.partition),
            'messaging.kafka.offset': message.offset,
            [ATTR.messagingKafkaKey]: message.key,
            [ATTR.deviceId]: message.key,
            'acs.bus.attempt': message.attempt,
          }),
        },
        () => handler(message),
      );
    } catch (e) {
      failure = errorType(e);
      throw e;
    } finally {
      const base = cached(metricAttributes, message.topic, () => ({
        'messaging.system': this.system,
        'messaging.destination.name': message.topic,
        'messaging.consumer.group.name': groupId,
      }));
      this.metrics.busProcessDuration.record(
        this.clock() - started,
        failure === undefined ? base : { ...base, 'error.type': failure },
      );
    }
  }
}
