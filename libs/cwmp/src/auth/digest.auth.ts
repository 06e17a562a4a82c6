import { createHash, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import { parseAuthHeader } from './auth-header.parser';

// HTTP Digest (RFC 7616) for both CWMP directions: the ACS challenges CPEs (TR-069 §3.4.4), and the
// ACS/simulator answers a CPE's connection-request challenge (TR-069 §3.2.2) — and the reverse in the
// simulator. qop=auth only; RFC 2069 (no qop) responses are verified for old CPEs.

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

function algorithmOf(s: string | undefined): DigestAlgorithm {
  // RFC 7616 §3.3: absent means MD5.
  const a = ALGORITHMS[(s ?? 'MD5').toLowerCase()];
  if (a === undefined)
    throw new CwmpError(
      CwmpErrorCode.AuthMalformed,
      `unsupported digest algorithm ${JSON.stringify(s)}`,
    );
  return a;
}

function h(algorithm: DigestAlgorithm, data: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(data, 'utf8')
    .digest('hex');
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

export type RandomBytes = (n: number) => Buffer;

/** H(username:realm:password), what an ACS may store instead of the password (RFC 7616 §3.4.2). */
export function digestHa1(
  username: string,
  realm: string,
  password: string,
  algorithm: DigestAlgorithm = 'MD5',
): string {
  return h(algorithm, `${username}:${realm}:${password}`);
}

interface ResponseInput {
  readonly algorithm: DigestAlgorithm;
  /** Non-session HA1 (see {@link digestHa1}). */
  readonly ha1: string;
  readonly nonce: string;
  readonly cnonce?: string;
  readonly nc?: string;
  readonly qop?: string;
  readonly method: string;
  readonly uri: string;
}

/** RFC 7616 §3.4.1 response (or RFC 2069 without qop). */
function computeResponse(p: ResponseInput): string {
  const ha1 = p.algorithm.endsWith('-sess')
    ? h(p.algorithm, `${p.ha1}:${p.nonce}:${p.cnonce ?? ''}`)
    : p.ha1;
  const ha2 = h(p.algorithm, `${p.method}:${p.uri}`);
  return p.qop === undefined
    ? h(p.algorithm, `${ha1}:${p.nonce}:${ha2}`)
    : h(p.algorithm, `${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`);
}

// ---------------------------------------------------------------- server side (verifier)

export interface DigestChallengeOptions {
  readonly realm: string;
  readonly algorithm?: DigestAlgorithm;
  /** Defaults to 16 fresh random bytes, base64url. Use a fresh nonce per session (CWMP-NOTES "Session"). */
  readonly nonce?: string;
  readonly opaque?: string;
  /** RFC 7616 §3.3: the nonce expired but the credentials were right; the client retries without asking the user. */
  readonly stale?: boolean;
  readonly randomBytes?: RandomBytes;
}

export interface IssuedDigestChallenge {
  /** Value of the WWW-Authenticate header. */
  readonly header: string;
  readonly nonce: string;
  readonly opaque: string;
  readonly algorithm: DigestAlgorithm;
}

export function createDigestChallenge(options: DigestChallengeOptions): IssuedDigestChallenge {
  const rnd = options.randomBytes ?? cryptoRandomBytes;
  const algorithm = options.algorithm ?? 'MD5';
  const nonce = options.nonce ?? rnd(16).toString('base64url');
  const opaque = options.opaque ?? rnd(12).toString('base64url');
  const header =
    `Digest realm=${quote(options.realm)}, qop="auth", algorithm=${algorithm}, nonce=${quote(nonce)}, opaque=${quote(opaque)}` +
    (options.stale === true ? ', stale=true' : '');
  return { header, nonce, opaque, algorithm };
}

/** The fields of a Digest Authorization header. */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop?: string;
  /** Nonce count as a number, so the caller can refuse replays (must grow per nonce). */
  readonly nc?: number;
  /** Nonce count as sent (8 hex digits), which the hash covers. */
  readonly ncHex?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
}

/** @throws CwmpError AuthMalformed when the header is not Digest or lacks a required field. */
export function parseDigestAuthorization(header: string): DigestCredentials {
  const [c] = parseAuthHeader(header);
  if (c === undefined || c.scheme.toLowerCase() !== 'digest')
    throw new CwmpError(CwmpErrorCode.AuthMalformed, 'not a Digest Authorization header');
  const p = c.params;
  const need = (k: string): string => {
    const v = p[k];
    if (v === undefined)
      throw new CwmpError(CwmpErrorCode.AuthMalformed, `Digest credentials lack ${k}`);
    return v;
  };
  const qop = p['qop'];
  let nc: number | undefined;
  if (qop !== undefined) {
    if (qop.toLowerCase() !== 'auth')
      throw new CwmpError(CwmpErrorCode.AuthMalformed, `unsupported qop ${JSON.stringify(qop)}`);
    const ncHex = need('nc');
    if (!/^[0-9a-fA-F]{1,8}$/.test(ncHex))
      throw new CwmpError(CwmpErrorCode.AuthMalformed, 'bad nc');
    nc = parseInt(ncHex, 16);
    need('cnonce');
  }
  return {
    username: need('username'),
    realm: need('realm'),
    nonce: need('nonce'),
    uri: need('uri'),
    response: need('response'),
    algorithm: algorithmOf(p['algorithm']),
    ...(qop === undefined
      ? {}
      : { qop: qop.toLowerCase(), nc, ncHex: p['nc'], cnonce: p['cnonce'] }),
    ...(p['opaque'] === undefined ? {} : { opaque: p['opaque'] }),
  };
}

export interface DigestVerifyInput {
  readonly credentials: DigestCredentials;
  /** HTTP method of the request (POST for CWMP sessions, GET for connection requests). */
  readonly method: string;
  /** Either the password or the stored H(username:realm:password) for the credentials' algorithm. */
  readonly password?: string;
  readonly ha1?: string;
  /** What the server issued; each given value must match. */
  readonly realm?: string;
  readonly nonce?: string;
  readonly opaque?: string;
}

/** Constant-time check of a Digest response. Nonce freshness and nc replay are the caller's (it has the state). */
export function verifyDigest(input: DigestVerifyInput): boolean {
  const c = input.credentials;
  if (input.realm !== undefined && c.realm !== input.realm) return false;
  if (input.nonce !== undefined && c.nonce !== input.nonce) return false;
  if (input.opaque !== undefined && c.opaque !== input.opaque) return false;
  const ha1 =
    input.ha1 ??
    (input.password === undefined
      ? undefined
      : digestHa1(c.username, c.realm, input.password, c.algorithm));
  if (ha1 === undefined)
    throw new CwmpError(CwmpErrorCode.InvalidValue, 'verifyDigest needs a password or ha1');
  const expected = computeResponse({
    algorithm: c.algorithm,
    ha1: ha1.toLowerCase(),
    nonce: c.nonce,
    method: input.method,
    uri: c.uri,
    ...(c.qop === undefined ? {} : { qop: c.qop, nc: c.ncHex ?? '', cnonce: c.cnonce ?? '' }),
  });
  const got = Buffer.from(c.response.toLowerCase());
  const want = Buffer.from(expected);
  return got.length === want.length && timingSafeEqual(got, want);
}

// ---------------------------------------------------------------- client side

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  /** qop options offered; empty for an RFC 2069 server. */
  readonly qop: readonly string[];
  readonly opaque?: string;
  readonly stale: boolean;
}

