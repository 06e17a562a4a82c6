import {
  INVALID_SPANID,
  INVALID_TRACEID,
  context,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { ATTR, redactAttributes, redactText } from './span.attributes';
import { telemetryGeneration, tracingActive } from './telemetry.state';
import { isValidSpanContext } from './trace.span-context';
import { extractFromTraceContext, type TraceContextField } from './trace.propagation';

export { SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span };

/** Instrumentation scope of every span and instrument the ACS creates. */
export const INSTRUMENTATION_SCOPE = 'acs';

export interface StartSpanOptions {
  /** SERVER for an incoming CWMP/gRPC request, CLIENT for an outgoing call, PRODUCER/CONSUMER on the bus. */
  readonly kind?: SpanKind;
  /**
   * Redacted before export by RedactingSpanProcessor (see redactAttributes). A function is called
   * only for a recording span: hot paths pass one so an unsampled span builds no attribute object.
   */
  readonly attributes?: Attributes | (() => Attributes);
  readonly links?: readonly Link[];
  /** Parent context; default the active one. Use extractFrom* to continue a remote trace. */
  readonly parent?: Context;
  /** Start a new trace even if the parent context holds a span. */
  readonly root?: boolean;
}

// The SDK's tracer, cached while one SDK runs (the lookup builds a key string and a map lookup per
// span). Not cached otherwise: a ProxyTracer handed out before an SDK starts stays bound to the
// first SDK it sees, and tests (or the all-in-one app) start and stop telemetry in one process.
let cachedTracer: Tracer | undefined;
let cachedFor = -1;
function tracer(): Tracer {
  if (!tracingActive()) return trace.getTracer(INSTRUMENTATION_SCOPE);
  const generation = telemetryGeneration();
  if (cachedTracer === undefined || cachedFor !== generation) {
    cachedTracer = trace.getTracer(INSTRUMENTATION_SCOPE);
    cachedFor = generation;
  }
  return cachedTracer;
}

/**
 * The parent's span context when it is valid and not sampled. Our sampler is parent-based
 * (telemetry.sdk.ts), so a child of such a parent would be a non-recording span anyway: the
 * helpers then skip the SDK (sampler, id generation, span object) and hand out a non-recording
 * span carrying the parent's context, which still propagates the trace id downstream.
 */
function unsampledParent(parent: Context): SpanContext | undefined {
  const sc = trace.getSpanContext(parent);
  if (sc === undefined || (sc.traceFlags & TraceFlags.SAMPLED) !== 0) return undefined;
  // Span contexts reach a context only from the SDK or the W3C propagator, which both validate
  // the hex ids; what is left to rule out is the API's all-zero "no span" context, and comparing
  // with it is much cheaper than isSpanContextValid's regexes (profiled: ~1 % of (b') CPU).
  return sc.traceId === INVALID_TRACEID || sc.spanId === INVALID_SPANID ? undefined : sc;
}

/**
 * Starts a span (not made active; end it yourself). Attributes are set after the sampling decision
 * and only on recording spans: an unsampled span (OTEL_TRACES_SAMPLER_RATIO < 1) skips redaction
 * and attribute copying. Samplers therefore see no attributes; ours (parent-based ratio) use none.
 */
export function startSpan(name: string, options: StartSpanOptions = {}): Span {
  return startIn(name, options, options.parent ?? context.active());
}

function startIn(name: string, options: StartSpanOptions, parent: Context): Span {
  if (options.root !== true) {
    const unsampled = unsampledParent(parent);
    if (unsampled !== undefined) return trace.wrapSpanContext(unsampled);
  }
  const span = tracer().startSpan(
    name,
    {
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.links === undefined ? {} : { links: [...options.links] }),
      ...(options.root === true ? { root: true } : {}),
    },
    parent,
  );
  const attributes = options.attributes;
  // Not redacted here: RedactingSpanProcessor scrubs every attribute of every span before any
  // exporter sees it, and doing it twice per span was measurable (docs/benchmarks.md).
  if (attributes !== undefined && span.isRecording())
    span.setAttributes(typeof attributes === 'function' ? attributes() : attributes);
  return span;
}

/**
 * Runs `fn` inside a new active span: spans started within it (and trace headers injected within
 * it) are its children. A throw marks the span ERROR with `error.type` and rethrows. The span
 * ends when `fn` settles.
 */
export async function withSpan<T>(
  name: string,
  options: StartSpanOptions,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = startIn(name, options, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, fn, undefined, span);
  } catch (e) {
    recordError(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** Sets attributes on a span after redaction. */
export function setSpanAttributes(span: Span, attributes: Attributes): void {
  span.setAttributes(redactAttributes(attributes));
}

/** Marks the span failed: status ERROR, `error.type` (the error's code or class name), exception event. */
export function recordError(span: Span, error: unknown, errorType?: string): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: unknown }).code;
  const type = errorType ?? (typeof code === 'string' ? code : err.name);
  span.setAttribute(ATTR.errorType, type);
  const message = redactText(err.message);
  span.recordException({ name: err.name, message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** A CWMP fault (TR-069 A.5.1) on the span: fault code and string, status ERROR. */
export function recordCwmpFault(
  span: Span,
  faultCode: number | string,
  faultString?: string,
): void {
  const code = String(faultCode);
  span.setAttributes(
    redactAttributes({
      [ATTR.faultCode]: code,
      [ATTR.errorType]: code,
      ...(faultString === undefined ? {} : { [ATTR.faultString]: faultString }),
    }),
  );
  span.setStatus({ code: SpanStatusCode.ERROR, message: `CWMP fault ${code}` });
}

/**
 * A span link to the span whose context was carried in `field` — how a CWMP session started by a
 * connection request points at the API call that woke the device (different traces: the CPE
 * opens a new HTTP connection without trace headers, TR-069 3.2.2). Empty when `field` is
 * missing or invalid, so callers can pass it straight into `links`.
 */
export function linksTo(field: TraceContextField | undefined, reason: string): Link[] {
  if (field === undefined) return [];
  const spanContext = trace.getSpanContext(extractFromTraceContext(field, context.active()));
  if (spanContext === undefined || !isValidSpanContext(spanContext)) return [];
  return [{ context: spanContext, attributes: { [ATTR.linkReason]: reason } }];
}

/** Trace and span id of the active span, when one is recording or was propagated. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const sc = trace.getSpanContext(context.active());
  if (sc === undefined || !isValidSpanContext(sc)) return undefined;
  return { traceId: sc.traceId, spanId: sc.spanId };
}
