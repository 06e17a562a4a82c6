import http from 'node:http';
import {
  buildBasicAuthorization,
  buildDigestAuthorization,
  parseDigestChallenge,
  type DigestChallenge,
} from '@acs/cwmp';
import { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';
import type { SessionTransport, TransportResponse } from './cpe.session';
import type { SimulatedCpe } from './simulated-cpe';

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface HttpTransportOptions {
  readonly timeoutMs: number;
}

/**
 * One session over node:http: a keep-alive Agent with a single socket (the session stays on one
 * TCP connection, TR-069 3.4.1), the session's cookies (3.4.3: sent back on every request), and
 * client authentication — pre-emptive Basic if the group says so, else answering the ACS's
 * Digest or Basic challenge and reusing a Digest challenge with a growing nonce count.
 */
export class HttpSessionTransport implements SessionTransport {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly cookies = new Map<string, string>();
  private digest: DigestChallenge | undefined;
  private nc = 0;
  private basic: boolean;
  private readonly url: URL;

  constructor(
    private readonly cpe: SimulatedCpe,
    private readonly options: HttpTransportOptions = { timeoutMs: 30_000 },
  ) {
    this.url = new URL(
      cpe.model.rawRead(`${cpe.model.root}ManagementServer.URL`) ?? cpe.group.acsUrl,
    );
    this.basic = cpe.group.preemptiveBasic;
  }

  async post(body: string): Promise<TransportResponse> {
    const res = await this.once(body);
    if (res.status !== 401 || res.challenge === undefined) return res;
    // One answer per challenge: a second 401 means the credentials are wrong.
    if (/^\s*digest/i.test(res.challenge) || /,\s*digest/i.test(res.challenge)) {
      try {
        this.digest = parseDigestChallenge(res.challenge);
        this.nc = 0;
      } catch {
        throw new CpeSimError(CpeSimErrorCode.Transport, 'unusable Digest challenge from the ACS');
      }
    } else if (/^\s*basic/i.test(res.challenge)) {
      this.basic = true;
    } else {
      return res;
    }
    return this.once(body);
  }

  close(): void {
    this.agent.destroy();
  }

  private authorization(): string | undefined {
    const user = this.cpe.acsUsername;
    const password = this.cpe.group.acsPassword;
    if (this.digest !== undefined)
      return buildDigestAuthorization({
        challenge: this.digest,
        username: user,
        password,
        method: 'POST',
        uri: this.url.pathname + this.url.search,
        nc: ++this.nc,
      });
    if (this.basic) return buildBasicAuthorization(user, password);
    return undefined;
  }

  private once(body: string): Promise<TransportResponse & { challenge?: string }> {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'text/xml; charset="utf-8"',
      'content-length': Buffer.byteLength(body),
    };
    // TR-069 3.4.1: SOAPAction header on every POST carrying a request (empty for responses is fine).
    if (body !== '') headers['soapaction'] = '';
    const auth = this.authorization();
    if (auth !== undefined) headers['authorization'] = auth;
    if (this.cookies.size > 0)
      headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.url,
        { method: 'POST', agent: this.agent, headers, timeout: this.options.timeoutMs },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const pair = c.split(';', 1)[0] ?? '';
            const eq = pair.indexOf('=');
            if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error('ACS response too large'));
            else chunks.push(c);
          });
          res.on('end', () => {
            const challenge = res.headers['www-authenticate'];
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(typeof challenge === 'string' ? { challenge } : {}),
            });
          });
          res.on('error', (e) => reject(new CpeSimError(CpeSimErrorCode.Transport, e.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error('ACS did not answer in time')));
      req.on('error', (e) => reject(new CpeSimError(CpeSimErrorCode.Transport, e.message)));
      req.end(body);
    });
  }
}
