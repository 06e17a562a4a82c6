import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { XmppConnectionRequester } from '@acs/connreq';
import type { CpeFleet } from '@acs/cpe-sim';
import { parseEnvelope, serializeEnvelope } from '@acs/cwmp';
import { expectEventually, uniqueName } from '@acs/testing';
import { loadSimOptions } from '../src/sim.config';
import { runSimulator } from '../src/sim.runner';

// The simulator run as the CLI wires it, with XMPP connection requests through the real XMPP
// server (deploy/local/services) and a node:http stand-in ACS.

function xmppEnv(): Record<string, string> {
  if (process.env['XMPP_SERVICE'] === undefined) {
    const launcher = join(__dirname, '../../../deploy/local/services');
    execFileSync(launcher, ['up', 'xmpp'], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const line of execFileSync(launcher, ['env', 'xmpp'], { encoding: 'utf8' }).split('\n')) {
      const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
    }
  }
  const out: Record<string, string> = {};
  for (const k of [
    'XMPP_SERVICE',
    'XMPP_DOMAIN',
    'XMPP_ACS_USERNAME',
    'XMPP_ACS_PASSWORD',
    'XMPP_CPE_PASSWORD',
  ]) {
    const v = process.env[k];
    if (v === undefined) throw new Error(`${k} is not set`);
    out[k] = v;
  }
  return out;
}

describe('cpe-sim run with XMPP connection requests', () => {
  it('logs devices in to XMPP and starts a session on an Annex K request', async () => {
    const env = xmppEnv();
    const informs: string[][] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (body === '') return void res.writeHead(204).end();
        const e = parseEnvelope(body);
        if (e.body.type === 'Inform') informs.push(e.body.event.map((x) => x.eventCode));
        res
          .writeHead(200)
          .end(
            serializeEnvelope({
              version: e.version,
              header: { id: '1' },
              body: { type: 'InformResponse', maxEnvelopes: 1 },
            }),
          );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const acs = new XmppConnectionRequester({
      service: env['XMPP_SERVICE']!,
      domain: env['XMPP_DOMAIN']!,
      username: env['XMPP_ACS_USERNAME']!,
      password: env['XMPP_ACS_PASSWORD']!,
      resource: uniqueName('acs-e2e'),
    });
    let release: () => void = () => undefined;
    const stop = new Promise<void>((r) => (release = r));
    let fleet: CpeFleet | undefined;
    try {
      await acs.waitOnline();
      const o = loadSimOptions([
        '--devices',
        '3',
        '--acs-url',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        '--ramp-up',
        '0',
        '--cr-port',
        '0',
        '--quiet',
        '--xmpp-service',
        env['XMPP_SERVICE']!,
        '--xmpp-domain',
        env['XMPP_DOMAIN']!,
        '--xmpp-password',
        env['XMPP_CPE_PASSWORD']!,
        '--xmpp-user-prefix',
        'cpe-',
        '--xmpp-devices',
        '2',
      ]);
      const run = runSimulator(o, {
        log: () => undefined,
        stop,
        started: (i) => (fleet = i.fleet),
      });
      await expectEventually(() => expect(fleet?.stats.ok).toBe(3), 20_000);
      const cpe = fleet!.devices[1]!;
      const jid = cpe.model.rawRead('Device.ManagementServer.ConnReqJabberID') ?? '';
      expect(jid).toMatch(/^cpe-2@/);
      expect(
        await acs.request({ jid, username: cpe.crUsername, password: 'cr-secret' }),
      ).toMatchObject({ kind: 'accepted' });
      await expectEventually(() => expect(informs.at(-1)).toEqual(['6 CONNECTION REQUEST']));
      release();
      expect(await run).toMatchObject({
        xmpp: { clients: 2, accepted: 1, refused: 0 },
        sessions: { ok: 4 },
      });
    } finally {
      release();
      await acs.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);
});
