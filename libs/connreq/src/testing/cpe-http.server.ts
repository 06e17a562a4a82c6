import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createBasicChallenge,
  createDigestChallenge,
  parseBasicAuthorization,
  parseDigestAuthorization,
  verifyDigest,
} from '@acs/cwmp';

/** How the simulated CPE answers a connection request (TR-069 §3.2.2 and field behaviour). */
export type CpeHttpBehaviour =
  | 'digest' // 401 + Digest challenge, then 204 for the right credentials, 401 otherwise
  | 'basic' // 401 + Basic challenge, then 200 for the right credentials
  | 'open' // 200 without authentication
  | 'busy' // 503 (a session is running / rate limited), Retry-After: 1
  | 'slow'; // accepts the connection and never answers

export interface CpeHttpServerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly username: string;
  readonly password: string;
  readonly behaviour?: CpeHttpBehaviour;
  readonly realm?: string;
  /** Called with the request path of every accepted request (benchmarks time it). */
  readonly onAccepted?: (path: string) => void;
  /**
   * Keep the connection open after the 401, for the authorised retry (default true, like most
   * CPE HTTP servers); false closes it (`Connection: close`), so the ACS must reconnect.
   */
  readonly keepAliveAfterChallenge?: boolean;
}

/**
 * A CPE's connection-request listener for tests and benchmarks (one per address:port; any path).
 * Counts what it saw; `accepted` is what a real CPE would turn into a "6 CONNECTION REQUEST" session.
 */
export class CpeHttpServer {
  behaviour: CpeHttpBehaviour;
  readonly counts = {
    connections: 0,
    requests: 0,
    challenged: 0,
    accepted: 0,
    refused: 0,
    busy: 0,
  };
  /** Paths of accepted requests, in order (bounded). */
  readonly acceptedPaths: string[] = [];
  private readonly server: Server;
  private readonly nonces = new Set<string>();
  private readonly realm: string;
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly options: CpeHttpServerOptions) {
    this.behaviour = options.behaviour ?? 'digest';
    this.realm = options.realm ?? 'cpe';
    this.server = createServer({ keepAlive: false }, (req, res) => this.onRequest(req, res));
    this.server.on('connection', () => this.counts.connections++);
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  url(path = '/'): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}${path}`;
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.counts.requests++;
    req.resume();
    const auth = req.headers.authorization;
    switch (this.behaviour) {
      case 'slow':
        this.held.add(res);
        return;
      case 'busy':
        this.counts.busy++;
        res.writeHead(503, { 'retry-after': '1', connection: 'close' }).end();
        return;
      case 'open':
        this.accept(req, res, 200);
        return;
      case 'basic':
        if (auth === undefined) return this.challenge(res, createBasicChallenge(this.realm));
        return this.check(req, res, this.basicOk(auth), 200);
      case 'digest':
        if (auth === undefined) {
          const ch = createDigestChallenge({ realm: this.realm });
          this.remember(ch.nonce);
          return this.challenge(res, ch.header);
        }
        return this.check(req, res, this.digestOk(auth), 204);
    }
  }

  private challenge(res: ServerResponse, header: string): void {
    this.counts.challenged++;
    if (this.options.keepAliveAfterChallenge === false)
      res.writeHead(401, { 'www-authenticate': header, connection: 'close' }).end();
    else res.writeHead(401, { 'www-authenticate': header, 'content-length': '0' }).end();
  }

  private check(req: IncomingMessage, res: ServerResponse, ok: boolean, status: number): void {
    if (ok) return this.accept(req, res, status);
    this.counts.refused++;
    res.writeHead(401, { connection: 'close' }).end();
  }

  private accept(req: IncomingMessage, res: ServerResponse, status: number): void {
    this.counts.accepted++;
    this.options.onAccepted?.(req.url ?? '');
    if (this.acceptedPaths.length < 100_000) this.acceptedPaths.push(req.url ?? '');
    res.writeHead(status, { connection: 'close' }).end();
  }

  private basicOk(header: string): boolean {
    try {
      const c = parseBasicAuthorization(header);
      return c.username === this.options.username && c.password === this.options.password;
    } catch {
      return false;
    }
  }

  private digestOk(header: string): boolean {
    try {
      const c = parseDigestAuthorization(header);
      if (!this.nonces.delete(c.nonce) || c.username !== this.options.username) return false;
      return verifyDigest({
        credentials: c,
        method: 'GET',
        password: this.options.password,
        realm: this.realm,
      });
    } catch {
      return false;
    }
  }

  // One use per nonce (a CR needs exactly one authenticated GET); bounded.
  private remember(nonce: string): void {
    this.nonces.add(nonce);
    if (this.nonces.size > 200_000) {
      const first = this.nonces.values().next();
      if (first.done !== true) this.nonces.delete(first.value);
    }
  }
}
