import type { Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { I32, I64, LEN, ProtobufWriter, VARINT, tag } from './otlp.protobuf-writer';

// ReadableSpan[] → opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, written
// straight into one buffer sized from the previous batch (otlp.protobuf-writer.ts): no
// intermediate OTLP objects, ids copied from their hex strings as bytes, strings written in
// place. It writes the same fields in the same order as the SDK's ProtobufTraceSerializer
// (@opentelemetry/otlp-transformer 0.301: trace-serializer.ts, common-serializer.ts), so its
// output is byte-identical (otlp.span-encoder.spec.ts), in one pass where the SDK makes a sizing
// pass and a writing pass, allocates each id and re-copies each span to fix its length prefix.
// Field numbers: opentelemetry-proto trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto.

// Length-prefix bytes reserved per message kind: a span is 128 B – 16 KiB, a resource/scope
// group of a 2,048-span batch is below 2 MiB; attributes, events, links and statuses are small.
const RESERVE_SMALL = 1;
const RESERVE_SPAN = 2;
const RESERVE_GROUP = 3;

// trace.proto SpanFlags: bit 8 says whether bit 9 (parent or link context is remote) is known.
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 0x200;

// AnyValue.int_value is an int64: integers outside it become a double_value, as the SDK decides.
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** A KeyValue of an ASCII key and string value this long in total is under 128 bytes. */
const SHORT_KV = 121;
const MIN_CAPACITY = 4096;

/** Optional InstrumentationScope fields the SDK's serializer also writes (newer tracers set them). */
interface ScopeExtras {
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount?: number;
}

/** repeated KeyValue: own enumerable keys in insertion order, as the SDK's `for…in`. */
function writeAttributes(w: ProtobufWriter, tagByte: number, attributes: object): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    writeKeyValue(w, tagByte, key, (attributes as Record<string, unknown>)[key]);
  }
}

/** KeyValue: 1 key, 2 value (AnyValue). */
function writeKeyValue(w: ProtobufWriter, tagByte: number, key: string, value: unknown): void {
  if (
    typeof value === 'string' &&
    key.length + value.length <= SHORT_KV &&
    w.asciiKv(tagByte, key, value)
  )
    return;
  const kv = w.begin(tagByte, RESERVE_SMALL);
  w.string(tag(1, LEN), key);
  const any = w.begin(tag(2, LEN), RESERVE_SMALL);
  writeAnyValue(w, value);
  w.end(any, RESERVE_SMALL);
  w.end(kv, RESERVE_SMALL);
}

/**
 * AnyValue, deciding as the SDK's writeAnyValue does: integers in int64 range → int_value, other
 * numbers → double_value, Uint8Array → bytes_value, arrays → array_value, other objects →
 * kvlist_value. A value of no other type (undefined, null, bigint, function) leaves the AnyValue
 * empty rather than failing the export. AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array
 * (ArrayValue 1 values), 6 kvlist (KeyValueList 1 values), 7 bytes.
 */
function writeAnyValue(w: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.string(tag(1, LEN), value);
      return;
    case 'boolean':
      w.uint(tag(2, VARINT), value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64)
        w.int64(tag(3, VARINT), value);
      else w.double(tag(4, I64), value);
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.bytes(tag(7, LEN), value);
      } else if (Array.isArray(value)) {
        const list = w.begin(tag(5, LEN), RESERVE_SMALL);
        for (const item of value as unknown[]) {
          const entry = w.begin(tag(1, LEN), RESERVE_SMALL);
          writeAnyValue(w, item);
          w.end(entry, RESERVE_SMALL);
        }
        w.end(list, RESERVE_SMALL);
      } else {
        const kvlist = w.begin(tag(6, LEN), RESERVE_SMALL);
        writeAttributes(w, tag(1, LEN), value);
        w.end(kvlist, RESERVE_SMALL);
      }
      return;
    default:
      return;
  }
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (
    (traceFlags & 0xff) |
    SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK |
    (isRemote === true ? SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK : 0)
  );
}

/** Span.Event: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count. */
function writeEvent(w: ProtobufWriter, event: TimedEvent): void {
  const at = w.begin(tag(11, LEN), RESERVE_SMALL);
  w.time(tag(1, I64), event.time);
  w.string(tag(2, LEN), event.name);
  if (event.attributes) writeAttributes(w, tag(3, LEN), event.attributes);
  w.uint(tag(4, VARINT), event.droppedAttributesCount || 0);
  w.end(at, RESERVE_SMALL);
}

/** Span.Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped count, 6 flags. */
function writeLink(w: ProtobufWriter, link: Link): void {
  const at = w.begin(tag(13, LEN), RESERVE_SMALL);
  const ctx = link.context;
  w.hexId(tag(1, LEN), ctx.traceId);
  w.hexId(tag(2, LEN), ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) w.string(tag(3, LEN), traceState);
  if (link.attributes) writeAttributes(w, tag(4, LEN), link.attributes);
  w.uint(tag(5, VARINT), link.droppedAttributesCount || 0);
  w.fixed32(tag(6, I32), spanFlags(ctx.traceFlags, ctx.isRemote));
  w.end(at, RESERVE_SMALL);
}

