import { uniqueName } from '@acs/testing';
import { XmppCpeResponder } from '../testing/xmpp-cpe.responder';
import { xmppTestEnv } from '../testing/xmpp-test.env';
import { XmppConnectionRequester } from './xmpp-connreq.client';

describe(XmppConnectionRequester.name, () => {
  const x = xmppTestEnv();
  const env = {
    service: x.XMPP_SERVICE,
    domain: x.XMPP_DOMAIN,
    acsUser: x.XMPP_ACS_USERNAME,
    acsPassword: x.XMPP_ACS_PASSWORD,
    cpePassword: x.XMPP_CPE_PASSWORD,
  };
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
