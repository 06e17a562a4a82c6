import { createServer, type Server, type Socket } from 'node:net';
import { CryptoRandom } from '../adapters/crypto.random';
import { CpeHttpServer } from '../testing/cpe-http.server';
import { AddressPolicy } from './address.policy';
import { HttpConnectionRequester } from './http-connreq.client';

const loopback = new AddressPolicy({ allow: ['127.0.0.0/8', '::1/128'], deny: [] });
const creds = { username: 'cr-user', password: 'cr-pass' };

describe(HttpConnectionRequester.name, () => {
  const servers: CpeHttpServer[] = [];
  const cpe = async (
    behaviour: ConstructorParameters<typeof CpeHttpServer>[0]['behaviour'],
    keepAliveAfterChallenge = true,
  ) => {
    const s = new CpeHttpServer({ ...creds, behaviour, keepAliveAfterChallenge });
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
  const raw: Server[] = [];
  const openSockets = new Set<Socket>();
  /**
   * A TCP server that answers each request with `reply(text, n, connection)` (n = request number,
   * connection = its connection's number); 'hangup' destroys the connection without an answer.
   */
  const rawCpe = async (
    reply: (request: string, n: number, connection: number) => string,
    closeAfter = true,
  ): Promise<{ url: string; connections: () => number; requests: string[] }> => {
    const requests: string[] = [];
    let connections = 0;
    const server = createServer((socket) => {
      const connection = ++connections;
      openSockets.add(socket);
      socket.on('close', () => openSockets.delete(socket));
      socket.on('error', () => undefined);
      socket.on('data', (d) => {
        requests.push(d.toString('latin1'));
        const out = reply(d.toString('latin1'), requests.length, connection);
        if (out === 'hangup') socket.destroy();
        else if (closeAfter) socket.end(out);
        else socket.write(out);
      });
    });
    raw.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}/cr`, connections: () => connections, requests };
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(
      raw.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            for (const socket of openSockets) socket.destroy();
            s.close(() => resolve());
          }),
      ),
    );
  });

  it('sends the Digest retry on the connection the CPE kept open after the challenge', async () => {
    const s = await cpe('digest');
    expect(await requester().request({ url: s.url('/cr'), ...creds })).toMatchObject({
      kind: 'accepted',
    });
    expect(s.counts).toMatchObject({ connections: 1, requests: 2, challenged: 1, accepted: 1 });
  });

  it('reconnects for the retry when the CPE closes the connection after the challenge', async () => {
    const s = await cpe('digest', false);
    expect(await requester().request({ url: s.url('/cr'), ...creds })).toMatchObject({
      kind: 'accepted',
    });
    expect(s.counts).toMatchObject({ connections: 2, challenged: 1, accepted: 1 });
  });

  it('retries on a fresh connection when a kept-alive one is closed before the answer', async () => {
    // Promises keep-alive after the challenge, then hangs up when the retry arrives on it.
    const c = await rawCpe(
      (req, _n, connection) =>
        !req.includes('Authorization: Digest')
          ? 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 0\r\n\r\n'
          : connection === 1
            ? 'hangup'
            : 'HTTP/1.1 204 No Content\r\n\r\n',
      false,
    );
    expect(await requester().request({ url: c.url, ...creds })).toMatchObject({
      kind: 'accepted',
    });
    expect(c.connections()).toBe(2);
    expect(c.requests).toHaveLength(3);
  });

  it.each([
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n', /malformed HTTP status line/],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n', /malformed HTTP header/],
    [
      'two different Content-Lengths',
      'HTTP/1.1 401 x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      /bad Content-Length/,
    ],
  ])('reports %s as an error', async (_n, reply, why) => {
    const c = await rawCpe(() => reply);
    const r = await requester().request({ url: c.url, ...creds });
    expect(r.kind).toBe('error');
    expect(r.detail).toMatch(why);
  });

  it('stops reading a response head that never ends', async () => {
    const c = await rawCpe(() => `HTTP/1.1 200 OK\r\nX-Junk: ${'a'.repeat(40_000)}`, false);
    expect(await requester().request({ url: c.url, ...creds })).toEqual({
      kind: 'error',
      detail: 'response head too large',
    });
  });

  it('reconnects for the retry after a chunked 401 body instead of parsing it', async () => {
    const c = await rawCpe(
      (req) =>
        req.includes('Authorization: Digest')
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'
          : 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      false,
    );
    expect(await requester().request({ url: c.url, ...creds })).toMatchObject({
      kind: 'accepted',
    });
    expect(c.connections()).toBe(2);
  });

  it('skips a 401 body of known length and reuses the connection', async () => {
    const c = await rawCpe(
      (req) =>
        req.includes('Authorization: Digest')
          ? 'HTTP/1.1 204 No Content\r\n\r\n'
          : 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 12\r\n\r\nUnauthorized',
      false,
    );
    expect(await requester().request({ url: c.url, ...creds })).toMatchObject({
      kind: 'accepted',
      detail: 'HTTP 204',
    });
    expect(c.connections()).toBe(1);
    expect(c.requests[1]).toMatch(
      /^GET \/cr HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nAuthorization: Digest username="cr-user", realm="r", nonce="n", uri="\/cr",/,
    );
    expect(c.requests[1]).toMatch(/\r\nConnection: close\r\n\r\n$/);
  });

  it('refuses a challenge whose fields would break our request header', async () => {
    const c = await rawCpe(
      () =>
        'HTTP/1.1 401 x\r\nWWW-Authenticate: Digest realm="a\nInjected: 1", nonce="n"\r\nContent-Length: 0\r\n\r\n',
      false,
    );
    const r = await requester().request({ url: c.url, ...creds });
    expect(r.kind).toBe('error');
    expect(c.requests).toHaveLength(1);
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
