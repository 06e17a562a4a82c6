import { timingSafeEqual } from 'node:crypto';
import {
  CwmpError,
  createDigestChallenge,
  digestHa1,
  parseBasicAuthorization,
  parseDigestAuthorization,
  verifyDigest,
  type DigestCredentials,
} from '@acs/cwmp';
import type { SessionRegistry } from '@acs/sessions';
import type { CredentialsRepository, CpeCredentials } from './credentials.repository';
import type { AuthConfig } from './gateway.config';
import type { RandomSource } from './runtime.ports';

export interface AuthInput {
  readonly deviceId: string;
  readonly authorization: string | undefined;
  readonly secure: boolean;
  readonly method: string;
}

export type AuthResult =
  | { readonly ok: true }
  /** 401 with these WWW-Authenticate values; `failed` = wrong credentials (counts toward the limit). */
  | {
      readonly ok: false;
      readonly challenges: readonly string[];
      readonly failed: boolean;
      readonly reason: string;
    };

interface NonceState {
  /** Highest nonce count seen (RFC 7616 §3.4: a repeated or lower nc is a replay). */
  readonly nc: number;
  /** The device whose Inform first used the nonce: a nonce serves one session of one device. */
  readonly deviceId?: string;
}

const NONCE_PREFIX = 'nonce:';

/**
 * CPE authentication at the start of a session (TR-069 3.4.4): per-device credentials from the
 * store; Digest with a fresh nonce per session, nonces kept in the session registry so any pod can
 * verify and the nonce count is checked there; Basic only over TLS unless configured; unknown
 * devices per the bootstrap policy.
 */
export class CpeAuthenticator {
  constructor(
    private readonly config: AuthConfig,
    private readonly credentials: CredentialsRepository,
    private readonly registry: SessionRegistry,
    private readonly random: RandomSource,
    private readonly nonceTtlMs: number,
  ) {}

  async authenticate(input: AuthInput): Promise<AuthResult> {
    if (this.config.mode === 'none') return { ok: true };
    const header = input.authorization?.trim();
    if (header === undefined || header === '') return this.challenge(false, 'no credentials');
    const stored = await this.credentials.find(input.deviceId);
    const bootstrap = this.config.bootstrap;
    const expected: Omit<CpeCredentials, '_id'> | undefined =
      stored ??
      (bootstrap.policy === 'register'
        ? { username: bootstrap.username, password: bootstrap.password }
        : undefined);

    const scheme = (header.split(/\s/, 1)[0] ?? '').toLowerCase();
    let ok: boolean;
    if (scheme === 'basic') {
      if (!input.secure && !this.config.basicOverHttp)
        return this.challenge(true, 'Basic refused over plain HTTP');
      ok = expected !== undefined && this.checkBasic(header, expected);
    } else if (scheme === 'digest') {
      let creds: DigestCredentials;
      try {
        creds = parseDigestAuthorization(header);
      } catch (e) {
        if (e instanceof CwmpError) return this.challenge(true, e.message);
        throw e;
      }
      const nonce = await this.loadNonce(creds.nonce);
      // Unknown/expired nonce, or one that already opened a session (a fresh nonce per session;
      // a replayed Authorization lands here too): new nonce, stale=true (RFC 7616 3.3).
      if (nonce === null || nonce.deviceId !== undefined)
        return this.challenge(nonce !== null, 'stale nonce', true);
      if (creds.nc !== undefined && creds.nc <= nonce.nc)
        return this.challenge(true, 'nonce count replayed');
      ok =
        expected !== undefined &&
        creds.username === expected.username &&
        creds.realm === this.config.realm &&
        verifyDigest({
          credentials: creds,
          method: input.method,
          ...(expected.ha1 !== undefined
            ? { ha1: expected.ha1 }
            : { password: expected.password ?? '' }),
        });
      if (ok) await this.saveNonce(creds.nonce, { nc: creds.nc ?? 1, deviceId: input.deviceId });
    } else {
      return this.challenge(true, `unsupported scheme ${scheme}`);
    }
    if (!ok)
      return this.challenge(
        true,
        stored === undefined && bootstrap.policy === 'reject'
          ? 'unknown device'
          : 'wrong credentials',
      );
    if (stored === undefined && expected !== undefined) {
      await this.credentials.register({ _id: input.deviceId, ...expected });
    }
    return { ok: true };
  }

  private checkBasic(header: string, expected: Omit<CpeCredentials, '_id'>): boolean {
    let given: { username: string; password: string };
    try {
      given = parseBasicAuthorization(header);
    } catch (e) {
      if (e instanceof CwmpError) return false;
      throw e;
    }
    if (given.username !== expected.username) return false;
    if (expected.password !== undefined) return safeEqual(given.password, expected.password);
    if (expected.ha1 !== undefined)
      return safeEqual(
        digestHa1(given.username, this.config.realm, given.password, 'MD5'),
        expected.ha1.toLowerCase(),
      );
    return false;
  }

  private async challenge(failed: boolean, reason: string, stale = false): Promise<AuthResult> {
    const issued = createDigestChallenge({
      realm: this.config.realm,
      stale,
      randomBytes: (n) => this.random.bytes(n),
    });
    await this.saveNonce(issued.nonce, { nc: 0 });
    const challenges = [issued.header];
    if (this.config.basicOverHttp) challenges.push(`Basic realm="${this.config.realm}"`);
    return { ok: false, challenges, failed, reason };
  }

  private async loadNonce(nonce: string): Promise<NonceState | null> {
    if (nonce.length === 0 || nonce.length > 128) return null;
    const raw = await this.registry.getRecord(NONCE_PREFIX + nonce);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as NonceState;
    } catch {
      return null;
    }
  }

  private async saveNonce(nonce: string, state: NonceState): Promise<void> {
    await this.registry.putRecord(NONCE_PREFIX + nonce, JSON.stringify(state), this.nonceTtlMs);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
