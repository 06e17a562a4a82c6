import {
  buildBasicAuthorization,
  buildDigestAuthorization,
  parseDigestChallenge,
  type DigestChallenge,
} from '@acs/cwmp';
import { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';
import type { SessionTransport, TransportResponse } from './cpe.session';
import type { SimulatedCpe } from './simulated-cpe';
import { Http1Connection } from './http1.connection';

export interface HttpTransportOptions {
  readonly timeoutMs: number;
}

/**
 * One session over one keep-alive HTTP/1.1 connection (Http1Connection; the session stays on one
 * TCP connection where the ACS allows, TR-069 3.4.1), the session's cookies (3.4.3: sent back on every request), and
 * client authentication — pre-emptive Basic if the group says so, else answering the ACS's
 * Digest or Basic challenge and reusing a Digest challenge with a growing nonce count.
 */
export class HttpSessionTransport implements SessionTransport {
  private readonly connection: Http1Connection;
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
    this.connection = new Http1Connection(this.url, options.timeoutMs);
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
    this.connection.close();
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

  private async once(body: string): Promise<TransportResponse & { challenge?: string }> {
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset="utf-8"' };
    // TR-069 3.4.1: SOAPAction on POSTs that carry a SOAP request or response.
    if (body !== '') headers['SOAPAction'] = '';
    const auth = this.authorization();
    if (auth !== undefined) headers['Authorization'] = auth;
    if (this.cookies.size > 0)
      headers['Cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.connection.request('POST', headers, body);
    for (const c of res.setCookies) {
      const pair = c.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const challenge = res.headers.get('www-authenticate');
    return {
      status: res.status,
      body: res.body.toString('utf8'),
      ...(challenge === undefined ? {} : { challenge }),
    };
  }
}
