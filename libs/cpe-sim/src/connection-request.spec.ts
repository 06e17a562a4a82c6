import dgram from 'node:dgram';
import http from 'node:http';
import { buildDigestAuthorization, parseDigestChallenge } from '@acs/cwmp';
import { expectEventually } from '@acs/testing';
import { ConnectionRequestServer } from './connection-request.server';
import { SimHarness } from './testing/sim-harness';
import {
  UdpConnectionRequestListener,
  parseUdpConnectionRequest,
  udpSignature,
} from './udp-connection-request';

function get(
  port: number,
  path: string,
  authorization?: string,
): Promise<{ status: number; challenge?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: authorization === undefined ? {} : { authorization },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const c = res.headers['www-authenticate'];
          resolve({
            status: res.statusCode ?? 0,
            ...(typeof c === 'string' ? { challenge: c } : {}),
          });
        });
      },
    );
    req.on('error', reject);
  });
}

async function digestGet(
  port: number,
  path: string,
  user: string,
  password: string,
): Promise<number> {
  const first = await get(port, path);
  if (first.status !== 401 || first.challenge === undefined) return first.status;
  const authorization = buildDigestAuthorization({
    challenge: parseDigestChallenge(first.challenge),
    username: user,
    password,
    method: 'GET',
    uri: path,
    nc: 1,
  });
  return (await get(port, path, authorization)).status;
}

describe(ConnectionRequestServer.name, () => {
  let h: SimHarness;
  let server: ConnectionRequestServer;
  let port: number;

  beforeEach(async () => {
    h = new SimHarness();
    server = new ConnectionRequestServer(h.fleet, {
      host: '127.0.0.1',
      port: 0,
      prefix: '/cr/',
      realm: 'cpe-sim',
    });
    port = await server.listen();
  });
  afterEach(() => server.close());

  it('starts a CONNECTION REQUEST session after a Digest-authenticated GET', async () => {
    const cpe = h.device({ crPassword: 'pw' });
    h.fleet.boot(cpe);
    await h.settle();
    const path = `/cr/${encodeURIComponent(cpe.deviceId)}`;
    expect(await digestGet(port, path, cpe.crUsername, 'pw')).toBe(200);
    await expectEventually(() =>
      expect(h.informEvents(cpe).at(-1)).toEqual(['6 CONNECTION REQUEST']),
    );
  });

  it('answers 401 to wrong credentials and to no credentials, 404 to an unknown device', async () => {
    const cpe = h.device({ crPassword: 'pw' });
    h.fleet.boot(cpe);
    await h.settle();
    const path = `/cr/${encodeURIComponent(cpe.deviceId)}`;
    expect((await get(port, path)).status).toBe(401);
    expect(await digestGet(port, path, cpe.crUsername, 'wrong')).toBe(401);
    expect(await digestGet(port, path, 'someone', 'pw')).toBe(401);
    expect((await get(port, path, 'Digest garbage')).status).toBe(401);
    expect((await get(port, '/cr/nobody')).status).toBe(404);
    expect((await get(port, '/cr/%E0%A4%A')).status).toBe(404);
    expect((await get(port, '/elsewhere')).status).toBe(404);
  });

  it('answers 503 above the rate limit', async () => {
    const cpe = h.device({ crPassword: 'pw', crMinIntervalMs: 60_000 });
    h.fleet.boot(cpe);
    await h.settle();
    const path = `/cr/${encodeURIComponent(cpe.deviceId)}`;
    expect(await digestGet(port, path, cpe.crUsername, 'pw')).toBe(200);
    await h.settle();
    expect(await digestGet(port, path, cpe.crUsername, 'pw')).toBe(503);
    expect(server.refused).toBe(1);
  });

  it('survives garbage on the socket', async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.end('\x00\x01 NOT HTTP\r\n\r\n'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    expect((await get(port, '/cr/x')).status).toBe(404);
  });
});

describe(UdpConnectionRequestListener.name, () => {
  const datagram = (q: Record<string, string>): Buffer =>
    Buffer.from(
      `GET http://10.0.0.1:7547?${new URLSearchParams(q).toString()} HTTP/1.1\r\nHost: 10.0.0.1:7547\r\n\r\n`,
    );

  function signed(un: string, password: string, ts: number, id: string): Buffer {
    const r = { ts, id, un, cn: 'cnonce1' };
    return datagram({ ts: String(ts), id, un, cn: r.cn, sig: udpSignature(r, password) });
  }

  it('accepts a correctly signed request and ignores replays and older timestamps', async () => {
    const h = new SimHarness();
    const cpe = h.device({ crPassword: 'pw', crMinIntervalMs: 0 });
    h.fleet.boot(cpe);
    await h.settle();
    const l = new UdpConnectionRequestListener(h.fleet);
    expect(l.handle(signed(cpe.crUsername, 'pw', 1000, 'a'))).toBe('accepted');
    await h.settle();
    expect(h.informEvents(cpe).at(-1)).toEqual(['6 CONNECTION REQUEST']);
    expect(l.handle(signed(cpe.crUsername, 'pw', 1001, 'a'))).toBe('replay');
    expect(l.handle(signed(cpe.crUsername, 'pw', 999, 'b'))).toBe('replay');
    expect(l.handle(signed(cpe.crUsername, 'wrong', 1002, 'c'))).toBe('badSignature');
    expect(l.handle(signed('nobody', 'pw', 1002, 'c'))).toBe('unknownUser');
    expect(l.handle(signed(cpe.crUsername, 'pw', 1002, 'c'))).toBe('accepted');
  });

  it.each([
    ['not a request', Buffer.from('hello')],
    ['no query', Buffer.from('GET http://h:1 HTTP/1.1\r\n\r\n')],
    ['a missing field', datagram({ ts: '1', id: 'a', un: 'u', cn: 'c' })],
    ['a bad ts', datagram({ ts: 'x', id: 'a', un: 'u', cn: 'c', sig: 'a'.repeat(40) })],
    ['a bad sig', datagram({ ts: '1', id: 'a', un: 'u', cn: 'c', sig: 'zz' })],
    ['an oversized datagram', Buffer.alloc(4096, 65)],
  ])('refuses %s as malformed', (_what, buf) => {
    expect(parseUdpConnectionRequest(buf).ok).toBe(false);
  });

  it('receives datagrams on a real UDP socket', async () => {
    const h = new SimHarness();
    const cpe = h.device({ crPassword: 'pw' });
    h.fleet.boot(cpe);
    await h.settle();
    const l = new UdpConnectionRequestListener(h.fleet);
    const port = await l.listen('127.0.0.1', 0);
    const client = dgram.createSocket('udp4');
    try {
      // UDP is lossy even on loopback in theory: send a few copies like an ACS does (Annex G).
      for (let i = 0; i < 3; i++)
        client.send(signed(cpe.crUsername, 'pw', 5000, 'z'), port, '127.0.0.1');
      client.send(Buffer.from('junk'), port, '127.0.0.1');
      await expectEventually(() => expect(l.verdicts.accepted).toBe(1));
      await expectEventually(() => expect(l.verdicts.replay + l.verdicts.malformed).toBe(3));
    } finally {
      client.close();
      l.close();
    }
  });
});
