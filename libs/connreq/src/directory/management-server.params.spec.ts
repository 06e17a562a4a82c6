import {
  deriveContact,
  jidAllowed,
  managementServerValues,
  mergeValues,
} from './management-server.params';

const s = (name: string, value: string) => ({ name, value: { type: 'string' as const, value } });

describe('managementServerValues', () => {
  it('reads ManagementServer names under both roots and ignores the rest', () => {
    expect(
      managementServerValues([
        s('Device.ManagementServer.ConnectionRequestURL', 'http://10.0.0.1:7547/cr'),
        s('InternetGatewayDevice.ManagementServer.UDPConnectionRequestAddress', '10.0.0.1:7547'),
        { name: 'Device.ManagementServer.NATDetected', value: { type: 'boolean', value: true } },
        s('Device.ManagementServer.ParameterKey', 'k'),
        s('Device.DeviceInfo.SoftwareVersion', '1.0'),
        s('Device.ManagementServer.ConnectionRequestURL.Extra', 'x'),
      ]),
    ).toEqual({
      ConnectionRequestURL: 'http://10.0.0.1:7547/cr',
      UDPConnectionRequestAddress: '10.0.0.1:7547',
      NATDetected: 'true',
    });
  });
});

describe('mergeValues', () => {
  it('prefers the newer values but never hides a known password behind an empty read', () => {
    expect(
      mergeValues(
        { ConnectionRequestURL: 'http://a/', ConnectionRequestPassword: 'set-by-acs' },
        { ConnectionRequestURL: 'http://b/', ConnectionRequestPassword: '' },
      ),
    ).toEqual({ ConnectionRequestURL: 'http://b/', ConnectionRequestPassword: 'set-by-acs' });
  });
});

describe('deriveContact', () => {
  it('builds every method from one set of connection request credentials', () => {
    const d = deriveContact('dev-1', {
      ConnectionRequestURL: 'http://10.0.0.1:7547/cr',
      ConnectionRequestUsername: 'u',
      ConnectionRequestPassword: 'p',
      UDPConnectionRequestAddress: '198.51.100.7:40000',
      NATDetected: 'true',
      STUNUsername: 'stun-u',
      STUNPassword: 'stun-p',
      ConnReqJabberID: 'cpe-1@acs.local/cwmp',
    });
    expect(d.contact).toEqual({
      deviceId: 'dev-1',
      http: { url: 'http://10.0.0.1:7547/cr', username: 'u', password: 'p' },
      udp: { address: '198.51.100.7:40000', username: 'u', password: 'p', natDetected: true },
      xmpp: { jid: 'cpe-1@acs.local/cwmp', username: 'u', password: 'p' },
    });
    expect(d.stun).toEqual({
      username: 'stun-u',
      credential: { deviceId: 'dev-1', password: 'stun-p', reportedAddress: '198.51.100.7:40000' },
    });
  });

  it('offers UDP through a STUN binding when no address is reported yet', () => {
    const d = deriveContact('dev-1', {
      ConnectionRequestUsername: 'u',
      ConnectionRequestPassword: 'p',
      STUNUsername: 'stun-u',
      STUNPassword: 'stun-p',
    });
    expect(d.contact).toEqual({ deviceId: 'dev-1', udp: { username: 'u', password: 'p' } });
    expect(d.stun?.credential).toEqual({ deviceId: 'dev-1', password: 'stun-p' });
  });

  it('records no STUN credential while STUNEnable is false or the password is unknown', () => {
    expect(
      deriveContact('d', { STUNUsername: 'x', STUNPassword: 'y', STUNEnable: 'false' }).stun,
    ).toBeUndefined();
    expect(deriveContact('d', { STUNUsername: 'x' }).stun).toBeUndefined();
  });

  it('gives nothing for empty or unusable values', () => {
    expect(deriveContact('d', { ConnectionRequestURL: '', ConnReqJabberID: ' ' })).toEqual({
      contact: undefined,
      stun: undefined,
    });
    // Over the schema's bounds: dropped rather than stored.
    expect(
      deriveContact('d', { ConnectionRequestURL: `http://x/${'a'.repeat(5000)}` }).contact,
    ).toBeUndefined();
  });

  it('leaves XMPP out when ConnReqAllowedJabberIDs does not list the ACS', () => {
    const v = { ConnReqJabberID: 'cpe-1@acs.local/r', ConnReqAllowedJabberIDs: 'other@acs.local' };
    expect(deriveContact('d', v, { acsJid: 'acs@acs.local' }).contact).toBeUndefined();
    expect(deriveContact('d', v, { acsJid: 'other@acs.local' }).contact?.xmpp?.jid).toBe(
      'cpe-1@acs.local/r',
    );
  });
});

describe('jidAllowed', () => {
  it('matches bare and full JIDs case-insensitively; an empty list allows everyone', () => {
    expect(jidAllowed('', 'acs@x')).toBe(true);
    expect(jidAllowed(undefined, 'acs@x')).toBe(true);
    expect(jidAllowed('ACS@x, b@x', 'acs@x/res')).toBe(true);
    expect(jidAllowed('acs@x/res', 'acs@x/res')).toBe(true);
    expect(jidAllowed('b@x', 'acs@x')).toBe(false);
  });
});
