import { createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  FINGERPRINT_XOR,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  MAX_STUN_MESSAGE,
  StunAttr,
  type StunClass,
} from './stun.constants';
import { StunError, StunErrorCode } from './stun.error';

export interface StunAttribute {
  readonly type: number;
  readonly value: Buffer;
  /** Offset of the attribute's 4-byte header in the message (for MESSAGE-INTEGRITY/FINGERPRINT). */
  readonly offset: number;
}

export interface StunMessage {
  readonly method: number;
  readonly cls: StunClass;
  /** 12 bytes (RFC 5389), or 16 bytes for a classic RFC 3489 message (no magic cookie). */
  readonly transactionId: Buffer;
  readonly classic: boolean;
  readonly attributes: readonly StunAttribute[];
  /** The whole datagram (integrity and fingerprint are computed over it). */
  readonly raw: Buffer;
}

/** Bound on the attribute count, so a hostile datagram cannot make us allocate much. */
export const MAX_ATTRIBUTES = 64;

const CLASS_BITS: Readonly<Record<StunClass, number>> = {
  request: 0x0000,
  indication: 0x0010,
  success: 0x0100,
  error: 0x0110,
};

// RFC 5389 §6: the 12 method bits are interleaved with the 2 class bits (C0 at bit 4, C1 at 8).
export function messageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | CLASS_BITS[cls];
}

function splitType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const c = type & 0x0110;
  const cls: StunClass =
    c === 0 ? 'request' : c === 0x0010 ? 'indication' : c === 0x0100 ? 'success' : 'error';
  return { method, cls };
}

/**
 * Parses one datagram. Strict framing (RFC 5389 §6, §15): the two leading bits are zero, the
 * length field is a multiple of 4 and matches the datagram, every attribute fits.
 * @throws StunError NotStun / Malformed
 */
export function decodeStunMessage(buf: Buffer): StunMessage {
  if (buf.length < HEADER_LENGTH || buf.length > MAX_STUN_MESSAGE)
    throw new StunError(StunErrorCode.NotStun, `datagram of ${buf.length} bytes is not STUN`);
  const type = buf.readUInt16BE(0);
  if ((type & 0xc000) !== 0) throw new StunError(StunErrorCode.NotStun, 'leading bits are not 00');
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0 || HEADER_LENGTH + length !== buf.length)
    throw new StunError(
      StunErrorCode.NotStun,
      `length field ${length} does not match the datagram`,
    );
  const classic = buf.readUInt32BE(4) !== MAGIC_COOKIE;
  const transactionId = Buffer.from(buf.subarray(classic ? 4 : 8, HEADER_LENGTH));
  const attributes: StunAttribute[] = [];
  let off = HEADER_LENGTH;
  while (off < buf.length) {
    if (attributes.length >= MAX_ATTRIBUTES)
      throw new StunError(StunErrorCode.Malformed, `more than ${MAX_ATTRIBUTES} attributes`);
    if (off + 4 > buf.length)
      throw new StunError(StunErrorCode.Malformed, 'truncated attribute header');
    const at = buf.readUInt16BE(off);
    const alen = buf.readUInt16BE(off + 2);
    const end = off + 4 + alen;
    if (end > buf.length)
      throw new StunError(
        StunErrorCode.Malformed,
        `attribute 0x${at.toString(16)} overruns the message`,
      );
    attributes.push({ type: at, value: Buffer.from(buf.subarray(off + 4, end)), offset: off });
    off = end + ((4 - (alen % 4)) % 4);
  }
  if (off !== buf.length)
    throw new StunError(StunErrorCode.Malformed, 'attribute padding overruns the message');
  return { ...splitType(type), transactionId, classic, attributes, raw: buf };
}

export interface StunMessageInput {
  readonly method: number;
  readonly cls: StunClass;
  readonly transactionId: Buffer;
  readonly attributes: readonly { readonly type: number; readonly value: Buffer }[];
  /** Appends MESSAGE-INTEGRITY keyed with this (short-term credential: the password). */
  readonly integrityKey?: Buffer;
  /** Appends FINGERPRINT (RFC 5389 §15.5). Not for classic messages. */
  readonly fingerprint?: boolean;
}

