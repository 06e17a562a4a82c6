import { EventsError, EventsErrorCode } from './events.error';

// CwmpValue carries bigint (xsd:long / unsignedLong) and Uint8Array (base64 / hexBinary), which
// plain JSON cannot hold. They are written as single-key tagged objects; any other object with
// exactly one `$bigint` / `$bytes` key is therefore reserved and must not occur in event payloads.
const BIGINT = '$bigint';
const BYTES = '$bytes';

/** JSON with bigint → `{"$bigint":"123"}` and bytes → `{"$bytes":"<base64>"}`, both lossless. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(toJsonSafe(value));
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

function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return { [BIGINT]: v.toString() };
  if (v instanceof Uint8Array) return { [BYTES]: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonSafe(x);
    return out;
  }
  return v;
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
