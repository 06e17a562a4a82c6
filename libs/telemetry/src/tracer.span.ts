import { performance } from 'node:perf_hooks';
import {
  diag,
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import {
  AddAttributeDecision,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTimeDuration,
  isTimeInput,
  maybeAddAttribute,
  millisToHrTime,
  timeInputToHrTime,
  type InstrumentationScope,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type {
  ReadableSpan,
  SpanProcessor,
  TimedEvent,
} from '@opentelemetry/sdk-trace';

// The span AcsTracer hands out: the OTel API Span and the SDK's ReadableSpan in one object, so
// the SDK's span processors and exporters (batching, OTLP, the in-memory exporter of the tests)
// take it as they take the SDK's own. It behaves as the SDK's SpanImpl (sdk-trace 3.1, Span.ts):
// the same attribute, event and link rules and limits, status rules, exception events and
// warnings through diag; tracer.provider.spec.ts runs the same calls through both and compares
// what is exported. It does less per call: a plain string/number/boolean attribute is stored
// without the SDK's generic validation, start and end read one monotonic clock, and nothing is
// checked twice. Why: docs/benchmarks.md "Telemetry cost".

/** The SDK's default span limits (OTel spec defaults; the ACS sets no OTEL_*_LIMIT variables). */
export const SPAN_LIMITS = {
  attributeCountLimit: 128,
  attributeValueLengthLimit: Infinity,
  linkCountLimit: 128,
  eventCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
} as const;

const EVENT_LIMITS = {
  attributeCountLimit: SPAN_LIMITS.attributePerEventCountLimit,
  attributeValueLengthLimit: SPAN_LIMITS.attributeValueLengthLimit,
};
const LINK_LIMITS = {
  attributeCountLimit: SPAN_LIMITS.attributePerLinkCountLimit,
  attributeValueLengthLimit: SPAN_LIMITS.attributeValueLengthLimit,
};

// Wall clock of a performance.now() reading: re-read from Date.now() at most once a second, so
// span times follow the system clock (NTP) as the SDK's do, without a Date.now() per span.
let clockOffset = Date.now() - performance.now();
let clockReadAt = performance.now();
function epochMillis(now: number): number {
  if (now - clockReadAt > 1_000) {
    clockOffset = Date.now() - now;
    clockReadAt = now;
  }
  return now + clockOffset;
}

/** Cleans link attributes as the SDK's tracer does (copies, limits, drops invalid values). */
export function cleanLink(link: Link): Link {
  return { context: link.context, ...cleanAttributes(link.attributes, LINK_LIMITS) };
}

export interface AcsSpanInit {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly links: Link[];
  readonly droppedLinksCount: number;
  readonly startTime: TimeInput | undefined;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly processors: readonly SpanProcessor[];
  readonly parentContext: Context;
}

export class AcsSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes = {};
  readonly links: Link[];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount: number;
  duration: HrTime = [-1, -1];
  ended = false;

  private readonly ctx: SpanContext;
  private readonly processors: readonly SpanProcessor[];
  private attributeCount = 0;
  /** performance.now() at start, when the start time was not given. */
  private readonly startedAt: number | undefined;

  constructor(init: AcsSpanInit) {
    this.name = init.name;
    this.kind = init.kind;
    this.ctx = init.spanContext;
    this.parentSpanContext = init.parentSpanContext;
    this.links = init.links;
    this.droppedLinksCount = init.droppedLinksCount;
    this.resource = init.resource;
    this.instrumentationScope = init.scope;
    this.processors = init.processors;
    if (init.startTime === undefined) {
      const now = performance.now();
      this.startedAt = now;
      this.startTime = millisToHrTime(epochMillis(now));
    } else {
      this.startedAt = undefined;
      this.startTime = timeInputToHrTime(init.startTime);
    }
    for (const p of this.processors) p.onStart(this, init.parentContext);
  }

  spanContext(): SpanContext {
    return this.ctx;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.endedWarn()) return this;
    const t = typeof value;
    // The common case, a primitive under a non-empty key: what maybeAddAttribute would store.
    if ((t === 'string' || t === 'number' || t === 'boolean') && key.length > 0) {
      if (Object.hasOwn(this.attributes, key)) {
        this.attributes[key] = value;
        return this;
      }
      if (this.attributeCount < SPAN_LIMITS.attributeCountLimit) {
        this.attributes[key] = value;
        this.attributeCount++;
        return this;
      }
    }
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: SPAN_LIMITS,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) {
      this.droppedAttributesCount++;
      if (this.droppedAttributesCount === 1) diag.warn('Dropping extra attributes.');
    } else if (decision === AddAttributeDecision.ADD_NEW) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key))
        this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(
    name: string,
    attributesOrStartTime?: Attributes | TimeInput,
    timeStamp?: TimeInput,
  ): this {
    if (this.endedWarn()) return this;
    if (this.events.length >= SPAN_LIMITS.eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes = attributesOrStartTime;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(timeStamp)) timeStamp = attributesOrStartTime;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: this.timeOf(timeStamp),
      ...cleanSimpleAttributes(attributes, EVENT_LIMITS),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.endedWarn()) return this;
    if (this.links.length >= SPAN_LIMITS.linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push(cleanLink(link));
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endedWarn()) return this;
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const next: { code: SpanStatusCode; message?: string } = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message !== undefined && status.message !== null)
        diag.warn(
          `Dropping invalid status.message of type '${typeof status.message}', expected 'string'`,
        );
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.endedWarn()) return this;
    this.name = name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined)
      this.addEvent('exception', attributes, time);
    else diag.warn('Failed to record an exception', exception);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(
        `${this.name} ${this.ctx.traceId}-${this.ctx.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    this.endTime = this.timeOf(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      diag.warn('Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.');
      this.endTime = [this.startTime[0], this.startTime[1]];
      this.duration = [0, 0];
    }
    if (this.droppedEventsCount > 0)
      diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0)
      diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    const processors = this.processors;
    for (const p of processors) p.onEnding?.(this);
    this.ended = true;
    for (const p of processors) p.onEnd(this);
  }

  /** A given time as is; else now: start + monotonic elapsed when the start was ours. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (input !== undefined) return timeInputToHrTime(input);
    if (this.startedAt === undefined) return millisToHrTime(Date.now());
    const elapsed = performance.now() - this.startedAt;
    const [s, ns] = this.startTime;
    const total = ns + Math.round(elapsed * 1e6);
    return [s + Math.floor(total / 1e9), total % 1e9];
  }

  private endedWarn(): boolean {
    if (this.ended)
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${this.ctx.traceId}, spanId: ${this.ctx.spanId}}`,
      );
    return this.ended;
  }
}
