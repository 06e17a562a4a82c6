// The store keeps only JSON values (docs/store.md: both backends must return the same thing), but
// CWMP values carry bigint (xsd:long, unsignedLong) and bytes (base64, hexBinary). Every CwmpValue
// in a stored tree is written with its value as text — decimal for the longs, base64 for the
// bytes — and read back by its `type`, so the round trip is lossless. Object keys are copied as
// they are: callers escape path keys (escapePathKey) before.

const LONG = new Set(['long', 'unsignedLong']);
const BYTES = new Set(['base64', 'hexBinary']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A deep copy that the store accepts: CwmpValues with text values, plain objects only. */
export function toStoredTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toStoredTree);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array)
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x !== undefined) out[k] = toStoredTree(x);
  }
  return out;
}

/** The inverse of {@link toStoredTree}: `{type:'long', value:'12'}` → bigint, bytes from base64. */
export function fromStoredTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromStoredTree);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = fromStoredTree(v[k]);
  const type = out['type'];
  const value = out['value'];
  if (typeof type === 'string' && typeof value === 'string') {
    if (LONG.has(type) && /^-?\d+$/.test(value)) out['value'] = BigInt(value);
    else if (BYTES.has(type)) out['value'] = new Uint8Array(Buffer.from(value, 'base64'));
  }
  return out;
}