/**
 * Pick the Digest challenge to answer from a WWW-Authenticate value (several may be offered,
 * one per algorithm, RFC 7616 §3.7): the strongest supported one.
 * @throws CwmpError AuthMalformed when there is no usable Digest challenge.
 */
export function parseDigestChallenge(header: string): DigestChallenge {
  const usable: DigestChallenge[] = [];
  for (const c of parseAuthHeader(header)) {
    if (c.scheme.toLowerCase() !== 'digest') continue;
    const realm = c.params['realm'];
    const nonce = c.params['nonce'];
    const algorithm = ALGORITHMS[(c.params['algorithm'] ?? 'MD5').toLowerCase()];
    if (realm === undefined || nonce === undefined || algorithm === undefined) continue;
    const qop = (c.params['qop'] ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter((q) => q !== '');
    // qop=auth-int only: cannot answer (the body hash is not supported).
    if (qop.length > 0 && !qop.includes('auth')) continue;
    usable.push({
      realm,
      nonce,
      algorithm,
      qop,
      stale: (c.params['stale'] ?? '').toLowerCase() === 'true',
      ...(c.params['opaque'] === undefined ? {} : { opaque: c.params['opaque'] }),
    });
  }
  const best = usable.find((c) => c.algorithm.startsWith('SHA-256')) ?? usable[0];
  if (best === undefined)
    throw new CwmpError(CwmpErrorCode.AuthMalformed, 'no usable Digest challenge');
  return best;
}

export interface DigestAnswerInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  /** Requests made with this nonce so far, including this one (starts at 1). */
  readonly nc: number;
  /** Defaults to 16 random bytes, hex. */
  readonly cnonce?: string;
  readonly randomBytes?: RandomBytes;
}

/** Value of the Authorization header answering a Digest challenge. */
export function buildDigestAuthorization(input: DigestAnswerInput): string {
  const ch = input.challenge;
  const useQop = ch.qop.length > 0;
  const cnonce = input.cnonce ?? (input.randomBytes ?? cryptoRandomBytes)(16).toString('hex');
  const nc = input.nc.toString(16).padStart(8, '0');
  const response = computeResponse({
    algorithm: ch.algorithm,
    ha1: digestHa1(input.username, ch.realm, input.password, ch.algorithm),
    nonce: ch.nonce,
    method: input.method,
    uri: input.uri,
    ...(useQop ? { qop: 'auth', nc, cnonce } : {}),
  });
  let v = `Digest username=${quote(input.username)}, realm=${quote(ch.realm)}, nonce=${quote(ch.nonce)}, uri=${quote(input.uri)}, algorithm=${ch.algorithm}, response=${quote(response)}`;
  if (useQop) v += `, qop=auth, nc=${nc}, cnonce=${quote(cnonce)}`;
  if (ch.opaque !== undefined) v += `, opaque=${quote(ch.opaque)}`;
  return v;
}
