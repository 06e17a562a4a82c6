import { bytesToIp, ipFamilyOf, ipToBytes, parseIpv6 } from './ip.codec';

describe('IP codec', () => {
  it.each([
    ['127.0.0.1', 4, '127.0.0.1'],
    ['::1', 6, '::1'],
    ['2001:DB8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.128', 6, '::ffff:c000:280'],
    ['fe80::1%eth0', 6, 'fe80::1'],
    ['1:2:3:4:5:6:7:8', 6, '1:2:3:4:5:6:7:8'],
    ['::', 6, '::'],
  ] as const)('parses %s as IPv%d and prints it canonically', (text, fam, canonical) => {
    expect(ipFamilyOf(text)).toBe(fam);
    expect(bytesToIp(ipToBytes(text))).toBe(canonical);
  });

  it.each([
    '256.0.0.1',
    '1.2.3',
    '01.2.3.4',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'gggg::',
    '',
    'localhost',
  ])('refuses %j', (text) => {
    expect(ipFamilyOf(text)).toBeUndefined();
    expect(() => ipToBytes(text)).toThrow();
  });

  it('does not compress a single zero group (RFC 5952 §4.2.2)', () => {
    expect(bytesToIp(parseIpv6('1:0:2:3:4:5:6:7')!)).toBe('1:0:2:3:4:5:6:7');
  });
});
