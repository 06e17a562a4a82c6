import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDigestChallenge,
  parseDigestAuthorization,
  verifyDigest,
  type RandomBytes,
} from '@acs/cwmp';
import type { CpeFleet } from './cpe.fleet';

export interface ConnectionRequestServerOptions {
  readonly host: string;
  readonly port: number;
  /** Path prefix; a device's URL is `http://host:port<prefix><url-encoded device id>`. */
  readonly prefix: string;
  readonly realm: string;
  readonly randomBytes?: RandomBytes;
}

// Issued nonces kept for verification; old ones are dropped (an ACS retrying later gets a new one).
const MAX_NONCES = 20_000;

/**
 * The devices' HTTP connection request endpoint (TR-069 3.2.2): one listening server for the whole
 * fleet, one path per device. GET with Digest authentication against the device's
 * ConnectionRequestUsername/Password; 200 when accepted (the device then informs with
 * "6 CONNECTION REQUEST"), 503 while a session runs or above the rate limit, 401 without valid
 * credentials, 404 for an unknown device.
 */
export class ConnectionRequestServer {
  private server: http.Server | undefined;
  private readonly nonces = new Map<string, number>();
  accepted = 0;
  refused = 0;

  constructor(
    private readonly fleet: CpeFleet,
    private readonly options: ConnectionRequestServerOptions,
  ) {}

  async listen(): Promise<number> {
    const server = http.createServer((req, res) => this.handle(req, res));
    // A client that sends garbage gets a 400 from node:http; it must never reach 'error' unhandled.
    server.on('clientError', (_e, socket) => socket.destroy());
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, resolve);
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    const url = req.url ?? '';
    if (!url.startsWith(this.options.prefix)) return end(res, 404);
    if (req.method !== 'GET') return end(res, 405);
    let deviceId: string;
    try {
      deviceId = decodeURIComponent(url.slice(this.options.prefix.length).split('?')[0] ?? '');
    } catch {
      return end(res, 404);
    }
    const cpe = this.fleet.get(deviceId);
    if (cpe === undefined) return end(res, 404);
    const header = req.headers.authorization;
    let authorized = false;
    if (header !== undefined) {
      try {
        const credentials = parseDigestAuthorization(header);
        authorized =
          this.nonces.has(credentials.nonce) &&
          credentials.username === cpe.crUsername &&
          verifyDigest({
            credentials,
            method: 'GET',
            password: cpe.crPassword,
            realm: this.options.realm,
          });
      } catch {
        authorized = false;
      }
    }
    if (!authorized) {
      const challenge = createDigestChallenge({
        realm: this.options.realm,
        ...(this.options.randomBytes === undefined
          ? {}
          : { randomBytes: this.options.randomBytes }),
      });
      if (this.nonces.size >= MAX_NONCES) {
        const oldest = this.nonces.keys().next().value;
        if (oldest !== undefined) this.nonces.delete(oldest);
      }
      this.nonces.set(challenge.nonce, 1);
      res.setHeader('WWW-Authenticate', challenge.header);
      return end(res, 401);
    }
    if (this.fleet.connectionRequest(cpe)) {
      this.accepted++;
      return end(res, 200);
    }
    this.refused++;
    end(res, 503);
  }
}

function end(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 }).end();
}
