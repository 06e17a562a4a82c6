import {
  context as contextApi,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  TraceFlags,
  trace,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { isTracingSuppressed, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { SamplingDecision, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { CheckedSpanContext, isValidSpanContext } from './trace.span-context';
import { newSpanId, newTraceId } from './tracer.ids';
import { AcsSpan, cleanLink, SPAN_LIMITS } from './tracer.span';

// The tracer provider initTelemetry registers (telemetry.sdk.ts). It makes the decisions the
// SDK's Tracer makes (sdk-trace 3.1, Tracer.ts) with a parent-based sampler — a valid parent's
// sampled flag decides, a root span asks `rootSampler` — and feeds the same SpanProcessor chain,
// at a fraction of the SDK's cost per span (docs/benchmarks.md "Telemetry cost"). Span
// attributes given at start are not shown to the sampler: the ACS's samplers (always on, trace-id
// ratio) read none. Parent contexts are checked with the API's isSpanContextValid unless they are
// a CheckedSpanContext (this provider's own spans, the traceparent fast path).

export interface AcsTracerProviderOptions {
  readonly resource: Resource;
  /** Decides root spans (no valid parent): AlwaysOnSampler or TraceIdRatioBasedSampler. */
  readonly rootSampler: Sampler;
  /** In order; a `RedactingSpanProcessor` first, so exporters see redacted spans. */
  readonly processors: readonly SpanProcessor[];
  /**
   * false: no span is recorded — each is a non-recording span with its own ids and the sampling
   * decision in its flags, so trace context propagates exactly as when recording (for a process
   * with nowhere to send spans). Default true.
   */
  readonly record?: boolean;
}

class AcsTracer implements Tracer {
  constructor(
    private readonly scope: InstrumentationScope,
    private readonly options: AcsTracerProviderOptions,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span {
    if (isTracingSuppressed(ctx)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    // A root span ignores the parent; the context is not copied without it, since neither the
    // root samplers nor the processors read it.
    let parent: SpanContext | undefined =
      options.root === true ? undefined : trace.getSpanContext(ctx);
    if (parent !== undefined && !isValidSpanContext(parent)) parent = undefined;
    const spanId = newSpanId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    let sampled: boolean;
    // A sampler may record without sampling (RECORD): a recording span that exporters skip.
    let recording: boolean;
    let traceId: string;
    let traceState = parent?.traceState;
    if (parent !== undefined) {
      traceId = parent.traceId;
      sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
      recording = sampled;
    } else {
      traceId = newTraceId();
      const result = this.options.rootSampler.shouldSample(ctx, traceId, name, kind, {}, []);
      sampled = result.decision === SamplingDecision.RECORD_AND_SAMPLED;
      recording = result.decision !== SamplingDecision.NOT_RECORD;
      traceState = result.traceState ?? traceState;
    }
    const spanContext = new CheckedSpanContext(
      traceId,
      spanId,
      sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState,
      undefined,
    );
    if (!recording || this.options.record === false) return trace.wrapSpanContext(spanContext);
    let links: SpanOptions['links'] = options.links;
    let droppedLinksCount = 0;
    if (links !== undefined && links.length > SPAN_LIMITS.linkCountLimit) {
      droppedLinksCount = links.length - SPAN_LIMITS.linkCountLimit;
      links = links.slice(droppedLinksCount);
    }
    const span = new AcsSpan({
      name,
      kind,
      spanContext,
      parentSpanContext: parent,
      links: links === undefined || links.length === 0 ? [] : links.map(cleanLink),
      droppedLinksCount,
      startTime: options.startTime,
      resource: this.options.resource,
      scope: this.scope,
      processors: this.options.processors,
      parentContext: ctx,
    });
    if (options.attributes !== undefined) span.setAttributes(options.attributes);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> | undefined {
    let options: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F | undefined;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a;
      fn = b;
    } else {
      options = a;
      ctx = b;
      fn = c;
    }
    if (fn === undefined) return undefined;
    const parentContext = ctx ?? contextApi.active();
    const span = this.startSpan(name, options, parentContext);
    return contextApi.with(
      trace.setSpan(parentContext, span),
      fn as (span: Span) => ReturnType<F>,
      undefined,
      span,
    );
  }
}

export class AcsTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, AcsTracer>();

  constructor(private readonly options: AcsTracerProviderOptions) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new AcsTracer(
        {
          name,
          ...(version === undefined ? {} : { version }),
          ...(options?.schemaUrl === undefined ? {} : { schemaUrl: options.schemaUrl }),
        },
        this.options,
      );
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.options.processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.options.processors.map((p) => p.shutdown()));
  }
}
