import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBasicAuthorization, serializeEnvelope } from '@acs/cwmp';
import { Gateway } from './gateway';
import { startTestGateway, type TestGateway } from './testing/gateway.harness';

// HTTPS with a configured certificate (a throwaway self-signed one made with openssl).
describe(`${Gateway.name} over HTTPS`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let gw: TestGateway;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    gw = await startTestGateway({
      GATEWAY_TLS_CERT: cert,
      GATEWAY_TLS_KEY: key,
      GATEWAY_AUTH: 'required',
    });
    await gw.credentials.register({ _id: '00D09E-HG-TLS1', username: 'tls', password: 'pw' });
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; cookie?: string }> =>
    new Promise((resolve, reject) => {
      // Loopback test against a self-signed certificate: trust is not what is tested here.
      const req = request(gw.url, { method: 'POST', headers, rejectUnauthorized: false }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers['set-cookie']?.[0] === undefined
              ? {}
              : { cookie: res.headers['set-cookie'][0] }),
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });

  it('accepts Basic over TLS (where plain HTTP refuses it) and marks the session cookie Secure', async () => {
    expect(gw.gateway.secure).toBe(true);
    const inform = gw.cpe('TLS1').informMessage(['2 PERIODIC']);
    const body = serializeEnvelope({ version: '1.2', header: { id: '1' }, body: inform });
    const r = await post(body, { authorization: buildBasicAuthorization('tls', 'pw') });
    expect(r.status).toBe(200);
    expect(r.cookie).toMatch(/; Secure$/);
    const end = await post('', { cookie: (r.cookie ?? '').split(';')[0] ?? '' });
    expect(end.status).toBe(204);
  });

  it('refuses wrong Basic credentials over TLS', async () => {
    const inform = gw.cpe('TLS1').informMessage(['2 PERIODIC']);
    const body = serializeEnvelope({ version: '1.2', header: { id: '1' }, body: inform });
    expect(
      (await post(body, { authorization: buildBasicAuthorization('tls', 'nope') })).status,
    ).toBe(401);
  });
});