/**
 * Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7/8 start/end
 * time, 9 attributes, 10 dropped attributes, 11 events, 12 dropped events, 13 links, 14 dropped
 * links, 15 status (2 message, 3 code), 16 flags.
 */
function writeSpan(w: ProtobufWriter, span: ReadableSpan): void {
  const at = w.begin(tag(2, LEN), RESERVE_SPAN);
  const ctx: SpanContext = span.spanContext();
  w.hexId(tag(1, LEN), ctx.traceId);
  w.hexId(tag(2, LEN), ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) w.string(tag(3, LEN), traceState);
  const parent = span.parentSpanContext;
  if (parent?.spanId) w.hexId(tag(4, LEN), parent.spanId);
  w.string(tag(5, LEN), span.name);
  // OTLP SpanKind counts from SPAN_KIND_UNSPECIFIED = 0; the API's INTERNAL = 0 is OTLP's 1.
  // (`==` on purpose: the SDK treats a missing kind, null or undefined, as unspecified.)
  // eslint-disable-next-line eqeqeq
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) w.uint(tag(6, VARINT), kind);
  w.time(tag(7, I64), span.startTime);
  w.time(tag(8, I64), span.endTime);
  if (span.attributes) writeAttributes(w, tag(9, LEN), span.attributes);
  w.uint(tag(10, VARINT), span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.uint(tag(12, VARINT), span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.uint(tag(14, VARINT), span.droppedLinksCount);
  const status = w.begin(tag(15, LEN), RESERVE_SMALL);
  if (span.status.message) w.string(tag(2, LEN), span.status.message);
  w.uint(tag(3, VARINT), span.status.code);
  w.end(status, RESERVE_SMALL);
  w.fixed32(tag(16, I32), spanFlags(ctx.traceFlags, parent?.isRemote));
  w.end(at, RESERVE_SPAN);
}

/** InstrumentationScope: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count. */
function writeScope(w: ProtobufWriter, scope: InstrumentationScope & ScopeExtras): void {
  const at = w.begin(tag(1, LEN), RESERVE_SMALL);
  w.string(tag(1, LEN), scope.name);
  if (scope.version) w.string(tag(2, LEN), scope.version);
  if (scope.attributes) writeAttributes(w, tag(3, LEN), scope.attributes);
  if (scope.droppedAttributesCount) w.uint(tag(4, VARINT), scope.droppedAttributesCount);
  w.end(at, RESERVE_SMALL);
}

/**
 * ResourceSpans: 1 resource (1 attributes, 2 dropped_attributes_count), 2 scope_spans (1 scope,
 * 2 spans, 3 schema_url), 3 schema_url.
 */
function writeResourceSpans(
  w: ProtobufWriter,
  resource: Resource,
  scopes: Map<InstrumentationScope, ReadableSpan[]>,
): void {
  const at = w.begin(tag(1, LEN), RESERVE_GROUP);
  const res = w.begin(tag(1, LEN), RESERVE_SPAN);
  // The getter builds the attribute object (memoised); read it once per batch and resource.
  const attributes = resource.attributes;
  if (attributes) writeAttributes(w, tag(1, LEN), attributes);
  w.uint(tag(2, VARINT), 0);
  w.end(res, RESERVE_SPAN);
  for (const [scope, spans] of scopes) {
    const ss = w.begin(tag(2, LEN), RESERVE_GROUP);
    writeScope(w, scope);
    for (const span of spans) writeSpan(w, span);
    if (scope.schemaUrl) w.string(tag(3, LEN), scope.schemaUrl);
    w.end(ss, RESERVE_GROUP);
  }
  if (resource.schemaUrl) w.string(tag(3, LEN), resource.schemaUrl);
  w.end(at, RESERVE_GROUP);
}

// Bytes per span of the previous batch, so the next buffer rarely grows (grown = copied) and
// rarely overshoots by much (the caller holds the whole buffer until the export ends).
let bytesPerSpan = 512;

/**
 * Encodes spans as an OTLP ExportTraceServiceRequest (protobuf), grouped by resource and then by
 * instrumentation scope — by object identity, in first-seen order, as the SDK groups them (a
 * tracer provider hands every span of a tracer the same resource and scope objects). The result
 * is a fresh buffer the caller owns.
 */
export function encodeTraceExportRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const groups = new Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = groups.get(span.resource);
    if (scopes === undefined) {
      scopes = new Map();
      groups.set(span.resource, scopes);
    }
    const list = scopes.get(span.instrumentationScope);
    if (list === undefined) scopes.set(span.instrumentationScope, [span]);
    else list.push(span);
  }
  const w = new ProtobufWriter(
    Buffer.allocUnsafe(Math.max(MIN_CAPACITY, Math.ceil(spans.length * bytesPerSpan * 1.0625))),
  );
  for (const [resource, scopes] of groups) writeResourceSpans(w, resource, scopes);
  if (spans.length >= 64) bytesPerSpan = Math.max(64, Math.ceil(w.pos / spans.length));
  // A view of the buffer, which nothing else writes to: the caller owns it.
  return w.buf.subarray(0, w.pos);
}
