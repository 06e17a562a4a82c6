import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildDigestAuthorization,
  parseDigestChallenge,
  parseEnvelope,
  serializeEnvelope,
} from '@acs/cwmp';
import type { CpeFleet } from '@acs/cpe-sim';
import { expectEventually } from '@acs/testing';
import { loadSimOptions } from './sim.config';
import { runSimulator } from './sim.runner';

/** Canned ACS: InformResponse to any Inform, 204 to anything else; counts Inform event codes. */
async function standIn(): Promise<{ server: http.Server; port: number; events: string[] }> {
  const events: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body === '') return void res.writeHead(204).end();
      const env = parseEnvelope(body);
      if (env.body.type === 'Inform') events.push(...env.body.event.map((e) => e.eventCode));
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        serializeEnvelope({
          version: env.version,
          header: { id: '1' },
          body: { type: 'InformResponse', maxEnvelopes: 1 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, events };
}

function get(port: number, path: string, authorization?: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: authorization === undefined ? {} : { authorization },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        },
      )
      .on('error', reject);
  });
}

describe(runSimulator.name, () => {
  it('boots a template mix against an ACS, takes a connection request, and summarises the run', async () => {
    const acs = await standIn();
    let release: () => void = () => undefined;
    const stop = new Promise<void>((r) => (release = r));
    let info: { crPort: number; fleet: CpeFleet } | undefined;
    const lines: string[] = [];
    try {
      const o = loadSimOptions([
        '--devices',
        '20',
        '--templates',
        'tr181:1,tr098:1',
        '--acs-url',
        `http://127.0.0.1:${acs.port}/`,
        '--ramp-up',
        '0',
        '--cr-port',
        '0',
        '--quirks',
        'booleanDigits',
        '--quirk-share',
        '0.5',
      ]);
      const run = runSimulator(o, { log: (l) => lines.push(l), stop, started: (i) => (info = i) });
      await expectEventually(() => expect(info?.fleet.stats.ok).toBe(20));
      const fleet = info!.fleet;
      expect(new Set(fleet.devices.map((d) => d.model.root))).toEqual(
        new Set(['Device.', 'InternetGatewayDevice.']),
      );
      const cpe = fleet.devices[3]!;
      const path = `/cr/${encodeURIComponent(cpe.deviceId)}`;
      const challenge = (await get(info!.crPort, path)).headers['www-authenticate'] ?? '';
      const authorization = buildDigestAuthorization({
        challenge: parseDigestChallenge(challenge),
        username: cpe.crUsername,
        password: 'cr-secret',
        method: 'GET',
        uri: path,
        nc: 1,
      });
      expect((await get(info!.crPort, path, authorization)).statusCode).toBe(200);
      await expectEventually(() => expect(acs.events).toContain('6 CONNECTION REQUEST'));
      release();
      const summary = await run;
      expect(summary).toMatchObject({
        devices: 20,
        sessions: { ok: 21, failed: 0 },
        connectionRequests: { http: { accepted: 1, refused: 0 } },
      });
      expect(acs.events.filter((e) => e === '0 BOOTSTRAP')).toHaveLength(20);
      expect(lines[0]).toContain('20 devices');
    } finally {
      release();
      acs.server.closeAllConnections();
      await new Promise<void>((r) => acs.server.close(() => r()));
    }
  });
});
