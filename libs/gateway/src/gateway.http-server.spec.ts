import { request } from 'node:http';
import { connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { serializeEnvelope } from '@acs/cwmp';
import { GatewayHttpServer } from './gateway.http-server';
import { startTestGateway, type TestGateway } from './testing/gateway.harness';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  chunks: (string | Buffer)[],
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(parts).toString(),
        }),
      );
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe(GatewayHttpServer.name, () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway({
      GATEWAY_MAX_BODY_BYTES: '65536',
      GATEWAY_BODY_TIMEOUT_MS: '300',
    });
  });
  afterEach(async () => gw.close());

  const informXml = (serial: string): string => {
    const cpe = gw.cpe(serial);
    return serializeEnvelope({
      version: '1.2',
      header: { id: '1' },
      body: cpe.informMessage(['2 PERIODIC']),
    });
  };

  it('answers 405 with Allow: POST to other methods', async () => {
    const r = await raw(gw.url, 'GET', {}, []);
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('POST');
  });

  it('answers 415 to an unsupported content encoding', async () => {
    const r = await raw(gw.url, 'POST', { 'content-encoding': 'br' }, ['x']);
    expect(r.status).toBe(415);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('accepts a %s request body', async (encoding, zip) => {
    const r = await raw(gw.url, 'POST', { 'content-encoding': encoding }, [
      zip(Buffer.from(informXml(`Z-${encoding}`))),
    ]);
    expect(r.status).toBe(200);
    expect(r.text).toContain('InformResponse');
  });

  it('takes an empty POST labelled gzip as an empty POST', async () => {
    const cpe = gw.cpe('GZ-EMPTY');
    await cpe.send(cpe.informMessage(['2 PERIODIC']));
    expect((await cpe.post('', { 'content-encoding': 'gzip' })).status).toBe(204);
  });

  it('accepts a chunked request body', async () => {
    const xml = informXml('CHUNK');
    const r = await raw(gw.url, 'POST', { 'transfer-encoding': 'chunked' }, [
      xml.slice(0, 100),
      xml.slice(100, 500),
      xml.slice(500),
    ]);
    expect(r.status).toBe(200);
  });

  it('keeps the connection alive across the requests of a session', async () => {
    const cpe = gw.cpe('KA');
    const sockets = new Set<unknown>();
    cpe.agent.on('free', (s) => sockets.add(s));
    await cpe.send(cpe.informMessage(['2 PERIODIC']));
    expect((await cpe.send(null)).status).toBe(204);
    expect(sockets.size).toBe(1);
  });

  it.each([
    ['malformed XML', '<soap-env:Envelope><unclosed>'],
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'],
    ['not a SOAP envelope', '<html><body>hi</body></html>'],
  ])('answers 400 to %s', async (_name, body) => {
    const r = await raw(gw.url, 'POST', { 'content-type': 'text/xml' }, [body]);
    expect(r.status).toBe(400);
  });

  it('answers 413 to a body over the limit (declared or chunked) and to a zip bomb', async () => {
    const big = Buffer.alloc(70_000, 0x20);
    expect(
      (await raw(gw.url, 'POST', { 'content-length': String(big.length) }, [big])).status,
    ).toBe(413);
    expect(
      (
        await raw(gw.url, 'POST', { 'transfer-encoding': 'chunked' }, [
          big.subarray(0, 40_000),
          big.subarray(40_000),
        ])
      ).status,
    ).toBe(413);
    const bomb = gzipSync(Buffer.alloc(10_000_000, 0x20));
    expect((await raw(gw.url, 'POST', { 'content-encoding': 'gzip' }, [bomb])).status).toBe(413);
  });

  it('answers 400 to a corrupt gzip body', async () => {
    expect((await raw(gw.url, 'POST', { 'content-encoding': 'gzip' }, ['not gzip'])).status).toBe(
      400,
    );
  });

  it('answers 408 to a body that trickles in too slowly, and stays healthy', async () => {
    const port = new URL(gw.url).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<so`);
      });
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    const r = await raw(gw.url, 'POST', {}, [informXml('AFTER')]);
    expect(r.status).toBe(200);
  });
});
