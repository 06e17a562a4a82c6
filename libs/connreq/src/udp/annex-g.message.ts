import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConnreqError, ConnreqErrorCode } from '../connreq.error';

// TR-069 Annex G.2.2 (UDP Connection Request): one datagram holding an HTTP GET request line
//   GET http://host:port?ts=…&id=…&un=…&cn=…&sig=… HTTP/1.1
// plus a Host header. sig = HMAC-SHA1 keyed with the ConnectionRequestPassword over the
// concatenation ts‖id‖un‖cn, as hex.

export interface UdpConnectionRequestFields {
  /** Seconds since the Unix epoch (G.2.2: "ts"). */
  readonly ts: number;
  /** Message id, unique per request; repetitions of one request share it (G.2.2: "id"). */
  readonly id: string;
  /** ConnectionRequestUsername. */
  readonly un: string;
  /** Cnonce: a fresh random value. */
  readonly cn: string;
}

export interface UdpConnectionRequestInput extends UdpConnectionRequestFields {
  /** host:port the request line names (the CPE's UDPConnectionRequestAddress). */
  readonly hostPort: string;
  readonly password: string;
}

/** Datagrams larger than this are not connection requests (G.2.2 fits one unfragmented packet). */
export const MAX_UDP_CONNECTION_REQUEST = 1200;

export function annexGSignature(f: UdpConnectionRequestFields, password: string): string {
  return createHmac('sha1', password).update(`${f.ts}${f.id}${f.un}${f.cn}`, 'utf8').digest('hex');
}

export function buildUdpConnectionRequest(input: UdpConnectionRequestInput): Buffer {
  if (!/^[^\s/?#]+$/.test(input.hostPort))
    throw new ConnreqError(ConnreqErrorCode.InvalidArgument, `bad host:port ${input.hostPort}`);
  const sig = annexGSignature(input, input.password);
  const q =
    `ts=${input.ts}&id=${encodeURIComponent(input.id)}&un=${encodeURIComponent(input.un)}` +
    `&cn=${encodeURIComponent(input.cn)}&sig=${sig}`;
  const out = Buffer.from(
    `GET http://${input.hostPort}?${q} HTTP/1.1\r\nHost: ${input.hostPort}\r\n\r\n`,
  );
  if (out.length > MAX_UDP_CONNECTION_REQUEST)
    throw new ConnreqError(ConnreqErrorCode.InvalidArgument, 'UDP connection request too long');
  return out;
}

export interface ParsedUdpConnectionRequest extends UdpConnectionRequestFields {
  readonly host: string;
  readonly sig: string;
}

const REQUEST_LINE = /^GET http:\/\/([^\s/?#]+)\/?\?(\S*) HTTP\/1\.1$/;

/**
 * Parses a UDP connection request datagram (what a CPE does).
 * @throws ConnreqError Malformed
 */
export function parseUdpConnectionRequest(datagram: Buffer): ParsedUdpConnectionRequest {
  if (datagram.length > MAX_UDP_CONNECTION_REQUEST)
    throw new ConnreqError(ConnreqErrorCode.Malformed, 'datagram too long');
  const text = datagram.toString('latin1');
  const eol = text.indexOf('\r\n');
  const m = REQUEST_LINE.exec(eol < 0 ? text : text.slice(0, eol));
  if (m === null) throw new ConnreqError(ConnreqErrorCode.Malformed, 'not an Annex G request line');
  const params = new Map<string, string>();
  for (const pair of (m[2] ?? '').split('&')) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    let v: string;
    try {
      v = decodeURIComponent(pair.slice(i + 1));
    } catch {
      throw new ConnreqError(ConnreqErrorCode.Malformed, 'bad percent-encoding');
    }
    const k = pair.slice(0, i);
    if (params.has(k)) throw new ConnreqError(ConnreqErrorCode.Malformed, `duplicate ${k}`);
    params.set(k, v);
  }
  const need = (k: string): string => {
    const v = params.get(k);
    if (v === undefined || v === '')
      throw new ConnreqError(ConnreqErrorCode.Malformed, `missing ${k}`);
    return v;
  };
  const tsText = need('ts');
  if (!/^[0-9]{1,12}$/.test(tsText)) throw new ConnreqError(ConnreqErrorCode.Malformed, 'bad ts');
  const sig = need('sig');
  if (!/^[0-9a-fA-F]{40}$/.test(sig)) throw new ConnreqError(ConnreqErrorCode.Malformed, 'bad sig');
  return {
    host: m[1] ?? '',
    ts: Number(tsText),
    id: need('id'),
    un: need('un'),
    cn: need('cn'),
    sig,
  };
}

/** Constant-time check of `sig` (hex, either case). */
export function verifyUdpConnectionRequest(
  r: ParsedUdpConnectionRequest,
  password: string,
): boolean {
  const want = Buffer.from(annexGSignature(r, password), 'hex');
  const got = Buffer.from(r.sig, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
