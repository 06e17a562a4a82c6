import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDigestChallenge, parseDigestAuthorization, verifyDigest } from '@acs/cwmp';
import { DEFAULT_GROUP } from './device-group.config';
import { HttpFileTransferClient, KEPT_BYTES } from './file-transfer.client';
import { ManualClock } from './sim.clock';
import { SimulatedCpe } from './simulated-cpe';
import { FIRMWARE_MAGIC, performDownload, performUpload } from './transfer.runner';

const FIRMWARE = Buffer.concat([
  Buffer.from(`${FIRMWARE_MAGIC}7.1.0\n`),
  Buffer.alloc(3 * 1024 * 1024, 0xab),
]);

/** A file server on node:http: Digest-protected GET of a 3 MiB image, PUT that stores the body. */
async function fileServer(): Promise<{ server: http.Server; base: string; puts: Buffer[] }> {
  const puts: Buffer[] = [];
  let nonce = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization;
      let ok = false;
      try {
        ok =
          auth !== undefined &&
          verifyDigest({
            credentials: parseDigestAuthorization(auth),
            method: req.method ?? '',
            password: 'fpw',
            realm: 'files',
            nonce,
          });
      } catch {
        ok = false;
      }
      if (!ok) {
        const c = createDigestChallenge({ realm: 'files' });
        nonce = c.nonce;
        return void res.writeHead(401, { 'www-authenticate': c.header }).end();
      }
      if (req.method === 'PUT') {
        puts.push(Buffer.concat(chunks));
        return void res.writeHead(201).end();
      }
      if (req.url === '/fw.bin')
        return void res.writeHead(200, { 'content-length': FIRMWARE.length }).end(FIRMWARE);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, puts };
}

describe(HttpFileTransferClient.name, () => {
  const cpe = new SimulatedCpe(7, DEFAULT_GROUP, new ManualClock());
  const files = new HttpFileTransferClient();
  const download = (url: string, fileSize: number, password = 'fpw') =>
    ({
      kind: 'download',
      commandKey: 'k',
      url,
      username: 'fu',
      password,
      fileType: '1 Firmware Upgrade Image',
      fileSize,
      delaySeconds: 0,
    }) as const;

  it('downloads a large image with Digest, counting every byte but holding only the head', async () => {
    const s = await fileServer();
    try {
      const res = await files.get(`${s.base}/fw.bin`, 'fu', 'fpw');
      expect(res.size).toBe(FIRMWARE.length);
      expect(res.body.length).toBe(KEPT_BYTES);
      expect(
        await performDownload(cpe, download(`${s.base}/fw.bin`, FIRMWARE.length), files),
      ).toEqual({
        fault: { faultCode: 0, faultString: '' },
        newSoftwareVersion: '7.1.0',
      });
      expect(
        (await performDownload(cpe, download(`${s.base}/fw.bin`, 10), files)).fault.faultCode,
      ).toBe(9018);
      expect(
        (await performDownload(cpe, download(`${s.base}/fw.bin`, 0, 'bad'), files)).fault.faultCode,
      ).toBe(9012);
      expect(
        (await performDownload(cpe, download(`${s.base}/none.bin`, 0), files)).fault.faultCode,
      ).toBe(9016);
    } finally {
      s.server.closeAllConnections();
      await new Promise<void>((r) => s.server.close(() => r()));
    }
  });

  it('uploads the vendor configuration with a PUT', async () => {
    const s = await fileServer();
    try {
      cpe.model.write('Device.WiFi.SSID.1.SSID', 'uploaded');
      const r = await performUpload(
        cpe,
        {
          kind: 'upload',
          commandKey: 'u',
          url: `${s.base}/cfg`,
          username: 'fu',
          password: 'fpw',
          fileType: '1 Vendor Configuration File',
          delaySeconds: 0,
        },
        files,
      );
      expect(r.fault.faultCode).toBe(0);
      expect(JSON.parse(s.puts[0]?.toString() ?? '{}')).toMatchObject({
        'Device.WiFi.SSID.1.SSID': 'uploaded',
      });
    } finally {
      s.server.closeAllConnections();
      await new Promise<void>((r) => s.server.close(() => r()));
    }
  });

  it('reports an unreachable server as 9015', async () => {
    const s = await fileServer();
    const base = s.base;
    s.server.closeAllConnections();
    await new Promise<void>((r) => s.server.close(() => r()));
    expect((await performDownload(cpe, download(`${base}/fw.bin`, 0), files)).fault.faultCode).toBe(
      9015,
    );
  });
});
