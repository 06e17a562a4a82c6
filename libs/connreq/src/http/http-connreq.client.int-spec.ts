import { createServer, type Server } from 'node:net';
import { CryptoRandom } from '../adapters/crypto.random';
import { CpeHttpServer } from '../testing/cpe-http.server';
import { AddressPolicy } from './address.policy';
import { HttpConnectionRequester } from './http-connreq.client';

const loopback = new AddressPolicy({ allow: ['127.0.0.0/8', '::1/128'], deny: [] });
const creds = { username: 'cr-user', password: 'cr-pass' };

describe(HttpConnectionRequester.name, () => {
  const servers: CpeHttpServer[] = [];
  const cpe = async (behaviour: ConstructorParameters<typeof CpeHttpServer>[0]['behaviour']) => {
    const s = new CpeHttpServer({ ...creds, behaviour });
    servers.push(s);
    await s.listen();
    return s;
  };
  const requester = (
    extra: Partial<ConstructorParameters<typeof HttpConnectionRequester>[0]> = {},
  ) =>
    new HttpConnectionRequester({
      policy: loopback,
      random: new CryptoRandom(),
      timeoutMs: 2_000,
      ...extra,
    });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('answers the CPE Digest challenge and reports 204 as accepted', async () => {
    const s = await cpe('digest');
    const r = await requester().request({ url: s.url('/cr/dev-1?x=1'), ...creds });
    expect(r).toMatchObject({ kind: 'accepted', detail: 'HTTP 204' });
    expect(s.counts).toMatchObject({ challenged: 1, accepted: 1 });
    expect(s.acceptedPaths).toEqual(['/cr/dev-1?x=1']);
  });

  it('reports 401 after credentials as auth-failed (a device fault)', async () => {
    const s = await cpe('digest');
    const r = await requester().request({
      url: s.url('/cr'),
      username: 'cr-user',
      password: 'wrong',
    });
    expect(r).toMatchObject({ kind: 'auth-failed', detail: 'HTTP 401 after credentials' });
    expect(s.counts.refused).toBe(1);
  });

  it('reports 503 as busy with the CPE-given Retry-After', async () => {
    const s = await cpe('busy');
    expect(await requester().request({ url: s.url('/cr'), ...creds })).toEqual({
      kind: 'busy',
      detail: 'HTTP 503',
      retryAfterMs: 1000,
    });
  });

  it('gives up on a CPE that never answers after the bounded timeout', async () => {
    const s = await cpe('slow');
    const r = await requester({ timeoutMs: 300 }).request({ url: s.url('/cr'), ...creds });
    expect(r).toEqual({ kind: 'unreachable', detail: 'timed out' });
  });

  it('reports a refused connection as unreachable', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await requester().request({ url: `http://127.0.0.1:${port}/cr`, ...creds });
    expect(r).toEqual({ kind: 'unreachable', detail: 'ECONNREFUSED' });
  });

  it('answers Basic only when the config allows it', async () => {
    const s = await cpe('basic');
    expect(await requester().request({ url: s.url('/cr'), ...creds })).toMatchObject({
      kind: 'auth-failed',
    });
    expect(
      await requester({ allowBasic: true }).request({ url: s.url('/cr'), ...creds }),
    ).toMatchObject({
      kind: 'accepted',
      detail: 'HTTP 200',
    });
  });

  it('accepts a CPE that does not authenticate at all', async () => {
    const s = await cpe('open');
    expect(await requester().request({ url: s.url('/'), ...creds })).toMatchObject({
      kind: 'accepted',
    });
  });

  it.each([
    ['https: URLs', 'https://127.0.0.1:1/cr', /only http:/],
    ['URLs with credentials', 'http://a:b@127.0.0.1:1/cr', /credentials in the URL/],
  ])('refuses %s', async (_n, url, why) => {
    const r = await requester().request({ url, ...creds });
    expect(r.kind).toBe('denied');
    expect(r.detail).toMatch(why);
  });

  it('refuses loopback under the default policy, before connecting', async () => {
    const s = await cpe('open');
    const r = await requester({ policy: new AddressPolicy() }).request({
      url: s.url('/cr'),
      ...creds,
    });
    expect(r).toMatchObject({ kind: 'denied' });
    expect(s.counts.requests).toBe(0);
  });

  it('checks the policy on the resolved address of a name', async () => {
    const s = await cpe('open');
    const port = new URL(s.url()).port;
    const resolver = {
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 as const }]),
    };
    const deny = new AddressPolicy({ allow: ['0.0.0.0/0'], deny: ['127.0.0.0/8'] });
    const r = await requester({ policy: deny, resolver }).request({
      url: `http://cpe.example:${port}/`,
      ...creds,
    });
    expect(r).toMatchObject({ kind: 'denied', detail: '127.0.0.1 is in a denied range' });
    const ok = await requester({ resolver }).request({
      url: `http://cpe.example:${port}/`,
      ...creds,
    });
    expect(ok.kind).toBe('accepted');
  });

  it('reports an unparsable URL as an error', async () => {
    expect(await requester().request({ url: 'not a url', ...creds })).toMatchObject({
      kind: 'error',
    });
  });
});
