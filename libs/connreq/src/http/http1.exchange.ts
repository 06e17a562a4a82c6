import { connect, type Socket } from 'node:net';

// A minimal HTTP/1.1 client for connection requests (TR-069 §3.2.2): GET, read the response head,
// never the final body. It exists so that the Digest challenge and the authorised retry share one
// TCP connection when the CPE keeps it open (RFC 7230 §6.3 persistence; RFC 7616 §3.4 lets the
// client retry on the same connection), halving connection setups per wake-up, and so that the
// hot path does not build node:http's request/response machinery twice per wake-up.

/** The largest response head read; a CPE sending more gets an error, not our memory. */
export const MAX_RESPONSE_HEAD = 16 * 1024;
/** A 401 body larger than this (or chunked, or of unknown length) is not skipped: new connection. */
export const MAX_SKIPPED_BODY = 64 * 1024;

export interface Http1Reply {
  readonly status: number;
  readonly wwwAuthenticate?: string;
  readonly retryAfter?: string;
  /** The CPE keeps the connection open for another request (HTTP/1.1, no close, known length). */
  readonly reusable: boolean;
}

export type Http1FailureKind = 'unreachable' | 'error';

export class Http1Failure extends Error {
  constructor(
    readonly kind: Http1FailureKind,
    message: string,
    /** The connection closed before any byte of the response (a reused one may be retried). */
    readonly beforeResponse = false,
  ) {
    super(message);
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
// One instance for every deliberately closed connection: building an Error (a stack trace) per
// wake-up for the normal end of an exchange showed up in the profile.
const CLOSED = new Http1Failure('error', 'closed');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
// Header values we copy into our next request (Digest fields come from the challenge).
const UNSAFE_IN_HEADER = /[\r\n\0]/;

type Pending = {
  resolve: (r: Http1Reply) => void;
  reject: (e: Http1Failure) => void;
};

/**
 * One TCP connection to a CPE's connection-request listener. `get` writes a request and resolves
 * with the response head; after a reusable reply the next `get` goes on the same connection. Every
 * failure (refused, reset, timeout, a malformed or oversized head) rejects with Http1Failure; the
 * deadline covers the whole life of the connection.
 */
export class Http1Connection {
  private socket: Socket | undefined;
  private connected = false;
  private head: Buffer | undefined;
  private skip = 0;
  private received = 0;
  private pending: Pending | undefined;
  private failure: Http1Failure | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly address: string,
    private readonly port: number,
    deadline: number,
  ) {
    this.timer = setTimeout(
      () => this.fail(() => new Http1Failure('unreachable', 'timed out')),
      Math.max(0, deadline - Date.now()),
    );
  }

  /** Resolves with the response head of `GET path` (the socket is opened on the first call). */
  get(
    path: string,
    host: string,
    authorization: string | undefined,
    last: boolean,
  ): Promise<Http1Reply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined)
      return Promise.reject(new Http1Failure('error', 'a request is already in flight'));
    if (
      UNSAFE_IN_HEADER.test(path) ||
      UNSAFE_IN_HEADER.test(host) ||
      (authorization !== undefined && UNSAFE_IN_HEADER.test(authorization))
    )
      return Promise.reject(new Http1Failure('error', 'line break in a request header'));
    const text =
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n` +
      (authorization === undefined ? '' : `Authorization: ${authorization}\r\n`) +
      (last ? 'Connection: close\r\n\r\n' : '\r\n');
    return new Promise<Http1Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.received = 0;
      const socket = this.socket ?? this.open();
      socket.write(text, 'latin1');
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.failure ??= CLOSED;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    const socket = connect({ host: this.address, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      this.fail(() => new Http1Failure('unreachable', e.code ?? e.message, this.received === 0)),
    );
    socket.on('close', () =>
      this.fail(
        () =>
          new Http1Failure(
            'unreachable',
            this.connected ? 'connection closed before the response' : 'connection failed',
            this.received === 0,
          ),
      ),
    );
    return socket;
  }

  /** `make` builds the failure only when it is the first one (the usual close is not). */
  private fail(make: Http1Failure | (() => Http1Failure)): void {
    if (this.failure !== undefined) return;
    const e = typeof make === 'function' ? make() : make;
    this.failure = e;
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = undefined;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.pending === undefined) {
      // Bytes nobody asked for (after a reply we are done with): drop the connection.
      if (this.skip >= chunk.length) this.skip -= chunk.length;
      else this.fail(new Http1Failure('error', 'unexpected data from the CPE'));
      return;
    }
    let data = chunk;
    if (this.skip > 0) {
      // The rest of the previous (401) body.
      const n = Math.min(this.skip, data.length);
      this.skip -= n;
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    const buf = this.head === undefined ? data : Buffer.concat([this.head, data]);
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0) {
      if (buf.length > MAX_RESPONSE_HEAD)
        return this.fail(new Http1Failure('error', 'response head too large'));
      this.head = buf;
      return;
    }
    this.head = undefined;
    if (end > MAX_RESPONSE_HEAD)
      return this.fail(new Http1Failure('error', 'response head too large'));
    let reply: Http1Reply & { bodyLength: number };
    try {
      reply = parseHead(buf.toString('latin1', 0, end));
    } catch (e) {
      return this.fail(e as Http1Failure);
    }
    const rest = buf.length - (end + 4);
    const p = this.pending;
    this.pending = undefined;
    if (reply.reusable) {
      this.skip = reply.bodyLength;
      if (rest > reply.bodyLength) {
        // More than the body: a CPE talking out of turn. Not reused.
        p.resolve({ ...strip(reply), reusable: false });
        this.close();
        return;
      }
      this.skip -= rest;
    }
    p.resolve(strip(reply));
  }
}

function strip(r: Http1Reply & { bodyLength: number }): Http1Reply {
  return {
    status: r.status,
    reusable: r.reusable,
    ...(r.wwwAuthenticate === undefined ? {} : { wwwAuthenticate: r.wwwAuthenticate }),
    ...(r.retryAfter === undefined ? {} : { retryAfter: r.retryAfter }),
  };
}

/** Parses a response head (without the blank line). @throws Http1Failure('error') */
export function parseHead(head: string): Http1Reply & { bodyLength: number } {
  const lines = head.split('\r\n');
  const m = STATUS_LINE.exec(lines[0] ?? '');
  if (m === null) throw new Http1Failure('error', 'malformed HTTP status line');
  let www: string | undefined;
  let retryAfter: string | undefined;
  let length: number | undefined;
  let chunked = false;
  let close = m[1] === '0';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    if (colon <= 0 || line.includes('\n') || line.includes('\0'))
      throw new Http1Failure('error', 'malformed HTTP header');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (name) {
      case 'www-authenticate':
        // Several challenges: joined as node:http does, which parseAuthHeader reads.
        www = www === undefined ? value : `${www}, ${value}`;
        break;
      case 'retry-after':
        retryAfter = value;
        break;
      case 'content-length': {
        const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(n) || (length !== undefined && length !== n))
          throw new Http1Failure('error', 'bad Content-Length');
        length = n;
        break;
      }
      case 'transfer-encoding':
        chunked = true;
        break;
      case 'connection': {
        const tokens = value.toLowerCase().split(',');
        if (tokens.some((t) => t.trim() === 'close')) close = true;
        else if (m[1] === '0' && tokens.some((t) => t.trim() === 'keep-alive')) close = false;
        break;
      }
    }
  }
  const status = Number(m[2]);
  // 1xx, 204 and 304 have no body (RFC 7230 §3.3.3); otherwise the length must be known.
  const noBody = status === 204 || status === 304 || status < 200;
  const bodyLength = noBody ? 0 : (length ?? -1);
  const reusable = !close && !chunked && bodyLength >= 0 && bodyLength <= MAX_SKIPPED_BODY;
  return {
    status,
    reusable,
    bodyLength: Math.max(0, bodyLength),
    ...(www === undefined ? {} : { wwwAuthenticate: www }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}
