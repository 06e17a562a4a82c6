import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

// ReadableSpan[] → opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, written
// straight into one reusable buffer: no intermediate OTLP objects, ids copied from their hex
// strings as bytes, strings written in place. It writes the same fields in the same order as the
// SDK's ProtobufTraceSerializer (@opentelemetry/otlp-transformer 0.301, trace-serializer.ts and
// common-serializer.ts), so the output is byte-identical to it (otlp.span-encoder.spec.ts), but in
// one pass instead of a sizing pass plus a writing pass. Field numbers: opentelemetry-proto
// trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto.
//
// Lengths come before their message: each message reserves the length-prefix bytes its size
// usually needs and moves its body when the guess was wrong (rare, see RESERVE_*), so every
// length is the minimal varint, as any protobuf encoder writes it.

/** Protobuf wire types (protobuf encoding spec, "Message Structure"). */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

// One-byte tags (field < 16) of the fields written on the hot path.
const T_REQUEST_RESOURCE_SPANS = tag(1, LEN);
const T_RS_RESOURCE = tag(1, LEN);
const T_RS_SCOPE_SPANS = tag(2, LEN);
const T_RS_SCHEMA_URL = tag(3, LEN);
const T_RESOURCE_ATTRIBUTES = tag(1, LEN);
const T_RESOURCE_DROPPED = tag(2, VARINT);
const T_SS_SCOPE = tag(1, LEN);
const T_SS_SPAN = tag(2, LEN);
const T_SS_SCHEMA_URL = tag(3, LEN);
const T_SCOPE_NAME = tag(1, LEN);
const T_SCOPE_VERSION = tag(2, LEN);
const T_SCOPE_ATTRIBUTES = tag(3, LEN);
const T_SCOPE_DROPPED = tag(4, VARINT);
const T_SPAN_TRACE_ID = tag(1, LEN);
const T_SPAN_SPAN_ID = tag(2, LEN);
const T_SPAN_TRACE_STATE = tag(3, LEN);
const T_SPAN_PARENT_ID = tag(4, LEN);
const T_SPAN_NAME = tag(5, LEN);
const T_SPAN_KIND = tag(6, VARINT);
const T_SPAN_START = tag(7, I64);
const T_SPAN_END = tag(8, I64);
const T_SPAN_ATTRIBUTES = tag(9, LEN);
const T_SPAN_DROPPED_ATTRIBUTES = tag(10, VARINT);
const T_SPAN_EVENT = tag(11, LEN);
const T_SPAN_DROPPED_EVENTS = tag(12, VARINT);
const T_SPAN_LINK = tag(13, LEN);
const T_SPAN_DROPPED_LINKS = tag(14, VARINT);
const T_SPAN_STATUS = tag(15, LEN);
// Field 16 needs a two-byte tag: 0x85 0x01.
const T_SPAN_FLAGS = tag(16, I32);
const T_EVENT_TIME = tag(1, I64);
const T_EVENT_NAME = tag(2, LEN);
const T_EVENT_ATTRIBUTES = tag(3, LEN);
const T_EVENT_DROPPED = tag(4, VARINT);
const T_LINK_TRACE_ID = tag(1, LEN);
const T_LINK_SPAN_ID = tag(2, LEN);
const T_LINK_TRACE_STATE = tag(3, LEN);
const T_LINK_ATTRIBUTES = tag(4, LEN);
const T_LINK_DROPPED = tag(5, VARINT);
const T_LINK_FLAGS = tag(6, I32);
const T_STATUS_MESSAGE = tag(2, LEN);
const T_STATUS_CODE = tag(3, VARINT);
const T_KV_KEY = tag(1, LEN);
const T_KV_VALUE = tag(2, LEN);
const T_ANY_STRING = tag(1, LEN);
const T_ANY_BOOL = tag(2, VARINT);
const T_ANY_INT = tag(3, VARINT);
const T_ANY_DOUBLE = tag(4, I64);
const T_ANY_ARRAY = tag(5, LEN);
const T_ANY_KVLIST = tag(6, LEN);
const T_ANY_BYTES = tag(7, LEN);
const T_LIST_VALUES = tag(1, LEN);

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
const TWO_32 = 4294967296;

