import net from 'node:net';
import tls from 'node:tls';
import { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';

// A minimal HTTP/1.1 client connection for CWMP sessions. node:http's client costs about four
// times as much CPU per request (bench/sim.bench.ts measured 1.5k vs 6.3k two-request sessions/s
// on the same loopback server), and one process has to drive thousands of sessions per second.
// A CWMP session needs little of HTTP: sequential POSTs on one connection, Content-Length or
// chunked responses, Set-Cookie, WWW-Authenticate. Anything else is refused with an error.

export interface HttpResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined in order (set-cookie kept apart). */
  readonly headers: ReadonlyMap<string, string>;
  readonly setCookies: readonly string[];
  readonly body: Buffer;
}

const MAX_HEAD = 16 * 1024;
const MAX_BODY = 8 * 1024 * 1024;

type Parse =
  | { readonly kind: 'more' }
  | {
      readonly kind: 'done';
      readonly response: HttpResponse;
      readonly rest: Buffer;
      readonly close: boolean;
    };

/** Parses one response from `buf` (pure; exported for tests). Throws CpeSimError on bad input. */
export function parseHttpResponse(buf: Buffer, ended: boolean): Parse {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) {
    if (buf.length > MAX_HEAD) throw bad('response head too large');
    if (ended) throw bad('connection closed before the response head');
    return { kind: 'more' };
  }
  const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (m === null) throw bad('not an HTTP/1.x status line');
  const status = Number(m[1]);
  const headers = new Map<string, string>();
  const setCookies: string[] = [];
  for (const line of lines.slice(1)) {
    const c = line.indexOf(':');
    if (c <= 0) throw bad('malformed header line');
    const name = line.slice(0, c).trim().toLowerCase();
    const value = line.slice(c + 1).trim();
    if (name === 'set-cookie') setCookies.push(value);
    else headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const close = /\bclose\b/i.test(headers.get('connection') ?? '');
  const start = headEnd + 4;
  const done = (body: Buffer, end: number): Parse => ({
    kind: 'done',
    response: { status, headers, setCookies, body },
    rest: buf.subarray(end),
    close,
  });
  if (status === 204 || status === 304 || (status >= 100 && status < 200))
    return done(Buffer.alloc(0), start);
  const te = headers.get('transfer-encoding');
  if (te !== undefined) {
    if (!/^chunked$/i.test(te)) throw bad(`unsupported transfer-encoding ${te}`);
    const parts: Buffer[] = [];
    let at = start;
    let total = 0;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return ended ? fail('truncated chunked body') : { kind: 'more' };
      const size = parseInt(buf.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
      if (!Number.isFinite(size) || size < 0) throw bad('bad chunk size');
      total += size;
      if (total > MAX_BODY) throw bad('response body too large');
      if (size === 0) {
        // No trailers expected; accept an empty trailer section.
        const trailerEnd = buf.indexOf('\r\n', lineEnd + 2);
        if (trailerEnd < 0) return ended ? fail('truncated chunked body') : { kind: 'more' };
        return done(Buffer.concat(parts), trailerEnd + 2);
      }
      if (buf.length < lineEnd + 2 + size + 2)
        return ended ? fail('truncated chunked body') : { kind: 'more' };
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const cl = headers.get('content-length');
  if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) throw bad('bad content-length');
    const len = Number(cl);
    if (len > MAX_BODY) throw bad('response body too large');
    if (buf.length - start < len) return ended ? fail('truncated body') : { kind: 'more' };
    return done(Buffer.from(buf.subarray(start, start + len)), start + len);
  }
  // Body delimited by the connection closing.
  if (buf.length - start > MAX_BODY) throw bad('response body too large');
  if (!ended) return { kind: 'more' };
  return {
    ...(done(Buffer.from(buf.subarray(start)), buf.length) as Extract<Parse, { kind: 'done' }>),
    close: true,
  };
}

function bad(message: string): CpeSimError {
  return new CpeSimError(CpeSimErrorCode.Transport, message);
}
function fail(message: string): never {
  throw bad(message);
}

/** One keep-alive connection to the ACS; reconnects when the server closed it between requests. */
export class Http1Connection {
  private socket: net.Socket | undefined;
  private busy = false;

  constructor(
    private readonly url: URL,
    private readonly timeoutMs: number,
  ) {}

  request(
    method: string,
    headers: Readonly<Record<string, string>>,
    body: string,
  ): Promise<HttpResponse> {
    if (this.busy) return Promise.reject(bad('one request at a time per connection'));
    this.busy = true;
    const host = this.url.host;
    let head = `${method} ${this.url.pathname}${this.url.search} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    const payload = `${head}\r\n${body}`;
    const socket = this.socket ?? this.connect();
    this.socket = socket;
    return new Promise<HttpResponse>((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      const cleanup = (): void => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        socket.off('timeout', onTimeout);
        this.busy = false;
      };
      const finish = (ended: boolean): void => {
        let r: Parse;
        try {
          r = parseHttpResponse(buf, ended);
        } catch (e) {
          cleanup();
          this.close();
          reject(e instanceof Error ? e : bad(String(e)));
          return;
        }
        if (r.kind === 'more') return;
        cleanup();
        if (r.close || ended) this.close();
        resolve(r.response);
      };
      const onData = (d: Buffer): void => {
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        finish(false);
      };
      const onEnd = (): void => finish(true);
      const onError = (e: Error): void => {
        cleanup();
        this.close();
        reject(bad(e.message));
      };
      const onTimeout = (): void => onError(new Error('ACS did not answer in time'));
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      socket.on('timeout', onTimeout);
      socket.write(payload);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const s =
      this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined })
        : net.connect({ host, port });
    s.setNoDelay(true);
    s.setTimeout(this.timeoutMs);
    return s;
  }
}
