import type { HrTime } from '@opentelemetry/api';

// The protobuf writer behind encodeTraceExportRequest (otlp.span-encoder.ts): one growing Buffer,
// fields written straight into it (protobuf encoding spec: varints, little-endian fixed64/32,
// length-delimited strings and messages). Each field writer takes the field's tag byte.
//
// Lengths come before their message: `begin` reserves the length-prefix bytes the message's size
// usually needs and `end` moves the body when the guess was wrong (rare), so every length is the
// minimal varint, as any protobuf encoder writes it.

/** Protobuf wire types (protobuf encoding spec, "Message Structure"). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** A field key (tag) — fields below 16 fit one byte, as every OTLP field here but Span.flags (16). */
export const tag = (field: number, wireType: number): number => (field << 3) | wireType;

const TWO_32 = 4294967296;

/** Strings up to this many UTF-16 units encode to at most 127 UTF-8 bytes: a one-byte length. */
const SHORT_STRING = 42;

const varintSize = (v: number): number =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;

// The SDK's hexToBinary digit value, kept identical so that even a malformed id (which the SDK
// never produces) encodes as it does; a table for the ASCII range.
const hexDigit = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55;
const HEX = Int16Array.from({ length: 128 }, (_, c) => hexDigit(c));

/** The growing output buffer and its cursor. */
export class ProtobufWriter {
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

  /** Unsigned varint of an integer in [0, 2^32) at `p`; returns the position after it. */
  varintAt(p: number, v: number): number {
    const buf = this.buf;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    return p;
  }

  /** A uint32 / enum field (counts, kind, status code). */
  uint(tagByte: number, v: number): void {
    this.ensure(6);
    this.buf[this.pos] = tagByte;
    this.pos = this.varintAt(this.pos + 1, v >>> 0);
  }

  /** An int64 field: negative values take ten bytes (two's complement), as int64 varints do. */
  int64(tagByte: number, v: number): void {
    if (v >= 0 && v < TWO_32) return this.uint(tagByte, v);
    // Rare (beyond 2^32 or negative): BigInt is exact for every integer double in int64 range.
    this.ensure(11);
    const buf = this.buf;
    buf[this.pos++] = tagByte;
    let x = BigInt.asUintN(64, BigInt(v));
    while (x > 0x7fn) {
      buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    buf[this.pos++] = Number(x);
  }

  /** Little-endian 32 bits at `p` (capacity already ensured). */
  le32(v: number, p: number): void {
    const buf = this.buf;
    buf[p] = v;
    buf[p + 1] = v >>> 8;
    buf[p + 2] = v >>> 16;
    buf[p + 3] = v >>> 24;
  }

  /** A fixed32 field; `tag` may be two bytes (Span.flags is field 16). */
  fixed32(tagValue: number, v: number): void {
    this.ensure(6);
    this.pos = this.varintAt(this.pos, tagValue);
    this.le32(v, this.pos);
    this.pos += 4;
  }

  double(tagByte: number, v: number): void {
    this.ensure(9);
    this.buf[this.pos] = tagByte;
    this.buf.writeDoubleLE(v, this.pos + 1);
    this.pos += 9;
  }

  /**
   * A fixed64 field of HrTime [s, ns] as nanoseconds. s × 1e9 passes 2^53 (exact doubles) in
   * 1970 + 104 days, so it is built from 16-bit halves of s: the SDK's writeHrTimeAsFixed64.
   */
  time(tagByte: number, t: HrTime): void {
    const seconds = t[0];
    const fromLow16 = (seconds & 0xffff) * 1e9;
    const fromHigh = ((seconds / 0x10000) >>> 0) * 1e9;
    const lowWithCarry = (fromLow16 >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + t[1];
    const high =
      Math.floor(fromLow16 / TWO_32) +
      ((fromHigh / 0x10000) >>> 0) +
      Math.floor(lowWithCarry / TWO_32);
    this.ensure(9);
    this.buf[this.pos] = tagByte;
    this.le32(lowWithCarry >>> 0, this.pos + 1);
    this.le32(high >>> 0, this.pos + 5);
    this.pos += 9;
  }

  /**
   * Writes `s` as UTF-8 at `at`; true if it was all ASCII (one byte per UTF-16 unit), false
   * otherwise (having written it). The caller must have room for 3 bytes per unit after `at`:
   * a write cut short at the buffer's end could otherwise count as many bytes as units. Native:
   * a JS charCodeAt loop was slower in the gateway process, where many strings are
   * concatenations (V8 cons strings) — docs/benchmarks.md.
   */
  ascii(s: string, at: number): boolean {
    return this.buf.write(s, at, 'utf8') === s.length;
  }

  /** A string field: tag, UTF-8 byte length, bytes. */
  string(tagByte: number, s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // At most 3 bytes per unit still fits a one-byte length: bytes first, then the length.
      this.ensure(2 + n * 3);
      const start = this.pos + 2;
      const len = this.buf.write(s, start, 'utf8');
      this.buf[this.pos] = tagByte;
      this.buf[this.pos + 1] = len;
      this.pos = start + len;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.ensure(6 + bytes);
    this.buf[this.pos] = tagByte;
    this.pos = this.varintAt(this.pos + 1, bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * The commonest attribute, a short ASCII key with a short ASCII string value, in one go:
   * KeyValue{1 key, 2 AnyValue{1 string_value}} whose three lengths are known up front. Returns
   * false, having moved nothing, when either string is not ASCII.
   */
  asciiKv(tagByte: number, key: string, value: string): boolean {
    const k = key.length;
    const v = value.length;
    // Room for the UTF-8 of both strings (3 bytes per unit at most), see `ascii`.
    this.ensure(8 + 3 * (k + v));
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

  /** A bytes field from a hex id (trace_id, span_id: 16 or 8 bytes), two digits per byte. */
  hexId(tagByte: number, hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(6 + n);
    const buf = this.buf;
    buf[this.pos] = tagByte;
    const p = this.varintAt(this.pos + 1, n);
    // Ids from the SDK and from validated trace context are hex: node's native decoder (a JS
    // charCodeAt loop was slower in the gateway process). It stops at a non-hex digit; such an
    // id is then written digit by digit as the SDK's hexToBinary would.
    if (buf.write(hex, p, n, 'hex') < n || hex.length !== 2 * n) {
      for (let j = 0; j < n; j++) {
        const hi = hex.charCodeAt(2 * j);
        const lo = hex.charCodeAt(2 * j + 1);
        buf[p + j] = ((hi < 128 ? HEX[hi]! : hi - 55) << 4) | (lo < 128 ? HEX[lo]! : lo - 55);
      }
    }
    this.pos = p + n;
  }

  bytes(tagByte: number, b: Uint8Array): void {
    this.ensure(6 + b.length);
    this.buf[this.pos] = tagByte;
    this.pos = this.varintAt(this.pos + 1, b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Starts a message field: its tag, then `reserve` bytes for its length; returns where. */
  begin(tagByte: number, reserve: number): number {
    this.ensure(1 + reserve);
    this.buf[this.pos] = tagByte;
    this.pos += 1 + reserve;
    return this.pos - reserve;
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
    this.varintAt(at, len);
  }
}
