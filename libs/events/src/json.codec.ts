import { EventsError, EventsErrorCode } from './events.error';

// CwmpValue carries bigint (xsd:long / unsignedLong) and Uint8Array (base64 / hexBinary), which
// plain JSON cannot hold. They are written as single-key tagged objects; any other object with
// exactly one `$bigint` / `$bytes` key is therefore reserved and must not occur in event payloads.
const BIGINT = '$bigint';
const BYTES = '$bytes';

/** JSON with bigint → `{"$bigint":"123"}` and bytes → `{"$bytes":"<base64>"}`, both lossless. */
export function encodeJson(value: unknown): string {
  // A replacer function turns off V8's fast serializer, so it is used only when the value really
  // holds a bigint or bytes (most events do not); the check allocates nothing.
  return hasTagged(value) ? JSON.stringify(value, replacer) : JSON.stringify(value);
}

function hasTagged(v: unknown): boolean {
  if (typeof v === 'bigint' || v instanceof Uint8Array) return true;
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (hasTagged(x)) return true;
    return false;
  }
  for (const k in v) if (hasTagged((v as Record<string, unknown>)[k])) return true;
  return false;
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIGINT]: value.toString() };
  // Buffer.toJSON already ran on `value`: look at the holder's own property instead.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array)
    return { [BYTES]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  return value;
}

/** Inverse of {@link encodeJson}. @throws EventsError InvalidEvent when the text is not JSON. */
export function decodeJson(text: string | Buffer | Uint8Array): unknown {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch (e) {
    throw new EventsError(EventsErrorCode.InvalidEvent, `not JSON: ${(e as Error).message}`);
  }
  return fromJsonSafe(parsed);
}

function fromJsonSafe(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonSafe);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const o = v as Record<string, unknown>;
    if (keys.length === 1) {
      const big = o[BIGINT];
      if (typeof big === 'string' && /^-?\d+$/.test(big)) return BigInt(big);
      const bytes = o[BYTES];
      if (typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
    }
    // A null-prototype object: a payload key named __proto__ stays a plain key.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of keys) out[k] = fromJsonSafe(o[k]);
    return out;
  }
  return v;
}
