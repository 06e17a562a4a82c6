import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { CpeTestClient } from '@acs/gateway';
import { isolation, startPod, stopPod } from './support/e2e.harness';
import type { GatewayRuntime } from '../src/gateway.runtime';

function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers, ...(agent === undefined ? {} : { agent }) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Hostile network input against a gateway on real Kafka/Redis/MongoDB: each gets its documented
// status (docs/gateway.md "Statuses") and the pod keeps serving real sessions.
describe('CWMP gateway under hostile input', () => {
  const iso = isolation('gw-hostile');
  let pod: { runtime: GatewayRuntime; url: string };

  beforeAll(async () => {
    pod = await startPod(iso, {
      GATEWAY_AUTH: 'required',
      GATEWAY_BASIC_OVER_HTTP: 'true',
      GATEWAY_BOOTSTRAP_POLICY: 'register',
      GATEWAY_BOOTSTRAP_USERNAME: 'boot',
      GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
      GATEWAY_PROVISIONING: 'none',
      GATEWAY_MAX_BODY_BYTES: '262144',
      GATEWAY_BODY_TIMEOUT_MS: '500',
      GATEWAY_AUTH_MAX_FAILURES: '20',
    });
  }, 60_000);
  afterAll(async () => stopPod(pod.runtime), 30_000);

  const healthySession = async (serial: string, localAddress = '127.0.0.1'): Promise<void> => {
    const c = new CpeTestClient({
      url: pod.url,
      root: 'Device',
      identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'HX', serialNumber: serial },
      auth: { scheme: 'digest', username: 'boot', password: 'strap' },
      agent: new Agent({ keepAlive: true, maxSockets: 1, localAddress }),
    });
    expect((await c.send(c.informMessage(['0 BOOTSTRAP']))).status).toBe(200);
    expect((await c.send(null)).status).toBe(204);
    c.close();
  };

  it.each([
    [
      'malformed XML',
      400,
      '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><cwmp:Inform>',
    ],
    [
      'a DOCTYPE (billion laughs)',
      400,
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    ],
    [
      'an external entity (XXE)',
      400,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    ],
    ['50k-deep nesting', 400, '<a>'.repeat(50_000)],
    ['binary junk', 400, Buffer.from([0, 1, 2, 0xff, 0xfe, 0x3c]).toString('latin1')],
  ])('answers %s with %i', async (name, status, body) => {
    expect(await post(pod.url, body, { 'content-type': 'text/xml' })).toBe(status);
    await healthySession(`H${status}${name.length}`);
  });

  it('answers an oversized body with 413, raw or as a gzip bomb', async () => {
    expect(await post(pod.url, Buffer.alloc(300_000, 0x41))).toBe(413);
    expect(
      await post(pod.url, gzipSync(Buffer.alloc(50_000_000, 0x20)), { 'content-encoding': 'gzip' }),
    ).toBe(413);
    await healthySession('BIG');
  });

  it('answers a slowloris-style slow body with 408 and keeps serving', async () => {
    const port = Number(new URL(pod.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () =>
        s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n<soap-env:Env'),
      );
      let got = '';
      // One byte every 100 ms: never completes the body before the deadline.
      const drip = setInterval(() => s.writable && s.write('x'), 100);
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => {
        clearInterval(drip);
        resolve(got);
      });
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    await healthySession('SLOW');
  });

  it('answers 1,000 wrong credentials with 401, then 429 once the source is over its limit', async () => {
    const wrong = new CpeTestClient({
      url: pod.url,
      root: 'Device',
      identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'HX', serialNumber: 'VICTIM' },
      auth: { scheme: 'basic', username: 'boot', password: 'guess' },
    });
    const counts = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = (await wrong.send(wrong.informMessage(['2 PERIODIC']))).status;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    wrong.close();
    expect(Object.fromEntries(counts)).toEqual({ 401: 20, 429: 980 });
    // Another source is not affected, and the pod is healthy.
    await healthySession('OTHER', '127.0.0.2');
  }, 60_000);
});
