import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

// ReadableSpan[] → opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, written
// straight into one buffer sized from the previous batch: no intermediate OTLP objects, ids
// copied from their hex strings as bytes, strings written in place by Buffer#utf8Write. It writes the same fields in the same order as the
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

/** A field key (tag) — fields below 16 fit one byte, as every field here but Span.flags (16). */
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

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
/** A KeyValue of an ASCII key and string value this long in total is under 128 bytes. */
const SHORT_KV = 121;
const MIN_CAPACITY = 4096;

/** Optional InstrumentationScope fields the SDK's serializer also writes (newer tracers set them). */
interface ScopeExtras {
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount?: number;
}

const varintSize = (v: number): number =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;

// The SDK's hexToBinary digit value, kept identical so that even a malformed id (which the SDK
// never produces) encodes as it does; a table for the ASCII range.
const hexDigit = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55;
const HEX = Int16Array.from({ length: 128 }, (_, c) => hexDigit(c));

/** The growing output buffer and its cursor. */
class SpanWriter {
  pos = 0;
  constructor(public buf: Buffer) {}

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
    this.le32(v, this.pos);
    this.pos += 4;
  }

  /** Little-endian 32 bits at `p` (capacity already ensured). */
  le32(v: number, p: number): void {
    const buf = this.buf;
    buf[p] = v;
    buf[p + 1] = v >>> 8;
    buf[p + 2] = v >>> 16;
    buf[p + 3] = v >>> 24;
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
    this.le32(low, this.pos);
    this.le32(high, this.pos + 4);
    this.pos += 8;
  }

  /** A length-delimited string field: tag, UTF-8 byte length, bytes. */
  string(tagByte: number, s: string): void {
    if (s.length <= SHORT_STRING) {
      // At most 3 bytes per unit still fits a one-byte length: write the bytes, then the length.
      // ASCII (ids, attribute keys, span names) is copied here: cheaper than a call into C++.
      const n = s.length;
      this.ensure(2 + n * 3);
      const buf = this.buf;
      const start = this.pos + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[start + i] = c;
      }
      const len = i === n ? n : buf.write(s, start, 'utf8');
      buf[this.pos] = tagByte;
      buf[this.pos + 1] = len;
      this.pos = start + len;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.ensure(6 + bytes);
    this.buf[this.pos++] = tagByte;
    this.uint32(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Copies `s` to `at` if it is all ASCII; returns false (having written garbage) if not. */
  ascii(s: string, at: number): boolean {
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return false;
      buf[at + i] = c;
    }
    return true;
  }

  /**
   * The commonest attribute, a short ASCII key with a short ASCII string value, in one go:
   * KeyValue{1 key, 2 AnyValue{1 string_value}} whose three lengths are known up front. Returns
   * false, writing nothing, when either string is not ASCII.
   */
  asciiKv(tagByte: number, key: string, value: string): boolean {
    const k = key.length;
    const v = value.length;
    this.ensure(8 + k + v);
    const p = this.pos;
    if (!this.ascii(key, p + 4) || !this.ascii(value, p + 8 + k)) return false;
    const buf = this.buf;
    buf[p] = tagByte;
    buf[p + 1] = k + v + 6;
    buf[p + 2] = tag(1, LEN);
    buf[p + 3] = k;
    buf[p + 4 + k] = tag(2, LEN);
    buf[p + 5 + k] = v + 2;
    buf[p + 6 + k] = tag(1, LEN);
    buf[p + 7 + k] = v;
    this.pos = p + 8 + k + v;
    return true;
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
      const hi = hex.charCodeAt(j);
      const lo = hex.charCodeAt(j + 1);
      buf[p++] = ((hi < 128 ? HEX[hi]! : hi - 55) << 4) | (lo < 128 ? HEX[lo]! : lo - 55);
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

  /** The encoded bytes: a view of the buffer, which this writer no longer touches. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** repeated KeyValue: own enumerable keys in insertion order, as the SDK's `for…in`. */
function writeAttributes(w: SpanWriter, tagByte: number, attributes: object): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    writeKeyValue(w, tagByte, key, (attributes as Record<string, unknown>)[key]);
  }
}

