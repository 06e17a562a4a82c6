import type { Metadata } from '@grpc/grpc-js';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { ApiKeyStore } from './api-key.store';
import type { JwtVerifier } from './jwt.verifier';
import type { Principal } from './principal';

function header(metadata: Metadata, name: string): string | undefined {
  const v = metadata.get(name)[0];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Who is calling, from the call's metadata: `authorization: Bearer <API key or JWT>` or
 * `x-api-key: <API key>`. Every method requires it (no anonymous access).
 */
export class Authenticator {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  async authenticate(metadata: Metadata): Promise<Principal> {
    const auth = header(metadata, 'authorization');
    const apiKey = header(metadata, 'x-api-key');
    let token: string | undefined;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (m === null)
        throw new NbiError(
          NbiErrorCode.Unauthenticated,
          'authorization: expected "Bearer <token>"',
        );
      token = m[1];
    } else token = apiKey;
    if (token === undefined)
      throw new NbiError(
        NbiErrorCode.Unauthenticated,
        'no credential: send "authorization: Bearer <API key or JWT>" or "x-api-key"',
      );
    if (ApiKeyStore.looksLikeKey(token)) return this.keys.verify(token);
    if (this.jwt === undefined)
      throw new NbiError(NbiErrorCode.Unauthenticated, 'not an API key (JWT not configured)');
    return this.jwt.verify(token);
  }
}
