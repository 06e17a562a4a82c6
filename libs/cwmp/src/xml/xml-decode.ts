/**
 * Bytes → string. CWMP bodies are UTF-8 (TR-069 §3.4.1); a UTF-8 or UTF-16 BOM is honoured and a
 * Latin-1 / ASCII encoding declaration is respected, because some field stacks send
 * `encoding="ISO-8859-1"`. Unknown encodings are read as UTF-8, which is lossless for ASCII markup.
 */
export function decodeBody(body: Buffer | Uint8Array | string): string {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  const buf = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const b0 = buf[0];
  const b1 = buf[1];
  if (b0 === 0xef && b1 === 0xbb && buf[2] === 0xbf) return buf.toString('utf8', 3);
  if (b0 === 0xff && b1 === 0xfe) return buf.toString('utf16le', 2);
  if (b0 === 0xfe && b1 === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, 2 + ((buf.length - 2) & ~1)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  // `<?xml` declaration with a single-byte encoding?
  if (b0 === 0x3c && b1 === 0x3f) {
    const head = buf.toString('latin1', 0, Math.min(buf.length, 200));
    const m = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    if (m !== null && /^(iso-?8859-1|latin-?1|us-ascii|ascii)$/i.test(m[1] ?? '')) {
      return buf.toString('latin1');
    }
  }
  return buf.toString('utf8');
}