/** Strings up to this many UTF-16 units encode to at most 127 UTF-8 bytes: a one-byte length. */
const SHORT_STRING = 42;
const INITIAL_CAPACITY = 64 * 1024;
/** A scratch buffer that grew past this (one huge batch) is not kept for the next call. */
const RETAINED_CAPACITY = 8 * 1024 * 1024;

/** Optional InstrumentationScope fields the SDK's serializer also writes (newer tracers set them). */
interface ScopeExtras {
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount?: number;
}

const varintSize = (v: number): number =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;

// The SDK's hexToBinary digit value, kept identical so that even a malformed id (which the SDK
// never produces) encodes as it does.
const hexDigit = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55;

/**
 * The growing buffer and its cursor. One instance is reused across calls (encoding is synchronous),
 * so a steady stream of batches allocates only the returned copy.
 */
class SpanWriter {
  buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint of a non-negative integer below 2^32 (tags, lengths, counts, enums). */
  uint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** int64 varint of an integer in [-2^63, 2^63): negative values take ten bytes (two's complement). */
  int64(v: number): void {
    if (v >= 0 && v < TWO_32) {
      this.uint32(v);
      return;
    }
    let low: number;
    let high: number;
    if (v >= 0) {
      low = v >>> 0;
      high = (v / TWO_32) >>> 0;
    } else {
      const abs = -v;
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / TWO_32) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    while (high > 0 || low > 0x7f) {
      buf[p++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[p++] = low;
    this.pos = p;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /**
   * HrTime [s, ns] as fixed64 nanoseconds. s × 1e9 passes 2^53 (exact doubles) in 1970 + 104 days,
   * so the product is built from 16-bit halves of s — the SDK's writeHrTimeAsFixed64 arithmetic.
   */
  hrTime(t: HrTime): void {
    const seconds = t[0];
    const nanos = t[1];
    const fromLow16 = (seconds & 0xffff) * 1e9;
    const fromHigh = ((seconds / 0x10000) >>> 0) * 1e9;
    const low32WithCarry = (fromLow16 >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
    const low = low32WithCarry >>> 0;
    const high =
      (Math.floor(fromLow16 / TWO_32) +
        ((fromHigh / 0x10000) >>> 0) +
        Math.floor(low32WithCarry / TWO_32)) >>>
      0;
    this.ensure(8);
    this.buf.writeUInt32LE(low, this.pos);
    this.buf.writeUInt32LE(high, this.pos + 4);
    this.pos += 8;
  }

  /** A length-delimited string field: tag, UTF-8 byte length, bytes. */
  string(tagByte: number, s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // Worst case 3 bytes per unit still fits a one-byte length: write first, prefix after.
      this.ensure(2 + n * 3);
      const buf = this.buf;
      const start = this.pos + 2;
      let p = start;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i < n) p = start + buf.write(s, start, 'utf8');
      buf[this.pos] = tagByte;
      buf[this.pos + 1] = p - start;
      this.pos = p;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.ensure(6 + bytes);
    this.buf[this.pos++] = tagByte;
    this.uint32(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A bytes field from a hex id (trace_id, span_id): two hex digits per byte. */
  hexId(tagByte: number, hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(2 + n);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = tagByte;
    buf[p++] = n; // ids are 16 or 8 bytes; a longer one would need a wider length
    for (let i = 0; i < n; i++) {
      const j = i << 1;
      buf[p++] = (hexDigit(hex.charCodeAt(j)) << 4) | hexDigit(hex.charCodeAt(j + 1));
    }
    this.pos = p;
  }

  bytes(tagByte: number, b: Uint8Array): void {
    this.ensure(6 + b.length);
    this.buf[this.pos++] = tagByte;
    this.uint32(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Starts a length-delimited message after its tag; returns where its length goes. */
  begin(tagByte: number, reserve: number): number {
    this.ensure(1 + reserve);
    this.buf[this.pos++] = tagByte;
    const at = this.pos;
    this.pos += reserve;
    return at;
  }

  /** Writes the length reserved by `begin`, moving the body if the reservation was wrong. */
  end(at: number, reserve: number): void {
    const len = this.pos - at - reserve;
    const need = varintSize(len);
    if (need !== reserve) {
      this.ensure(need - reserve);
      this.buf.copyWithin(at + need, at + reserve, this.pos);
      this.pos += need - reserve;
    }
    const buf = this.buf;
    let p = at;
    let v = len;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p] = v;
  }

  take(): Uint8Array {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    if (this.buf.length > RETAINED_CAPACITY) this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
    this.pos = 0;
    return out;
  }
}

/** repeated KeyValue: own enumerable keys in insertion order, as the SDK's `for…in`. */
function writeAttributes(w: SpanWriter, tagByte: number, attributes: object): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    writeKeyValue(w, tagByte, key, (attributes as Record<string, unknown>)[key]);
  }
}

function writeKeyValue(w: SpanWriter, tagByte: number, key: string, value: unknown): void {
  const kv = w.begin(tagByte, RESERVE_SMALL);
  w.string(T_KV_KEY, key);
  const any = w.begin(T_KV_VALUE, RESERVE_SMALL);
  writeAnyValue(w, value);
  w.end(any, RESERVE_SMALL);
  w.end(kv, RESERVE_SMALL);
}

/**
 * AnyValue, deciding as the SDK's writeAnyValue does: integers in int64 range → int_value, other
 * numbers → double_value, Uint8Array → bytes_value, arrays → array_value, other objects →
 * kvlist_value. A value of no other type (undefined, null, bigint, function) leaves the AnyValue
 * empty rather than failing the export.
 */
function writeAnyValue(w: SpanWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.string(T_ANY_STRING, value);
      return;
    case 'boolean':
      w.ensure(2);
      w.buf[w.pos++] = T_ANY_BOOL;
      w.buf[w.pos++] = value ? 1 : 0;
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(T_ANY_INT);
        w.int64(value);
      } else {
        w.byte(T_ANY_DOUBLE);
        w.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.bytes(T_ANY_BYTES, value);
      } else if (Array.isArray(value)) {
        const list = w.begin(T_ANY_ARRAY, RESERVE_SMALL);
        for (const item of value as unknown[]) {
          const entry = w.begin(T_LIST_VALUES, RESERVE_SMALL);
          writeAnyValue(w, item);
          w.end(entry, RESERVE_SMALL);
        }
        w.end(list, RESERVE_SMALL);
      } else {
        const kvlist = w.begin(T_ANY_KVLIST, RESERVE_SMALL);
        writeAttributes(w, T_LIST_VALUES, value);
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

function writeEvent(w: SpanWriter, event: TimedEvent): void {
  const at = w.begin(T_SPAN_EVENT, RESERVE_SMALL);
  w.byte(T_EVENT_TIME);
  w.hrTime(event.time);
  w.string(T_EVENT_NAME, event.name);
  if (event.attributes) writeAttributes(w, T_EVENT_ATTRIBUTES, event.attributes);
  w.byte(T_EVENT_DROPPED);
  w.uint32(event.droppedAttributesCount || 0);
  w.end(at, RESERVE_SMALL);
}

function writeLink(w: SpanWriter, link: Link): void {
  const at = w.begin(T_SPAN_LINK, RESERVE_SMALL);
  const ctx = link.context;
  w.hexId(T_LINK_TRACE_ID, ctx.traceId);
  w.hexId(T_LINK_SPAN_ID, ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) w.string(T_LINK_TRACE_STATE, traceState);
  if (link.attributes) writeAttributes(w, T_LINK_ATTRIBUTES, link.attributes);
  w.byte(T_LINK_DROPPED);
  w.uint32(link.droppedAttributesCount || 0);
  w.byte(T_LINK_FLAGS);
  w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
  w.end(at, RESERVE_SMALL);
}

function writeSpan(w: SpanWriter, span: ReadableSpan): void {
  const at = w.begin(T_SS_SPAN, RESERVE_SPAN);
  const ctx: SpanContext = span.spanContext();
  w.hexId(T_SPAN_TRACE_ID, ctx.traceId);
  w.hexId(T_SPAN_SPAN_ID, ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) w.string(T_SPAN_TRACE_STATE, traceState);
  const parent = span.parentSpanContext;
  if (parent?.spanId) w.hexId(T_SPAN_PARENT_ID, parent.spanId);
  w.string(T_SPAN_NAME, span.name);
  // OTLP SpanKind counts from SPAN_KIND_UNSPECIFIED = 0; the API's INTERNAL = 0 is OTLP's 1.
  // (`==` on purpose: the SDK treats a missing kind, null or undefined, as unspecified.)
  // eslint-disable-next-line eqeqeq
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.byte(T_SPAN_KIND);
    w.uint32(kind);
  }
  w.byte(T_SPAN_START);
  w.hrTime(span.startTime);
  w.byte(T_SPAN_END);
  w.hrTime(span.endTime);
  if (span.attributes) writeAttributes(w, T_SPAN_ATTRIBUTES, span.attributes);
  w.byte(T_SPAN_DROPPED_ATTRIBUTES);
  w.uint32(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.byte(T_SPAN_DROPPED_EVENTS);
  w.uint32(span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.byte(T_SPAN_DROPPED_LINKS);
  w.uint32(span.droppedLinksCount);
  const status = w.begin(T_SPAN_STATUS, RESERVE_SMALL);
  if (span.status.message) w.string(T_STATUS_MESSAGE, span.status.message);
  w.byte(T_STATUS_CODE);
  w.uint32(span.status.code);
  w.end(status, RESERVE_SMALL);
  w.uint32(T_SPAN_FLAGS);
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
  w.end(at, RESERVE_SPAN);
}

function writeScope(w: SpanWriter, scope: InstrumentationScope & ScopeExtras): void {
  const at = w.begin(T_SS_SCOPE, RESERVE_SMALL);
  w.string(T_SCOPE_NAME, scope.name);
  if (scope.version) w.string(T_SCOPE_VERSION, scope.version);
  if (scope.attributes) writeAttributes(w, T_SCOPE_ATTRIBUTES, scope.attributes);
  if (scope.droppedAttributesCount) {
    w.byte(T_SCOPE_DROPPED);
    w.uint32(scope.droppedAttributesCount);
  }
  w.end(at, RESERVE_SMALL);
}

function writeResourceSpans(
  w: SpanWriter,
  resource: Resource,
  scopes: Map<InstrumentationScope, ReadableSpan[]>,
): void {
  const at = w.begin(T_REQUEST_RESOURCE_SPANS, RESERVE_GROUP);
  const res = w.begin(T_RS_RESOURCE, RESERVE_SPAN);
  // The getter builds the attribute object (memoised); read it once per batch and resource.
  const attributes = resource.attributes;
  if (attributes) writeAttributes(w, T_RESOURCE_ATTRIBUTES, attributes);
  w.byte(T_RESOURCE_DROPPED);
  w.uint32(0);
  w.end(res, RESERVE_SPAN);
  for (const [scope, spans] of scopes) {
    const ss = w.begin(T_RS_SCOPE_SPANS, RESERVE_GROUP);
    writeScope(w, scope);
    for (const span of spans) writeSpan(w, span);
    if (scope.schemaUrl) w.string(T_SS_SCHEMA_URL, scope.schemaUrl);
    w.end(ss, RESERVE_GROUP);
  }
  if (resource.schemaUrl) w.string(T_RS_SCHEMA_URL, resource.schemaUrl);
  w.end(at, RESERVE_GROUP);
}

const writer = new SpanWriter();

/**
 * Encodes spans as an OTLP ExportTraceServiceRequest (protobuf), grouped by resource and then by
 * instrumentation scope — by object identity, in first-seen order, as the SDK groups them (a
 * tracer provider hands every span of a tracer the same resource and scope objects). The result
 * is a fresh array the caller owns.
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
  writer.pos = 0;
  try {
    for (const [resource, scopes] of groups) writeResourceSpans(writer, resource, scopes);
    return writer.take();
  } finally {
    writer.pos = 0;
  }
}
