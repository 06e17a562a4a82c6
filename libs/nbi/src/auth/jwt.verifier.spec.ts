import { generateKeyPairSync, createSign } from 'node:crypto';
import { NbiError } from '../nbi.error';
import type { NbiClock } from '../nbi.ports';
import { JwtVerifier, signHs256 } from './jwt.verifier';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const NOW = 1_800_000_000_000;
const clock: NbiClock = { now: () => NOW, sleep: async () => undefined };
const exp = NOW / 1000 + 600;

function refused(v: JwtVerifier, token: string): string {
  try {
    v.verify(token);
  } catch (e) {
    if (e instanceof NbiError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

describe(JwtVerifier.name, () => {
  const hs = new JwtVerifier({ hs256Secret: SECRET, issuer: 'oss', audience: 'acs' }, clock);
  const good = { sub: 'alice', role: 'operator', exp, iss: 'oss', aud: ['acs'] };

  it('accepts a HS256 token and takes the role and subject from it', () => {
    expect(hs.verify(signHs256(good, SECRET))).toEqual({
      id: 'jwt:alice',
      role: 'operator',
      via: 'jwt',
    });
    expect(
      hs.verify(signHs256({ ...good, role: undefined, roles: ['viewer', 'admin'] }, SECRET)).role,
    ).toBe('admin');
  });

  it.each([
    ['a wrong secret', signHs256(good, 'another-secret-of-at-least-32-chars!!'), 'bad signature'],
    ['an expired token', signHs256({ ...good, exp: NOW / 1000 - 60 }, SECRET), 'expired'],
    ['no exp', signHs256({ ...good, exp: undefined }, SECRET), 'no exp'],
    ['a wrong issuer', signHs256({ ...good, iss: 'x' }, SECRET), 'wrong issuer'],
    ['a wrong audience', signHs256({ ...good, aud: 'x' }, SECRET), 'wrong audience'],
    ['an unknown role', signHs256({ ...good, role: 'root' }, SECRET), 'no role'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
      'not accepted',
    ],
    ['garbage', 'a.b.c', 'not base64url JSON'],
    ['two parts', 'a.b', 'not a JWT'],
  ])('refuses %s', (_what, token, message) => {
    expect(refused(hs, token)).toContain(message);
  });

  it('verifies RS256 with the configured public key and refuses HS256 tokens signed with it', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rs = new JwtVerifier({ rs256PublicKey: pem }, clock);
    const h = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const p = Buffer.from(JSON.stringify({ sub: 'bob', role: 'viewer', exp })).toString(
      'base64url',
    );
    const s = createSign('RSA-SHA256').update(`${h}.${p}`).sign(privateKey).toString('base64url');
    expect(rs.verify(`${h}.${p}.${s}`).id).toBe('jwt:bob');
    // Algorithm confusion: the public key used as an HMAC secret must not work.
    expect(refused(rs, signHs256({ sub: 'eve', role: 'admin', exp }, pem))).toContain(
      'not accepted',
    );
  });
});
