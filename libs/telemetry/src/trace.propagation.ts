import {
  context,
  propagation,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { tracingActive } from './telemetry.state';
import { CheckedSpanContext, isValidSpanContext } from './trace.span-context';

// W3C Trace Context (https://www.w3.org/TR/trace-context/) through every hop of a CWMP session:
// HTTP headers (CPE requests, connection requests), Kafka message headers (@acs/bus headers are
// Record<string,string>), Redis inbox entries and gRPC metadata. All helpers go through the
// global propagator that initTelemetry installs; with telemetry off it is the API's no-op one, so
// inject writes nothing and extract returns the context it was given.

/** HTTP request headers (node:http IncomingHttpHeaders) or bus message headers. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The trace field of an inbox entry (structurally the same as @acs/events TraceContext). */
export interface TraceContextField {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** What the helpers need of @grpc/grpc-js Metadata (kept structural: no runtime gRPC import). */
export interface GrpcMetadataLike {
  get(key: string): (string | Buffer)[];
  set(key: string, value: string): void;
}

// Header names are case-insensitive in HTTP; Kafka header names are not, but producers may
// capitalise them. Exact match first (the common case), then a scan.
const headerGetter: TextMapGetter<HeaderSource> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const exact = carrier[key];
    if (exact !== undefined) return exact as string | string[];
    for (const k of Object.keys(carrier)) {
      if (k.toLowerCase() === key) return carrier[k] as string | string[] | undefined;
    }
    return undefined;
  },
};

const grpcGetter: TextMapGetter<GrpcMetadataLike> = {
  keys: () => [],
  get(carrier, key) {
    const values = carrier.get(key).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/** Writes traceparent (and tracestate) of `ctx` into `carrier`; returns the carrier. */
export function injectIntoHeaders<C extends Record<string, string>>(
  carrier: C,
  ctx: Context = context.active(),
): C {
  if (!tracingActive()) return carrier; // the API's no-op propagator: nothing to write
  // What the W3C propagator initTelemetry installs would write, without the propagation API's
  // indirections (profiled: inject + extract were ~4 % of the all-in-one gateway's CPU with
  // tracing on; every bus message and inbox entry pays one of each). Same output:
  // trace.propagation.fast-path.spec.ts.
  const sc = trace.getSpanContext(ctx);
  if (sc === undefined || isTracingSuppressed(ctx)) return carrier;
  if (!isValidSpanContext(sc)) return carrier;
  (carrier as Record<string, string>)['traceparent'] =
    `00-${sc.traceId}-${sc.spanId}-0${Number(sc.traceFlags || 0).toString(16)}`;
  if (sc.traceState !== undefined)
    (carrier as Record<string, string>)['tracestate'] = sc.traceState.serialize();
  return carrier;
}

/** A new header object holding only the trace context of `ctx` (empty when there is none). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  return injectIntoHeaders({}, ctx);
}

/**
 * The context carried by `headers`, on top of `ctx`. A missing or malformed traceparent leaves
 * `ctx` unchanged, so a span started in it becomes a new root rather than failing.
 */
export function extractFromHeaders(
  headers: HeaderSource,
  ctx: Context = context.active(),
): Context {
  if (!tracingActive()) return ctx;
  // The common case — exactly one lower-case version-00 traceparent, no tracestate — parsed here;
  // anything else (other versions, whitespace, arrays, tracestate, odd case) goes to the W3C
  // propagator, which also decides what is invalid.
  const traceparent = headers['traceparent'];
  if (typeof traceparent === 'string' && !hasTracestate(headers)) {
    const sc = parseVersion00(traceparent);
    if (sc !== undefined) return trace.setSpanContext(ctx, sc);
  }
  return propagation.extract(ctx, headers, headerGetter);
}

/** A `tracestate` header in any letter case (the propagator's getter matches case-insensitively). */
function hasTracestate(headers: HeaderSource): boolean {
  if (headers['tracestate'] !== undefined) return true;
  for (const k in headers) {
    if (k.length === 10 && k !== 'tracestate' && k.toLowerCase() === 'tracestate') return true;
  }
  return false;
}

// '0'-'9' → 0-9, 'a'-'f' → 10-15, else -1 (upper case is not valid in traceparent, W3C 3.2.2).
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = 10 + i;

/** True when s[from, to) is lower-case hex and not all zeros (W3C: all-zero ids are invalid). */
function nonZeroHex(s: string, from: number, to: number): boolean {
  let nonZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? (HEX_VALUE[c] as number) : -1;
    if (v < 0) return false;
    if (v !== 0) nonZero = true;
  }
  return nonZero;
}

/**
 * `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>` exactly (W3C Trace Context 3.2), as a
 * remote span context; undefined for anything else (left to the propagator).
 */
function parseVersion00(v: string): SpanContext | undefined {
  if (v.length !== 55 || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 48) return undefined;
  if (v.charCodeAt(2) !== 45 || v.charCodeAt(35) !== 45 || v.charCodeAt(52) !== 45)
    return undefined;
  if (!nonZeroHex(v, 3, 35) || !nonZeroHex(v, 36, 52)) return undefined;
  const hi = v.charCodeAt(53);
  const lo = v.charCodeAt(54);
  const h = hi < 128 ? (HEX_VALUE[hi] as number) : -1;
  const l = lo < 128 ? (HEX_VALUE[lo] as number) : -1;
  if (h < 0 || l < 0) return undefined;
  return new CheckedSpanContext(v.slice(3, 35), v.slice(36, 52), h * 16 + l, undefined, true);
}

/** The `trace` field for an inbox entry written in `ctx`, or undefined when not tracing. */
export function traceContextField(ctx: Context = context.active()): TraceContextField | undefined {
  const h = traceHeaders(ctx);
  const traceparent = h['traceparent'];
  if (traceparent === undefined) return undefined;
  const tracestate = h['tracestate'];
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** The context carried by an inbox entry's `trace` field (unchanged `ctx` when absent/invalid). */
export function extractFromTraceContext(
  field: TraceContextField | undefined,
  ctx: Context = context.active(),
): Context {
  if (field === undefined) return ctx;
  if (field.tracestate === undefined && tracingActive()) {
    const sc = parseVersion00(field.traceparent);
    if (sc !== undefined) return trace.setSpanContext(ctx, sc);
  }
  const headers: Record<string, string> = { traceparent: field.traceparent };
  if (field.tracestate !== undefined) headers['tracestate'] = field.tracestate;
  return extractFromHeaders(headers, ctx);
}

/** Writes the trace context of `ctx` into gRPC metadata (client side of the NBI). */
export function injectIntoGrpcMetadata<M extends GrpcMetadataLike>(
  metadata: M,
  ctx: Context = context.active(),
): M {
  const h = traceHeaders(ctx);
  for (const key of Object.keys(h)) {
    const value = h[key];
    if (value !== undefined) metadata.set(key, value);
  }
  return metadata;
}

/** The context carried by incoming gRPC metadata (server side of the NBI). */
export function extractFromGrpcMetadata(
  metadata: GrpcMetadataLike,
  ctx: Context = context.active(),
): Context {
  return propagation.extract(ctx, metadata, grpcGetter);
}
