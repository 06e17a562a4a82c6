import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { uniqueName } from '@acs/testing';
import { XmppCpeResponder } from '../testing/xmpp-cpe.responder';
import { XmppConnectionRequester } from './xmpp-connreq.client';

// The real XMPP server: prosody started by deploy/local/services (`up` starts it with the others;
// when XMPP_SERVICE is not in the environment, ask the launcher, which is idempotent).
interface XmppTestEnv {
  service: string;
  domain: string;
  acsUser: string;
  acsPassword: string;
  cpePassword: string;
}

function xmppEnv(): XmppTestEnv {
  if (process.env['XMPP_SERVICE'] === undefined) {
    const launcher = join(__dirname, '../../../../deploy/local/services');
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

describe(XmppConnectionRequester.name, () => {
  const env = xmppEnv();
  const cr = { username: 'cr-user', password: 'cr-pass' };
  let acs: XmppConnectionRequester;
  const responders: XmppCpeResponder[] = [];

  const cpe = async (n: number, behaviour?: 'accept' | 'service-unavailable') => {
    const resource = uniqueName('cwmp');
    const r = new XmppCpeResponder(
      {
        service: env.service,
        domain: env.domain,
        username: `cpe-${n}`,
        password: env.cpePassword,
        resource,
      },
      cr,
      behaviour,
    );
    responders.push(r);
    await r.waitOnline();
    return { responder: r, jid: `cpe-${n}@${env.domain}/${resource}` };
  };

  beforeAll(async () => {
    acs = new XmppConnectionRequester({
      service: env.service,
      domain: env.domain,
      username: env.acsUser,
      password: env.acsPassword,
      resource: uniqueName('acs'),
      requestTimeoutMs: 3_000,
    });
    await acs.waitOnline();
  });
  afterEach(async () => {
    await Promise.all(responders.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await acs.close();
  });

  it('sends the Annex K connectionRequest IQ and reports the result as accepted', async () => {
    const { responder, jid } = await cpe(1);
    expect(await acs.request({ jid, ...cr })).toEqual({ kind: 'accepted', detail: 'IQ result' });
    expect(responder.served).toEqual([
      {
        from: expect.stringMatching(new RegExp(`^${env.acsUser}@${env.domain}/`)) as string,
        username: 'cr-user',
        outcome: 'accept',
      },
    ]);
  });

  it('reports not-authorized (wrong CR credentials) as auth-failed', async () => {
    const { jid } = await cpe(2);
    expect(await acs.request({ jid, username: 'cr-user', password: 'wrong' })).toEqual({
      kind: 'auth-failed',
      detail: 'not-authorized',
    });
  });

  it('reports service-unavailable from the CPE as busy', async () => {
    const { jid } = await cpe(3, 'service-unavailable');
    expect(await acs.request({ jid, ...cr })).toEqual({
      kind: 'busy',
      detail: 'service-unavailable',
    });
  });

  it('gets an error, not a hang, for a device JID that is not connected', async () => {
    const r = await acs.request({ jid: `cpe-4@${env.domain}/${uniqueName('gone')}`, ...cr });
    expect(['busy', 'unreachable']).toContain(r.kind);
  });

  it('reports the client as unreachable while it cannot log in', async () => {
    const bad = new XmppConnectionRequester({
      service: env.service,
      domain: env.domain,
      username: env.acsUser,
      password: 'not-the-password',
      resource: uniqueName('acs'),
    });
    try {
      await expect(bad.waitOnline(1_500)).rejects.toThrow(/not online/);
      expect(await bad.request({ jid: `cpe-1@${env.domain}/x`, ...cr })).toMatchObject({
        kind: 'unreachable',
      });
    } finally {
      await bad.close();
    }
  });
});
