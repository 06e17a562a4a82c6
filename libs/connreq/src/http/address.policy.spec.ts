import { AddressPolicy, DEFAULT_ADDRESS_POLICY } from './address.policy';
import { ConnreqErrorCode } from '../connreq.error';

describe(AddressPolicy.name, () => {
  const def = new AddressPolicy();
  it.each([
    ['a public IPv4 address', '203.0.113.7', true],
    ['a private (RFC 1918) CPE address', '10.20.30.40', true],
    ['a CGNAT address', '100.64.1.1', true],
    ['loopback', '127.0.0.1', false],
    ['another loopback address', '127.9.9.9', false],
    ['the cloud metadata address', '169.254.169.254', false],
    ['"this network"', '0.0.0.0', false],
    ['multicast', '239.1.1.1', false],
    ['IPv6 loopback', '::1', false],
    ['IPv6 link-local', 'fe80::1', false],
    ['an IPv4-mapped IPv6 loopback', '::ffff:127.0.0.1', false],
    ['a global IPv6 address', '2001:db8::5', true],
    ['a name, not an address', 'example.com', false],
  ])('default policy: %s → %s', (_n, ip, allowed) => {
    expect(def.allows(ip)).toBe(allowed);
  });

  it('lets deny win over allow and requires an allow match', () => {
    const p = new AddressPolicy({ allow: ['127.0.0.0/8'], deny: ['127.0.0.66/32'] });
    expect(p.allows('127.0.0.1')).toBe(true);
    expect(p.refusal('127.0.0.66')).toMatch(/denied/);
    expect(p.refusal('10.0.0.1')).toMatch(/not in an allowed range/);
  });

  it.each(['10.0.0.0/33', 'nonsense', '10.0.0.0/', '::/129', '1.2.3.4/8/1'])(
    'refuses the CIDR %j',
    (cidr) => {
      expect(() => new AddressPolicy({ allow: [cidr], deny: [] })).toThrow(
        expect.objectContaining({ code: ConnreqErrorCode.InvalidArgument }) as Error,
      );
    },
  );

  it('documents its default explicitly', () => {
    expect(DEFAULT_ADDRESS_POLICY.deny).toContain('127.0.0.0/8');
    expect(DEFAULT_ADDRESS_POLICY.allow).toEqual(['0.0.0.0/0', '::/0']);
  });
});
