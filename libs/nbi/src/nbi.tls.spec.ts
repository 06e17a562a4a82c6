import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { ListDevicesRequest } from '@acs/proto';
import { ApiCaller } from './testing/api.caller';
import { startHarness, type NbiHarness } from './testing/nbi.harness';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki(dir: string): void {
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
  }
}

describe('NBI over mTLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-tls-'));
  let h: NbiHarness;
  const file = (name: string): Buffer => readFileSync(join(dir, name));

  beforeAll(async () => {
    makePki(dir);
    h = await startHarness(
      {
        NBI_TLS_CERT_FILE: join(dir, 'server.crt'),
        NBI_TLS_KEY_FILE: join(dir, 'server.key'),
        NBI_TLS_CLIENT_CA_FILE: join(dir, 'ca.crt'),
      },
      credentials.createSsl(file('ca.crt'), file('client.key'), file('client.crt')),
    );
  }, 60_000);
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client with a certificate from the configured CA (and still wants the API key)', async () => {
    const ok = await h.api.call(
      '/acs.v1.DevicesService/ListDevices',
      ListDevicesRequest.fromPartial({}),
      h.keys.viewer,
    );
    expect(ok.code).toBe(status.OK);
    const noKey = await h.api.call('/acs.v1.DevicesService/ListDevices');
    expect(noKey.code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a client without a certificate, and a plaintext client', async () => {
    const anonymous = new ApiCaller(
      `127.0.0.1:${h.nbi.port}`,
      credentials.createSsl(file('ca.crt')),
    );
    const plain = new ApiCaller(`127.0.0.1:${h.nbi.port}`);
    try {
      for (const c of [anonymous, plain]) {
        const out = await c.call(
          '/acs.v1.DevicesService/ListDevices',
          ListDevicesRequest.fromPartial({}),
          h.keys.admin,
          3_000,
        );
        expect(out.code).toBe(status.UNAVAILABLE);
      }
    } finally {
      anonymous.close();
      plain.close();
    }
  });
});
