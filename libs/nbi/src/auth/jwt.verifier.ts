import {
  createHmac,
  createPublicKey,
  createVerify,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { NbiError, NbiErrorCode } from '../nbi.error';
import type { NbiClock } from '../nbi.ports';
import type { Principal } from './principal';
import { ROLES, type NbiRole } from './roles.table';

export interface JwtOptions {
  /** HS256 shared secret (at least 32 bytes). */
  readonly hs256Secret?: string;
  /** RS256 public key (PEM). */
  readonly rs256PublicKey?: string;
  /** Required `iss`, when set. */
  readonly issuer?: string;
  /** Required in `aud`, when set. */
  readonly audience?: string;
  /** Tolerated clock difference for exp/nbf, seconds. Default 30. */
  readonly leewaySeconds?: number;
}

const MAX_TOKEN = 8192;

function fail(message: string): NbiError {
  return new NbiError(NbiErrorCode.Unauthenticated, `bearer token refused: ${message}`);
}

function json(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw fail(`${what} is not base64url JSON`);
  }
}

/**
 * JWT bearer tokens (RFC 7519) signed HS256 or RS256, checked with node:crypto. The algorithm
 * comes from the configuration, never from the token alone (no `none`, no HS/RS confusion). The
 * role is the `role` claim, or the highest of a `roles` array; `sub` names the caller.
 */
export class JwtVerifier {
  private readonly rsaKey: KeyObject | undefined;

  constructor(
    private readonly options: JwtOptions,
    private readonly clock: NbiClock,
  ) {
    this.rsaKey =
      options.rs256PublicKey === undefined ? undefined : createPublicKey(options.rs256PublicKey);
  }

  get enabled(): boolean {
    return this.options.hs256Secret !== undefined || this.rsaKey !== undefined;
  }

  verify(token: string): Principal {
    if (!this.enabled) throw fail('JWT authentication is not configured');
    if (token.length > MAX_TOKEN) throw fail('too long');
    const parts = token.split('.');
    if (parts.length !== 3) throw fail('not a JWT');
    const [h, p, s] = parts as [string, string, string];
    const header = json(h, 'header');
    const signed = Buffer.from(`${h}.${p}`, 'ascii');
    const signature = Buffer.from(s, 'base64url');
    if (header.alg === 'HS256' && this.options.hs256Secret !== undefined) {
      const mac = createHmac('sha256', this.options.hs256Secret).update(signed).digest();
      if (mac.length !== signature.length || !timingSafeEqual(mac, signature))
        throw fail('bad signature');
    } else if (header.alg === 'RS256' && this.rsaKey !== undefined) {
      if (!createVerify('RSA-SHA256').update(signed).verify(this.rsaKey, signature))
        throw fail('bad signature');
    } else throw fail(`algorithm ${JSON.stringify(header.alg)} not accepted`);
    const claims = json(p, 'payload');
    const now = this.clock.now() / 1000;
    const leeway = this.options.leewaySeconds ?? 30;
    if (typeof claims.exp !== 'number') throw fail('no exp claim');
    if (claims.exp + leeway < now) throw fail('expired');
    if (typeof claims.nbf === 'number' && claims.nbf - leeway > now) throw fail('not yet valid');
    if (this.options.issuer !== undefined && claims.iss !== this.options.issuer)
      throw fail('wrong issuer');
    if (this.options.audience !== undefined) {
      const aud = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
      if (!aud.includes(this.options.audience)) throw fail('wrong audience');
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw fail('no sub claim');
    const role = roleOf(claims);
    if (role === undefined) throw fail('no role claim (viewer, operator or admin)');
    return { id: `jwt:${claims.sub}`, role, via: 'jwt' };
  }
}

function roleOf(claims: Record<string, unknown>): NbiRole | undefined {
  const listed = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : [claims.role];
  let best: NbiRole | undefined;
  for (const r of listed)
    if ((ROLES as readonly unknown[]).includes(r)) {
      const role = r as NbiRole;
      if (best === undefined || ROLES.indexOf(role) > ROLES.indexOf(best)) best = role;
    }
  return best;
}

/** Signs a HS256 token (tests, tooling). */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