/** KeyValue: 1 key, 2 value (AnyValue). */
function writeKeyValue(w: SpanWriter, tagByte: number, key: string, value: unknown): void {
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
function writeAnyValue(w: SpanWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.string(tag(1, LEN), value);
      return;
    case 'boolean':
      w.ensure(2);
      w.buf[w.pos++] = tag(2, VARINT);
      w.buf[w.pos++] = value ? 1 : 0;
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(tag(3, VARINT));
        w.int64(value);
      } else {
        w.byte(tag(4, I64));
        w.double(value);
      }
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
function writeEvent(w: SpanWriter, event: TimedEvent): void {
  const at = w.begin(tag(11, LEN), RESERVE_SMALL);
  w.byte(tag(1, I64));
  w.hrTime(event.time);
  w.string(tag(2, LEN), event.name);
  if (event.attributes) writeAttributes(w, tag(3, LEN), event.attributes);
  w.byte(tag(4, VARINT));
  w.uint32(event.droppedAttributesCount || 0);
  w.end(at, RESERVE_SMALL);
}

/** Span.Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped count, 6 flags. */
function writeLink(w: SpanWriter, link: Link): void {
  const at = w.begin(tag(13, LEN), RESERVE_SMALL);
  const ctx = link.context;
  w.hexId(tag(1, LEN), ctx.traceId);
  w.hexId(tag(2, LEN), ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) w.string(tag(3, LEN), traceState);
  if (link.attributes) writeAttributes(w, tag(4, LEN), link.attributes);
  w.byte(tag(5, VARINT));
  w.uint32(link.droppedAttributesCount || 0);
  w.byte(tag(6, I32));
  w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
  w.end(at, RESERVE_SMALL);
}

/**
 * Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7/8 start/end
 * time, 9 attributes, 10 dropped attributes, 11 events, 12 dropped events, 13 links, 14 dropped
 * links, 15 status (2 message, 3 code), 16 flags.
 */
function writeSpan(w: SpanWriter, span: ReadableSpan): void {
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
  if (kind !== 0) {
    w.byte(tag(6, VARINT));
    w.uint32(kind);
  }
  w.byte(tag(7, I64));
  w.hrTime(span.startTime);
  w.byte(tag(8, I64));
  w.hrTime(span.endTime);
  if (span.attributes) writeAttributes(w, tag(9, LEN), span.attributes);
  w.byte(tag(10, VARINT));
  w.uint32(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.byte(tag(12, VARINT));
  w.uint32(span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.byte(tag(14, VARINT));
  w.uint32(span.droppedLinksCount);
  const status = w.begin(tag(15, LEN), RESERVE_SMALL);
  if (span.status.message) w.string(tag(2, LEN), span.status.message);
  w.byte(tag(3, VARINT));
  w.uint32(span.status.code);
  w.end(status, RESERVE_SMALL);
  w.uint32(tag(16, I32));
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
  w.end(at, RESERVE_SPAN);
}

/** InstrumentationScope: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count. */
function writeScope(w: SpanWriter, scope: InstrumentationScope & ScopeExtras): void {
  const at = w.begin(tag(1, LEN), RESERVE_SMALL);
  w.string(tag(1, LEN), scope.name);
  if (scope.version) w.string(tag(2, LEN), scope.version);
  if (scope.attributes) writeAttributes(w, tag(3, LEN), scope.attributes);
  if (scope.droppedAttributesCount) {
    w.byte(tag(4, VARINT));
    w.uint32(scope.droppedAttributesCount);
  }
  w.end(at, RESERVE_SMALL);
}

/**
 * ResourceSpans: 1 resource (1 attributes, 2 dropped_attributes_count), 2 scope_spans (1 scope,
 * 2 spans, 3 schema_url), 3 schema_url.
 */
function writeResourceSpans(
  w: SpanWriter,
  resource: Resource,
  scopes: Map<InstrumentationScope, ReadableSpan[]>,
): void {
  const at = w.begin(tag(1, LEN), RESERVE_GROUP);
  const res = w.begin(tag(1, LEN), RESERVE_SPAN);
  // The getter builds the attribute object (memoised); read it once per batch and resource.
  const attributes = resource.attributes;
  if (attributes) writeAttributes(w, tag(1, LEN), attributes);
  w.byte(tag(2, VARINT));
  w.uint32(0);
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
  const w = new SpanWriter(
    Buffer.allocUnsafe(Math.max(MIN_CAPACITY, Math.ceil(spans.length * bytesPerSpan * 1.0625))),
  );
  for (const [resource, scopes] of groups) writeResourceSpans(w, resource, scopes);
  if (spans.length >= 64) bytesPerSpan = Math.max(64, Math.ceil(w.pos / spans.length));
  return w.finish();
}
