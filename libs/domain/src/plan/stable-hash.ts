// A deterministic, dependency-free 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. Used for
// ParameterKeys and CommandKeys (≤ 32 chars, TR-069 A.3.2.1), which must be identical when the same
// change is computed again (a redelivered event, a retried session).

const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function stableHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, '0');
}
