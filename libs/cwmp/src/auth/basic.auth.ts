import { CwmpError, CwmpErrorCode } from '../cwmp.error';

// HTTP Basic (RFC 7617). Many CPEs send it pre-emptively on the first POST (CWMP-NOTES "Session");
// TR-069 §3.4.4 allows it only over TLS — the gateway enforces that, not this codec.

export function createBasicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;
}

export function buildBasicAuthorization(username: string, password: string): string {
  if (username.includes(':'))
    throw new CwmpError(
      CwmpErrorCode.InvalidValue,
      'a Basic user-id cannot contain ":" (RFC 7617 §2)',
    );
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** @throws CwmpError AuthMalformed */
export function parseBasicAuthorization(header: string): BasicCredentials {
  const m = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (m === null)
    throw new CwmpError(CwmpErrorCode.AuthMalformed, 'not a Basic Authorization header');
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new CwmpError(CwmpErrorCode.AuthMalformed, 'Basic credentials lack ":"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
