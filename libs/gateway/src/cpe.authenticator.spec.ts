import { buildBasicAuthorization, digestHa1, serializeEnvelope } from '@acs/cwmp';
import { CpeAuthenticator } from './cpe.authenticator';
import { startTestGateway, type TestGateway } from './testing/gateway.harness';

const DEVICE = '00D09E-HG-A1';

describe(CpeAuthenticator.name, () => {
  let gw: TestGateway;
  afterEach(async () => gw.close());

  describe('with per-device credentials', () => {
    beforeEach(async () => {
      gw = await startTestGateway({ GATEWAY_AUTH: 'required', GATEWAY_AUTH_MAX_FAILURES: '5' });
      await gw.credentials.register({ _id: DEVICE, username: 'cpe-a1', password: 's3cret' });
    });

    it('challenges with Digest and accepts the right answer', async () => {
      const cpe = gw.cpe('A1', {
        auth: { scheme: 'digest', username: 'cpe-a1', password: 's3cret' },
      });
      const r = await cpe.send(cpe.informMessage(['2 PERIODIC']));
      expect(r.status).toBe(200);
      expect((await cpe.send(null)).status).toBe(204);
    });

    it('accepts Digest against a stored HA1 instead of a password', async () => {
      await gw.credentials.register({
        _id: '00D09E-HG-H1',
        username: 'h',
        ha1: digestHa1('h', 'acs', 'pw', 'MD5'),
      });
      const cpe = gw.cpe('H1', { auth: { scheme: 'digest', username: 'h', password: 'pw' } });
      expect((await cpe.send(cpe.informMessage(['2 PERIODIC']))).status).toBe(200);
    });

    it('refuses a wrong password with 401 and a fresh challenge', async () => {
      const cpe = gw.cpe('A1', {
        auth: { scheme: 'digest', username: 'cpe-a1', password: 'wrong' },
      });
      const r = await cpe.send(cpe.informMessage(['2 PERIODIC']));
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Digest /);
    });

    it('refuses a replayed Digest Authorization (nonce already used by a session)', async () => {
      const cpe = gw.cpe('A1', {
        auth: { scheme: 'digest', username: 'cpe-a1', password: 's3cret' },
      });
      const inform = cpe.informMessage(['2 PERIODIC']);
      const original = cpe.post.bind(cpe);
      await original(
        serializeEnvelope({
          version: '1.2',
          header: { id: '1' },
          body: inform,
        }),
      );
      await cpe.send(null);
      // A captured header from that session, replayed by someone else.
      const spy = gw.cpe('A1');
      const last = (cpe as unknown as { digest: { challenge: { nonce: string } } }).digest.challenge
        .nonce;
      const replay = await spy.send(inform, {
        authorization: `Digest username="cpe-a1", realm="acs", nonce="${last}", uri="/", response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="x"`,
      });
      expect(replay.status).toBe(401);
      expect(replay.headers['www-authenticate']).toMatch(/stale=true/);
    });

    it('refuses Basic over plain HTTP unless configured', async () => {
      const cpe = gw.cpe('A1', {
        auth: { scheme: 'basic', username: 'cpe-a1', password: 's3cret' },
      });
      expect((await cpe.send(cpe.informMessage(['2 PERIODIC']))).status).toBe(401);
    });

    it('rate-limits failed attempts per source with 429 and Retry-After', async () => {
      const cpe = gw.cpe('A1');
      const wrong = { authorization: buildBasicAuthorization('cpe-a1', 'wrong') };
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await cpe.send(cpe.informMessage(['2 PERIODIC']), wrong)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      const good = gw.cpe('A1', {
        auth: { scheme: 'digest', username: 'cpe-a1', password: 's3cret' },
      });
      const blocked = await good.send(good.informMessage(['2 PERIODIC']));
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  it('accepts Basic over plain HTTP when configured (lab CPEs)', async () => {
    gw = await startTestGateway({ GATEWAY_AUTH: 'required', GATEWAY_BASIC_OVER_HTTP: 'true' });
    await gw.credentials.register({ _id: DEVICE, username: 'cpe-a1', password: 's3cret' });
    const cpe = gw.cpe('A1', { auth: { scheme: 'basic', username: 'cpe-a1', password: 's3cret' } });
    expect((await cpe.send(cpe.informMessage(['2 PERIODIC']))).status).toBe(200);
  });

  it('registers an unknown device that presents the bootstrap credentials (policy register)', async () => {
    gw = await startTestGateway({
      GATEWAY_AUTH: 'required',
      GATEWAY_BASIC_OVER_HTTP: 'true',
      GATEWAY_BOOTSTRAP_POLICY: 'register',
      GATEWAY_BOOTSTRAP_USERNAME: 'boot',
      GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
    });
    const wrong = gw.cpe('NEW', { auth: { scheme: 'digest', username: 'boot', password: 'nope' } });
    expect((await wrong.send(wrong.informMessage(['0 BOOTSTRAP']))).status).toBe(401);
    expect(await gw.credentials.find('00D09E-HG-NEW')).toBeUndefined();
    const cpe = gw.cpe('NEW', { auth: { scheme: 'digest', username: 'boot', password: 'strap' } });
    expect((await cpe.send(cpe.informMessage(['0 BOOTSTRAP']))).status).toBe(200);
    expect(await gw.credentials.find('00D09E-HG-NEW')).toEqual({
      _id: '00D09E-HG-NEW',
      username: 'boot',
      password: 'strap',
    });
  });

  it('refuses an unknown device under policy reject', async () => {
    gw = await startTestGateway({ GATEWAY_AUTH: 'required', GATEWAY_BASIC_OVER_HTTP: 'true' });
    const cpe = gw.cpe('X', { auth: { scheme: 'basic', username: 'any', password: 'any' } });
    expect(
      (
        await cpe.send(cpe.informMessage(['0 BOOTSTRAP']), {
          authorization: buildBasicAuthorization('any', 'any'),
        })
      ).status,
    ).toBe(401);
  });
});
