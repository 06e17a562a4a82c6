import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { XmppConnectionRequester } from '@acs/connreq';
import { uniqueName } from '@acs/testing';
import { SimHarness } from './testing/sim-harness';
import { CpeXmppClient } from './xmpp.client';

// Against the real XMPP server (prosody from deploy/local/services, accounts acs and cpe-1…cpe-20);
// the ACS side is libs/connreq's XmppConnectionRequester. A unique resource per run keeps this
// file apart from other suites that log in with the same accounts.

function xmppEnv(): Record<
  'service' | 'domain' | 'acsUser' | 'acsPassword' | 'cpePassword',
  string
> {
  if (process.env['XMPP_SERVICE'] === undefined) {
    const launcher = join(__dirname, '../../../deploy/local/services');
    execFileSync(launcher, ['up', 'xmpp'], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const line of execFileSync(launcher, ['env', 'xmpp'], { encoding: 'utf8' }).split('\n')) {
      const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
    }
  }
  const need = (k: string): string => {
    const v = process.env[k];
    if (v === undefined) throw new Error(`${k} is not set`);
    return v;
  };
  return {
    service: need('XMPP_SERVICE'),
    domain: need('XMPP_DOMAIN'),
    acsUser: need('XMPP_ACS_USERNAME'),
    acsPassword: need('XMPP_ACS_PASSWORD'),
    cpePassword: need('XMPP_CPE_PASSWORD'),
  };
}

describe(CpeXmppClient.name, () => {
  const env = xmppEnv();
  let acs: XmppConnectionRequester;
  let client: CpeXmppClient | undefined;

  beforeAll(async () => {
    acs = new XmppConnectionRequester({
      service: env.service,
      domain: env.domain,
      username: env.acsUser,
      password: env.acsPassword,
      resource: uniqueName('acs-sim'),
    });
    await acs.waitOnline();
  });
  afterAll(() => acs.close());
  afterEach(() => client?.stop());

  it('answers Annex K connection requests: result, not-authorized, service-unavailable', async () => {
    const h = new SimHarness();
    const cpe = h.device({ crPassword: 'cr-pw', crMinIntervalMs: 60_000 });
    h.fleet.boot(cpe);
    await h.settle();
    client = new CpeXmppClient(cpe, h.fleet, {
      service: env.service,
      domain: env.domain,
      username: 'cpe-19',
      password: env.cpePassword,
      resource: uniqueName('sim'),
    });
    await client.start();
    expect(cpe.model.rawRead('Device.ManagementServer.ConnReqJabberID')).toBe(client.jid);

    const ask = (password: string) =>
      acs.request({ jid: client!.jid, username: cpe.crUsername, password });
    expect(await ask('wrong')).toMatchObject({ kind: 'auth-failed' });
    expect(await ask('cr-pw')).toMatchObject({ kind: 'accepted' });
    await h.settle();
    expect(h.informEvents(cpe).at(-1)).toEqual(['6 CONNECTION REQUEST']);
    // Within the rate-limit period the device refuses (K.2.2: service-unavailable).
    expect(await ask('cr-pw')).toMatchObject({ kind: 'busy' });
    expect(client.verdicts).toEqual({ accepted: 1, 'not-authorized': 1, 'service-unavailable': 1 });
  });
});
