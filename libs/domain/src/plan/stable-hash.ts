// A deterministic, dependency-free 64-bit hash (two independent 32-bit FNV-1a lanes over UTF-16
// code units), as 16 hex digits. Used for ParameterKeys and CommandKeys (≤ 32 chars, TR-069
// A.3.2.1), which must come out identical when the same change is computed again (a redelivered
// event, a retried session). Not cryptographic: it only has to tell change sets apart.

export function stableHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