export function encodeStunMessage(input: StunMessageInput): Buffer {
  const tid = input.transactionId;
  if (tid.length !== 12 && tid.length !== 16)
    throw new StunError(StunErrorCode.InvalidArgument, 'a transaction id has 12 or 16 bytes');
  const classic = tid.length === 16;
  let size = HEADER_LENGTH;
  for (const a of input.attributes) {
    if (a.value.length > 0xffff)
      throw new StunError(StunErrorCode.InvalidArgument, 'attribute too long');
    size += 4 + pad4(a.value.length);
  }
  const miAt = size;
  if (input.integrityKey !== undefined) size += 24;
  const fpAt = size;
  const withFp = input.fingerprint === true && !classic;
  if (withFp) size += 8;
  if (size > MAX_STUN_MESSAGE)
    throw new StunError(StunErrorCode.InvalidArgument, 'message too long');
  const out = Buffer.alloc(size);
  out.writeUInt16BE(messageType(input.method, input.cls), 0);
  if (classic) tid.copy(out, 4);
  else {
    out.writeUInt32BE(MAGIC_COOKIE, 4);
    tid.copy(out, 8);
  }
  let off = HEADER_LENGTH;
  for (const a of input.attributes) {
    out.writeUInt16BE(a.type, off);
    out.writeUInt16BE(a.value.length, off + 2);
    a.value.copy(out, off + 4);
    off += 4 + pad4(a.value.length);
  }
  if (input.integrityKey !== undefined) {
    // RFC 5389 §15.4: the length field covers up to the end of MESSAGE-INTEGRITY while hashing.
    out.writeUInt16BE(miAt + 24 - HEADER_LENGTH, 2);
    const mac = createHmac('sha1', input.integrityKey).update(out.subarray(0, miAt)).digest();
    out.writeUInt16BE(StunAttr.MessageIntegrity, miAt);
    out.writeUInt16BE(20, miAt + 2);
    mac.copy(out, miAt + 4);
  }
  out.writeUInt16BE(size - HEADER_LENGTH, 2);
  if (withFp) {
    out.writeUInt16BE(StunAttr.Fingerprint, fpAt);
    out.writeUInt16BE(4, fpAt + 2);
    out.writeUInt32BE((crc32(out.subarray(0, fpAt)) ^ FINGERPRINT_XOR) >>> 0, fpAt + 4);
  }
  return out;
}

function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

/**
 * Checks MESSAGE-INTEGRITY (RFC 5389 §15.4; for classic messages also RFC 3489 §11.2.8, where the
 * hashed text is zero-padded to a multiple of 64 bytes). Returns 'absent' without the attribute.
 */
export function checkMessageIntegrity(msg: StunMessage, key: Buffer): 'ok' | 'bad' | 'absent' {
  const mi = msg.attributes.find((a) => a.type === StunAttr.MessageIntegrity);
  if (mi === undefined) return 'absent';
  if (mi.value.length !== 20) return 'bad';
  const text = Buffer.from(msg.raw.subarray(0, mi.offset));
  text.writeUInt16BE(mi.offset + 24 - HEADER_LENGTH, 2);
  if (createHmac('sha1', key).update(text).digest().equals(mi.value)) return 'ok';
  if (msg.classic) {
    const padded = Buffer.alloc(pad64(mi.offset));
    msg.raw.copy(padded, 0, 0, mi.offset);
    if (createHmac('sha1', key).update(padded).digest().equals(mi.value)) return 'ok';
  }
  return 'bad';
}

function pad64(n: number): number {
  return n + ((64 - (n % 64)) % 64);
}

/** RFC 5389 §15.5. 'absent' without FINGERPRINT; it must be the last attribute. */
export function checkFingerprint(msg: StunMessage): 'ok' | 'bad' | 'absent' {
  const last = msg.attributes[msg.attributes.length - 1];
  const any = msg.attributes.some((a) => a.type === StunAttr.Fingerprint);
  if (!any) return 'absent';
  if (last?.type !== StunAttr.Fingerprint || last.value.length !== 4) return 'bad';
  const want = (crc32(msg.raw.subarray(0, last.offset)) ^ FINGERPRINT_XOR) >>> 0;
  return last.value.readUInt32BE(0) === want ? 'ok' : 'bad';
}
