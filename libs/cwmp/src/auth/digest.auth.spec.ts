import { CwmpErrorCode } from '../cwmp.error';
import { parseAuthHeader } from './auth-header.parser';
import {
  buildBasicAuthorization,
  createBasicChallenge,
  parseBasicAuthorization,
} from './basic.auth';
import {
  buildDigestAuthorization,
  createDigestChallenge,
  digestHa1,
  parseDigestAuthorization,
  parseDigestChallenge,
  verifyDigest,
  type DigestAlgorithm,
} from './digest.auth';

// RFC 7616 §3.9.1 example: user Mufasa, password "Circle of Life".
const RFC = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  uri: '/dir/index.html',
};

describe('Digest (RFC 7616)', () => {
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const)('reproduces the RFC 7616 §3.9.1 %s response', (algorithm, response) => {
    const header = buildDigestAuthorization({
      challenge: {
        realm: RFC.realm,
        nonce: RFC.nonce,
        algorithm,
        qop: ['auth', 'auth-int'],
        opaque: RFC.opaque,
        stale: false,
      },
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: RFC.uri,
      nc: 1,
      cnonce: RFC.cnonce,
    });
    const creds = parseDigestAuthorization(header);
    expect(creds).toMatchObject({
      username: 'Mufasa',
      response,
      nc: 1,
      ncHex: '00000001',
      qop: 'auth',
      algorithm,
      opaque: RFC.opaque,
    });
    expect(
      verifyDigest({
        credentials: creds,
        method: 'GET',
        password: 'Circle of Life',
        realm: RFC.realm,
        nonce: RFC.nonce,
        opaque: RFC.opaque,
      }),
    ).toBe(true);
    expect(
      verifyDigest({
        credentials: creds,
        method: 'GET',
        ha1: digestHa1('Mufasa', RFC.realm, 'Circle of Life', algorithm),
      }),
    ).toBe(true);
    expect(verifyDigest({ credentials: creds, method: 'GET', password: 'circle of life' })).toBe(
      false,
    );
    expect(verifyDigest({ credentials: creds, method: 'POST', password: 'Circle of Life' })).toBe(
      false,
    );
    expect(
      verifyDigest({
        credentials: creds,
        method: 'GET',
        password: 'Circle of Life',
        nonce: 'other',
      }),
    ).toBe(false);
  });

  it.each(['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as DigestAlgorithm[])(
    'server challenge → client answer → server verify (%s)',
    (algorithm) => {
      let counter = 0;
      const randomBytes = (n: number): Buffer => Buffer.alloc(n, ++counter);
      const issued = createDigestChallenge({ realm: 'acs "prod"', algorithm, randomBytes });
      expect(issued.nonce).not.toBe(issued.opaque);
      const challenge = parseDigestChallenge(issued.header);
      expect(challenge).toMatchObject({
        realm: 'acs "prod"',
        nonce: issued.nonce,
        opaque: issued.opaque,
        algorithm,
        qop: ['auth'],
      });
      for (const nc of [1, 2, 255]) {
        const auth = buildDigestAuthorization({
          challenge,
          username: 'cpe\\001',
          password: 'pä$$',
          method: 'POST',
          uri: '/cwmp',
          nc,
          randomBytes,
        });
        const creds = parseDigestAuthorization(auth);
        expect(creds.nc).toBe(nc);
        expect(
          verifyDigest({
            credentials: creds,
            method: 'POST',
            password: 'pä$$',
            realm: 'acs "prod"',
            nonce: issued.nonce,
            opaque: issued.opaque,
          }),
        ).toBe(true);
      }
    },
  );

  it('answers and verifies an RFC 2069 challenge (no qop), as old CPEs send', () => {
    const challenge = parseDigestChallenge('Digest realm="cpe", nonce="abc"');
    expect(challenge.qop).toEqual([]);
    const creds = parseDigestAuthorization(
      buildDigestAuthorization({
        challenge,
        username: 'u',
        password: 'p',
        method: 'GET',
        uri: '/cr',
        nc: 1,
      }),
    );
    expect(creds.qop).toBeUndefined();
    expect(verifyDigest({ credentials: creds, method: 'GET', password: 'p' })).toBe(true);
  });

  it('prefers SHA-256 among several challenges and skips unusable ones', () => {
    const header =
      'Basic realm="x", Digest realm="r", nonce="n1", algorithm=MD5, qop="auth",Digest realm="r", nonce="n2", qop="auth-int", algorithm=SHA-256 , ' +
      'Digest realm="r", nonce="n3", algorithm=SHA-256, qop="auth,auth-int", stale=TRUE';
    expect(parseDigestChallenge(header)).toMatchObject({
      nonce: 'n3',
      algorithm: 'SHA-256',
      stale: true,
    });
  });

  it('parses a robustly formatted Authorization header', () => {
    const creds = parseDigestAuthorization(
      'digest   USERNAME = "a\\"b" ,, realm="r, with comma",nonce=abc,uri="/cwmp?x=1",response="0123456789ABCDEF0123456789abcdef",qop=auth,nc=0000000a,cnonce="c",algorithm=md5',
    );
    expect(creds).toMatchObject({
      username: 'a"b',
      realm: 'r, with comma',
      nonce: 'abc',
      uri: '/cwmp?x=1',
      nc: 10,
      algorithm: 'MD5',
    });
  });

  it.each([
    ['not digest', 'Basic dXNlcjpwYXNz'],
    ['missing response', 'Digest username="u", realm="r", nonce="n", uri="/"'],
    [
      'qop without nc',
      'Digest username="u", realm="r", nonce="n", uri="/", response="x", qop=auth, cnonce="c"',
    ],
    [
      'bad nc',
      'Digest username="u", realm="r", nonce="n", uri="/", response="x", qop=auth, nc=zz, cnonce="c"',
    ],
    [
      'auth-int',
      'Digest username="u", realm="r", nonce="n", uri="/", response="x", qop=auth-int, nc=1, cnonce="c"',
    ],
    [
      'unknown algorithm',
      'Digest username="u", realm="r", nonce="n", uri="/", response="x", algorithm=SHA-512-256',
    ],
    ['unterminated quote', 'Digest username="u'],
    ['garbage', '"""'],
  ])('rejects %s as AuthMalformed', (_name, header) => {
    expect(() => parseDigestAuthorization(header)).toThrow(
      expect.objectContaining({ code: CwmpErrorCode.AuthMalformed }) as Error,
    );
  });
});

