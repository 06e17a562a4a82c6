import { loadConnreqConfig } from './connreq.config';
import { DEFAULT_ADDRESS_POLICY } from '../http/address.policy';

describe('loadConnreqConfig', () => {
  it('defaults to the documented address policy, Digest only, port 3478 and no XMPP', () => {
    const c = loadConnreqConfig({});
    expect(c.CONNREQ_ALLOW_CIDRS).toEqual(DEFAULT_ADDRESS_POLICY.allow);
    expect(c.CONNREQ_DENY_CIDRS).toEqual(DEFAULT_ADDRESS_POLICY.deny);
    expect(c).toMatchObject({
      CONNREQ_ALLOW_BASIC: false,
      STUN_PORT: 3478,
      STUN_REQUIRE_AUTH: true,
    });
    expect(c.XMPP_SERVICE).toBeUndefined();
  });

  it('lets a test deployment allow loopback and deny nothing', () => {
    const c = loadConnreqConfig({ CONNREQ_ALLOW_CIDRS: '127.0.0.0/8', CONNREQ_DENY_CIDRS: '' });
    expect(c.CONNREQ_ALLOW_CIDRS).toEqual(['127.0.0.0/8']);
    expect(c.CONNREQ_DENY_CIDRS).toEqual([]);
  });

  it('lists every bad variable', () => {
    expect(() => loadConnreqConfig({ STUN_PORT: '70000', XMPP_SERVICE: 'http://x' })).toThrow(
      /STUN_PORT[\s\S]*XMPP_SERVICE|XMPP_SERVICE[\s\S]*STUN_PORT/,
    );
  });

  it('uses the provisioning database (ACS_MONGODB_DATABASE) unless ACS_DATABASE says otherwise', () => {
    expect(loadConnreqConfig({}).ACS_DATABASE).toBe('acs');
    expect(loadConnreqConfig({ ACS_MONGODB_DATABASE: 'prod' }).ACS_DATABASE).toBe('prod');
    expect(
      loadConnreqConfig({ ACS_MONGODB_DATABASE: 'prod', ACS_DATABASE: 'other' }).ACS_DATABASE,
    ).toBe('other');
  });

  it('records contacts from Informs by default', () => {
    expect(loadConnreqConfig({}).CONNREQ_RECORD_CONTACTS).toBe(true);
    expect(loadConnreqConfig({ CONNREQ_RECORD_CONTACTS: 'false' }).CONNREQ_RECORD_CONTACTS).toBe(
      false,
    );
  });
});
