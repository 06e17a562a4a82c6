import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createBasicChallenge,
  createDigestChallenge,
  parseBasicAuthorization,
  parseDigestAuthorization,
  parseEnvelope,
  serializeEnvelope,
  verifyDigest,
  type CwmpMessage,
} from '@acs/cwmp';
import { CpeFleet } from './cpe.fleet';
import { DEFAULT_GROUP, type DeviceGroupConfig } from './device-group.config';
import { HttpSessionTransport } from './http.transport';
import { parseHttpResponse } from './http1.connection';
import { CpeSimError } from './cpe-sim.error';
import { SystemClock } from './sim.clock';
import { MemoryFileServer } from './testing/sim-harness';
import { expectEventually } from '@acs/testing';

interface Exchange {
  readonly cookie: string | undefined;
  readonly message: CwmpMessage | undefined;
}

/** A small real ACS on node:http: Digest or Basic auth, a session cookie, a fixed RPC plan. */
class StandInAcs {
  readonly exchanges: Exchange[] = [];
  private server: http.Server | undefined;
  private plan: CwmpMessage[] = [];
  private nonce = '';
  port = 0;

  constructor(
    private readonly auth: 'digest' | 'basic',
    private readonly chunked = false,
  ) {}

  async start(plan: CwmpMessage[]): Promise<void> {
    this.plan = plan;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private authorized(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (h === undefined) return false;
    if (this.auth === 'basic') {
      const c = parseBasicAuthorization(h);
      return c.password === 'cpe-secret';
    }
    const c = parseDigestAuthorization(h);
    return (
      c.nonce === this.nonce &&
      verifyDigest({ credentials: c, method: 'POST', password: 'cpe-secret', realm: 'acs' })
    );
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const cookie = req.headers.cookie;
    if (cookie === undefined && !this.authorized(req)) {
      if (this.auth === 'digest') {
        const c = createDigestChallenge({ realm: 'acs' });
        this.nonce = c.nonce;
        res.writeHead(401, { 'www-authenticate': c.header }).end();
      } else res.writeHead(401, { 'www-authenticate': createBasicChallenge('acs') }).end();
      return;
    }
    const env = body === '' ? undefined : parseEnvelope(body);
    this.exchanges.push({ cookie, message: env?.body });
    const send = (m: CwmpMessage): void => {
      const xml = serializeEnvelope({
        version: '1.2',
        header: { id: String(this.exchanges.length) },
        body: m,
      });
      if (this.chunked) {
        res.writeHead(200, { 'content-type': 'text/xml', 'set-cookie': 'session=s1; Path=/' });
        res.write(xml.slice(0, 100));
        res.end(xml.slice(100));
      } else
        res
          .writeHead(200, { 'content-type': 'text/xml', 'set-cookie': 'session=s1; Path=/' })
          .end(xml);
    };
    if (env?.body.type === 'Inform') return send({ type: 'InformResponse', maxEnvelopes: 1 });
    const next = this.plan.shift();
    if (next === undefined) res.writeHead(204).end();
    else send(next);
  }
}

async function runFleet(acs: StandInAcs, group: Partial<DeviceGroupConfig>): Promise<CpeFleet> {
  const fleet = new CpeFleet({
    clock: new SystemClock(),
    random: () => 0.5,
    transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 5000 }),
    files: new MemoryFileServer(),
    maxConcurrentSessions: 4,
    periodic: false,
  });
  const [cpe] = fleet.add(
    { ...DEFAULT_GROUP, acsUrl: `http://127.0.0.1:${acs.port}/acs`, ...group },
    1,
  );
  if (cpe === undefined) throw new Error('no device');
  fleet.boot(cpe);
  await expectEventually(() => expect(fleet.stats.ok + fleet.stats.failed).toBe(1));
  return fleet;
}