describe('Basic (RFC 7617)', () => {
  it('round-trips credentials, with ":" in the password and UTF-8', () => {
    const header = buildBasicAuthorization('cpe-001', 'pa:ss wörd');
    expect(header).toBe(`Basic ${Buffer.from('cpe-001:pa:ss wörd').toString('base64')}`);
    expect(parseBasicAuthorization(header)).toEqual({
      username: 'cpe-001',
      password: 'pa:ss wörd',
    });
    expect(parseBasicAuthorization('  basic dTpw ')).toEqual({ username: 'u', password: 'p' });
  });

  it('refuses malformed headers', () => {
    for (const h of [
      'Basic',
      'Basic !!!',
      'Digest x=1',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
    ]) {
      expect(() => parseBasicAuthorization(h)).toThrow(
        expect.objectContaining({ code: CwmpErrorCode.AuthMalformed }) as Error,
      );
    }
  });

  it('makes a challenge with the realm quoted', () => {
    expect(parseAuthHeader(createBasicChallenge('a "b"'))).toEqual([
      { scheme: 'Basic', params: { realm: 'a "b"', charset: 'UTF-8' } },
    ]);
  });
});

describe(parseAuthHeader.name, () => {
  it('splits several challenges and reads token68', () => {
    expect(parseAuthHeader('Basic dXNlcjpwYXNzMQ==, Digest realm=r, nonce="n"')).toEqual([
      { scheme: 'Basic', params: {}, token68: 'dXNlcjpwYXNzMQ==' },
      { scheme: 'Digest', params: { realm: 'r', nonce: 'n' } },
    ]);
  });
});
