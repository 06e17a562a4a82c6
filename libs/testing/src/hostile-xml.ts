// Classic hostile XML bodies: the codec's hostile-input tests assert typed errors on them and
// bench:cwmp times them.

const ENVELOPE_OPEN =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body>';

export function billionLaughs(): string {
  let dtd = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]>${ENVELOPE_OPEN}<cwmp:Inform>&lol9;</cwmp:Inform></soap:Body></soap:Envelope>`;
}

export function externalEntity(): string {
  return `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${ENVELOPE_OPEN}<cwmp:Kicked><Command>&xxe;</Command></cwmp:Kicked></soap:Body></soap:Envelope>`;
}

/** A 100 MB body: an Inform whose one value is padded out. */
export function hugeBody(bytes = 100 * 1024 * 1024): Buffer {
  const head = Buffer.from(`${ENVELOPE_OPEN}<cwmp:Kicked><Command>`);
  const buf = Buffer.alloc(bytes, 0x61);
  head.copy(buf, 0);
  return buf;
}

export function deepNesting(depth = 100_000): string {
  return `${ENVELOPE_OPEN}${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</soap:Body></soap:Envelope>`;
}
