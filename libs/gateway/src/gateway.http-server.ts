import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inflate, gunzip, type InputType, type ZlibOptions } from 'node:zlib';
import { BusError } from '@acs/bus';
import { SessionsError } from '@acs/sessions';
import { StoreError } from '@acs/store';
import {
  SESSION_COOKIE,
  type CwmpHttpReply,
  type CwmpSessionHandler,
} from './cwmp-session.handler';
import { GatewayError, GatewayErrorCode } from './gateway.error';
import type { GatewayConfig } from './gateway.config';
import type { GatewayLogger } from './runtime.ports';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

type Unzip = (
  buf: InputType,
  options: ZlibOptions,
  cb: (err: Error | null, result: Buffer) => void,
) => void;

const DECODERS: Record<string, Unzip | null> = {
  identity: null,
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
};

/**
 * The CPE-facing HTTP(S) endpoint on plain node:http: transport checks (405, 415, 413, 408),
 * gzip/deflate bodies with a decompressed-size limit, keep-alive, slowloris deadlines, and the
 * one mapping from errors to HTTP statuses (docs/gateway.md "Statuses").
 */
export class GatewayHttpServer {
  private readonly server: Server;
  private readonly tls: boolean;
  private inFlight = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly handler: CwmpSessionHandler,
    private readonly logger: GatewayLogger,
    tls?: TlsMaterial,
  ) {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      this.inFlight++;
      res.once('close', () => this.inFlight--);
      this.serve(req, res).catch((e: unknown) => {
        this.logger.error({ err: e }, 'unhandled error in request');
        if (!res.headersSent) send(res, { status: 500, headers: {}, body: 'internal error\n' });
        else res.destroy();
      });
    };
    this.tls = tls !== undefined;
    this.server =
      tls === undefined
        ? createHttpServer({ keepAlive: true }, listener)
        : createHttpsServer({ cert: tls.cert, key: tls.key }, listener);
    this.server.headersTimeout = config.headersTimeoutMs;
    // Whole-request deadline: headers plus body (our own body deadline is tighter).
    this.server.requestTimeout = config.headersTimeoutMs + config.bodyTimeoutMs;
    this.server.keepAliveTimeout = config.keepAliveTimeoutMs;
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  get secure(): boolean {
    return this.tls;
  }

  /** Requests being handled right now (a gauge for metrics and tests). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  async listen(port = this.config.port, host = this.config.bind): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Stops accepting connections; open ones finish their request, idle ones close. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  /** Drops every connection at once (end of the drain deadline). */
  destroyConnections(): void {
    this.server.closeAllConnections();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      req.resume();
      return send(res, { status: 405, headers: { allow: 'POST' }, body: 'only POST\n' });
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decoder = DECODERS[encoding];
    if (decoder === undefined || !Object.hasOwn(DECODERS, encoding)) {
      req.resume();
      return send(res, {
        status: 415,
        headers: { 'accept-encoding': 'gzip, deflate' },
        body: `unsupported content-encoding ${encoding}\n`,
      });
    }
    let body: Buffer;
    try {
      body = await this.readBody(req);
      // Some CPEs label even the empty POST as gzip: nothing to inflate.
      if (decoder !== null && body.length > 0)
        body = await decompress(decoder, body, this.config.maxBodyBytes);
    } catch (e) {
      return send(res, this.replyForError(e), true);
    }
    let reply: CwmpHttpReply;
    try {
      const sessionId = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const traceparent = req.headers.traceparent;
      reply = await this.handler.handle({
        body,
        ...(sessionId === undefined ? {} : { sessionId }),
        ...(req.headers.authorization === undefined
          ? {}
          : { authorization: req.headers.authorization }),
        remoteAddress: req.socket.remoteAddress ?? '',
        secure: this.secure,
        ...(typeof traceparent === 'string' ? { traceparent } : {}),
      });
    } catch (e) {
      reply = this.replyForError(e);
    }
    send(res, reply);
  }

  private replyForError(e: unknown): CwmpHttpReply {
    const plain = (
      status: number,
      msg: string,
      extra: Record<string, string> = {},
    ): CwmpHttpReply => ({
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
      body: `${msg}\n`,
    });
    if (e instanceof GatewayError) {
      switch (e.code) {
        case GatewayErrorCode.BadRequest:
          return plain(400, e.message);
        case GatewayErrorCode.PayloadTooLarge:
          return plain(413, e.message);
        case GatewayErrorCode.UnsupportedEncoding:
          return plain(415, e.message);
        case GatewayErrorCode.BodyTimeout:
          return plain(408, e.message);
        case GatewayErrorCode.Unavailable:
          break;
      }
    }
    if (
      e instanceof GatewayError ||
      e instanceof BusError ||
      e instanceof SessionsError ||
      e instanceof StoreError
    ) {
      this.logger.warn({ err: e }, 'dependency unavailable');
      return plain(503, 'temporarily unavailable', {
        'retry-after': String(this.config.retryAfterSeconds),
      });
    }
    this.logger.error({ err: e }, 'request failed');
    return plain(500, 'internal error');
  }

  /** Reads the raw body within the size limit and the body deadline (slowloris). */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this.config.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      req.resume();
      return Promise.reject(
        new GatewayError(GatewayErrorCode.PayloadTooLarge, `body over ${max} bytes`),
      );
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (e: GatewayError): void => {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new GatewayError(GatewayErrorCode.BodyTimeout, 'body not received in time')),
        this.config.bodyTimeoutMs,
      );
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max)
          return fail(new GatewayError(GatewayErrorCode.PayloadTooLarge, `body over ${max} bytes`));
        chunks.push(c);
      });
      req.once('end', () => {
        clearTimeout(timer);
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      });
      req.once('error', () =>
        fail(new GatewayError(GatewayErrorCode.BadRequest, 'request aborted')),
      );
    });
  }
}

function decompress(decoder: Unzip, body: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxOutputLength stops a zip bomb before it is inflated in memory.
    decoder(body, { maxOutputLength: max }, (err, out) => {
      if (err === null) return resolve(out);
      const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      reject(
        new GatewayError(
          tooLarge ? GatewayErrorCode.PayloadTooLarge : GatewayErrorCode.BadRequest,
          tooLarge ? `decompressed body over ${max} bytes` : `bad compressed body: ${err.message}`,
        ),
      );
    });
  });
}

function send(res: ServerResponse, reply: CwmpHttpReply, close = false): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(reply.headers))
    headers[k] = typeof v === 'string' ? v : [...v];
  const body = reply.body === undefined ? undefined : Buffer.from(reply.body, 'utf8');
  headers['content-length'] = String(body?.length ?? 0);
  // After a refused body the rest of it may still be on the wire: do not reuse the connection.
  if (close) headers['connection'] = 'close';
  res.writeHead(reply.status, headers);
  res.end(body);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
