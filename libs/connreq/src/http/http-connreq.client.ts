import { isIP } from 'node:net';
import {
  buildBasicAuthorization,
  buildDigestAuthorization,
  parseAuthHeader,
  parseDigestChallenge,
} from '@acs/cwmp';
import type { AttemptOutcome } from '../ports/attempt.outcome';
import type { Random } from '../ports/clock.port';
import { AddressPolicy } from './address.policy';
import { DnsHostResolver, type HostResolver } from './host.resolver';
import { Http1Connection, Http1Failure, type Http1Reply } from './http1.exchange';

export interface HttpConnectionRequestInput {
  /** ConnectionRequestURL. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

export interface HttpConnectionRequesterOptions {
  readonly policy: AddressPolicy;
  /** Bound on the whole exchange (both round trips). Default 10 s. */
  readonly timeoutMs?: number;
  /** Answer a Basic challenge (TR-069 §3.2.2 allows it only over TLS; CR URLs are http:). */
  readonly allowBasic?: boolean;
  readonly resolver?: HostResolver;
  readonly random: Random;
}

interface Target {
  readonly address: string;
  readonly port: number;
  readonly host: string;
  readonly path: string;
}

class AttemptFailure extends Error {
  constructor(readonly outcome: AttemptOutcome) {
    super(outcome.detail ?? outcome.kind);
  }
}

/**
 * HTTP connection request (TR-069 §3.2.2): GET the ConnectionRequestURL, answer the CPE's Digest
 * challenge, 200/204 = accepted, 503 = busy. Connects to the resolved address the policy allowed
 * (not the name again, so DNS cannot swap it). One connection per wake-up, kept for the retry
 * after the challenge when the CPE allows it, closed right after (no pool: an idle pool of 10^5
 * CPE sockets helps nobody).
 */
export class HttpConnectionRequester {
  private readonly timeoutMs: number;
  private readonly resolver: HostResolver;

  constructor(private readonly options: HttpConnectionRequesterOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.resolver = options.resolver ?? new DnsHostResolver();
  }

  async request(input: HttpConnectionRequestInput): Promise<AttemptOutcome> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      return await this.exchange(await this.target(input.url), input, deadline);
    } catch (e) {
      if (e instanceof AttemptFailure) return e.outcome;
      if (e instanceof Http1Failure) return { kind: e.kind, detail: e.message };
      return { kind: 'error', detail: (e as Error).message };
    }
  }

  private async target(url: string): Promise<Target> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new AttemptFailure({
        kind: 'error',
        detail: `bad ConnectionRequestURL ${JSON.stringify(url)}`,
      });
    }
    if (u.protocol !== 'http:')
      throw new AttemptFailure({
        kind: 'denied',
        detail: `only http: connection request URLs, not ${u.protocol}`,
      });
    if (u.username !== '' || u.password !== '')
      throw new AttemptFailure({ kind: 'denied', detail: 'credentials in the URL' });
    const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (isIP(hostname) !== 0) addresses = [hostname];
    else {
      try {
        addresses = (await this.resolver.resolve(hostname)).map((a) => a.address);
      } catch (e) {
        throw new AttemptFailure({
          kind: 'unreachable',
          detail: `cannot resolve ${hostname}: ${(e as Error).message}`,
        });
      }
    }
    const allowed = addresses.find((a) => this.options.policy.allows(a));
    if (allowed === undefined) {
      const why = addresses.map((a) => this.options.policy.refusal(a)).join('; ');
      throw new AttemptFailure({ kind: 'denied', detail: why || `${hostname} has no address` });
    }
    return {
      address: allowed,
      port: u.port === '' ? 80 : Number(u.port),
      host: u.host,
      path: `${u.pathname}${u.search}`,
    };
  }

  private answer(
    header: string | undefined,
    input: HttpConnectionRequestInput,
    uri: string,
  ): string {
    if (header === undefined)
      throw new AttemptFailure({ kind: 'auth-failed', detail: '401 without WWW-Authenticate' });
    let schemes: string[];
    try {
      schemes = parseAuthHeader(header).map((c) => c.scheme.toLowerCase());
    } catch {
      throw new AttemptFailure({ kind: 'error', detail: 'malformed WWW-Authenticate' });
    }
    if (schemes.includes('digest')) {
      try {
        return buildDigestAuthorization({
          challenge: parseDigestChallenge(header),
          username: input.username,
          password: input.password,
          method: 'GET',
          uri,
          nc: 1,
          randomBytes: (n) => this.options.random.bytes(n),
        });
      } catch (e) {
        throw new AttemptFailure({
          kind: 'error',
          detail: `unusable Digest challenge: ${(e as Error).message}`,
        });
      }
    }
    if (schemes.includes('basic')) {
      if (this.options.allowBasic === true)
        return buildBasicAuthorization(input.username, input.password);
      throw new AttemptFailure({
        kind: 'auth-failed',
        detail: 'the CPE offers only Basic, which the config does not allow',
      });
    }
    throw new AttemptFailure({
      kind: 'auth-failed',
      detail: `unsupported auth scheme(s) ${schemes.join(',')}`,
    });
  }

  /**
   * The challenge and the authorised retry on one connection when the CPE keeps it open after
   * the 401; a new connection when it does not (or closed it before answering the retry).
   */
  private async exchange(t: Target, input: HttpConnectionRequestInput, deadline: number) {
    let conn = new Http1Connection(t.address, t.port, deadline);
    try {
      const first = await conn.get(t.path, t.host, undefined, false);
      if (first.status !== 401) return classify(first, false);
      const authorization = this.answer(first.wwwAuthenticate, input, t.path);
      if (first.reusable)
        try {
          return classify(await conn.get(t.path, t.host, authorization, true), true);
        } catch (e) {
          // A CPE that closed the kept-alive connection instead of reading the retry: once more on
          // a fresh one (the nonce is still unused, the CPE never saw the request).
          if (!(e instanceof Http1Failure) || !e.beforeResponse) throw e;
        }
      conn.close();
      conn = new Http1Connection(t.address, t.port, deadline);
      return classify(await conn.get(t.path, t.host, authorization, true), true);
    } finally {
      conn.close();
    }
  }
}

function classify(r: Http1Reply, authenticated: boolean): AttemptOutcome {
  if (r.status >= 200 && r.status < 300) return { kind: 'accepted', detail: `HTTP ${r.status}` };
  if (r.status === 503) {
    const secs = r.retryAfter === undefined ? NaN : Number(r.retryAfter);
    return {
      kind: 'busy',
      detail: 'HTTP 503',
      ...(Number.isFinite(secs) && secs >= 0 ? { retryAfterMs: Math.min(secs, 3600) * 1000 } : {}),
    };
  }
  if (r.status === 401 && authenticated)
    return { kind: 'auth-failed', detail: 'HTTP 401 after credentials' };
  return { kind: 'error', detail: `HTTP ${r.status}` };
}