describe(HttpSessionTransport.name, () => {
  const plan = (): CwmpMessage[] => [
    { type: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] },
    {
      type: 'SetParameterValues',
      parameterKey: 'p1',
      parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'e2e' } }],
    },
    { type: 'AddObject', objectName: 'Device.NAT.PortMapping.', parameterKey: 'p2' },
  ];

  it.each<['digest' | 'basic', boolean]>([
    ['digest', false],
    ['basic', true],
  ])(
    'runs a full session over real HTTP with %s auth (chunked responses: %s) and the session cookie',
    async (auth, chunked) => {
      const acs = new StandInAcs(auth, chunked);
      await acs.start(plan());
      try {
        const fleet = await runFleet(acs, {});
        expect(fleet.stats.ok).toBe(1);
        expect(acs.exchanges.map((e) => e.message?.type ?? '(empty)')).toEqual([
          'Inform',
          '(empty)',
          'GetParameterValuesResponse',
          'SetParameterValuesResponse',
          'AddObjectResponse',
        ]);
        // TR-069 3.4.3: every request after the first carries the session cookie.
        expect(acs.exchanges.slice(1).every((e) => e.cookie === 'session=s1')).toBe(true);
        expect(fleet.devices[0]?.model.rawRead('Device.WiFi.SSID.1.SSID')).toBe('e2e');
      } finally {
        await acs.stop();
      }
    },
  );

  it('fails the session when the ACS refuses the credentials', async () => {
    const acs = new StandInAcs('digest');
    await acs.start([]);
    try {
      const fleet = await runFleet(acs, { acsPassword: 'wrong' });
      expect(fleet.stats.failed).toBe(1);
      expect(fleet.stats.summary().errors).toEqual({ 'HTTP 401 from the ACS': 1 });
    } finally {
      await acs.stop();
    }
  });

  it('fails cleanly when nothing listens', async () => {
    const acs = new StandInAcs('digest');
    await acs.start([]);
    const port = acs.port;
    await acs.stop();
    const fleet = new CpeFleet({
      clock: new SystemClock(),
      random: () => 0.5,
      transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 5000 }),
      files: new MemoryFileServer(),
      maxConcurrentSessions: 1,
      periodic: false,
    });
    const [cpe] = fleet.add({ ...DEFAULT_GROUP, acsUrl: `http://127.0.0.1:${port}/` }, 1);
    if (cpe === undefined) throw new Error('no device');
    fleet.boot(cpe);
    await expectEventually(() => expect(fleet.stats.failed).toBe(1));
    expect(cpe.state.kind).toBe('retryWait');
    fleet.stop();
  });
});

describe(parseHttpResponse.name, () => {
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');

  it.each([
    ['content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA', 'hello', 'EXTRA'],
    [
      'chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\n\r\n',
      'hello',
      '',
    ],
    ['204', 'HTTP/1.1 204 No Content\r\n\r\n', '', ''],
  ])('reads a %s response', (_what, raw, body, rest) => {
    const r = parseHttpResponse(b(raw), false);
    expect(r.kind === 'done' && [r.response.body.toString(), r.rest.toString()]).toEqual([
      body,
      rest,
    ]);
  });

  it('keeps Set-Cookie headers apart and reads a close-delimited body at the end', () => {
    const r = parseHttpResponse(
      b('HTTP/1.0 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nbody'),
      true,
    );
    expect(r).toMatchObject({ kind: 'done', close: true });
    expect(r.kind === 'done' && [r.response.setCookies, r.response.body.toString()]).toEqual([
      ['a=1', 'b=2'],
      'body',
    ]);
    expect(parseHttpResponse(b('HTTP/1.0 200 OK\r\n\r\nbo'), false)).toEqual({ kind: 'more' });
  });

  it('waits for more bytes on partial input', () => {
    expect(parseHttpResponse(b('HTTP/1.1 200 OK\r\nContent-Le'), false)).toEqual({ kind: 'more' });
    expect(parseHttpResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe'), false)).toEqual({
      kind: 'more',
    });
    expect(
      parseHttpResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe'), false),
    ).toEqual({ kind: 'more' });
  });

  it.each([
    ['a non-HTTP status line', 'SSH-2.0-OpenSSH\r\n\r\n', false],
    ['a bad header line', 'HTTP/1.1 200 OK\r\nnocolon\r\n\r\n', false],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', false],
    ['an oversized content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n', false],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', false],
    [
      'an unsupported transfer-encoding',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      false,
    ],
    ['a truncated body', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe', true],
    ['a head that never ends', `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}`, false],
    ['no head at all', 'HTTP/1.1 200', true],
  ])('refuses %s with a CpeSimError', (_what, raw, ended) => {
    expect(() => parseHttpResponse(b(raw), ended)).toThrow(CpeSimError);
  });
});
