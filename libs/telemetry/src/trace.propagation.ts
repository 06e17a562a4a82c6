import { context, propagation, type Context, type TextMapGetter } from '@opentelemetry/api';

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

const setter = {
  set(carrier: Record<string, string>, key: string, value: string): void {
    carrier[key] = value;
  },
};

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
  propagation.inject(ctx, carrier, setter);
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
  return propagation.extract(ctx, headers, headerGetter);
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
