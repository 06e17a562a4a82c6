import { BlockList, isIP } from 'node:net';
import { ConnreqError, ConnreqErrorCode } from '../connreq.error';

/**
 * Which destination addresses connection requests may go to, checked on the address actually
 * connected to (after DNS), so a ConnectionRequestURL cannot aim the service at internal networks.
 * Deny wins over allow; an address must match an allow entry.
 */
export interface AddressPolicyConfig {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/**
 * The default: anything routable, but not loopback, "this network", link-local (cloud metadata
 * at 169.254.169.254), multicast or the IPv6 equivalents. RFC 1918 / CGNAT ranges stay allowed:
 * that is where CPEs live in operator networks; deny them per deployment if the ACS shares them.
 * Tests on 127.0.0.1 configure `{ allow: ['127.0.0.0/8'], deny: [] }`.
 */
export const DEFAULT_ADDRESS_POLICY: AddressPolicyConfig = {
  allow: ['0.0.0.0/0', '::/0'],
  deny: [
    '0.0.0.0/8',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '224.0.0.0/4',
    '240.0.0.0/4',
    '::/128',
    '::1/128',
    'fe80::/10',
    'ff00::/8',
  ],
};

export class AddressPolicy {
  private readonly allowList = new BlockList();
  private readonly denyList = new BlockList();

  constructor(readonly config: AddressPolicyConfig = DEFAULT_ADDRESS_POLICY) {
    for (const c of config.allow) addCidr(this.allowList, c);
    for (const c of config.deny) addCidr(this.denyList, c);
  }

  /** Why `ip` is refused, or undefined when it is allowed. */
  refusal(ip: string): string | undefined {
    const fam = isIP(ip);
    if (fam === 0) return `not an IP address: ${ip}`;
    const type = fam === 4 ? 'ipv4' : 'ipv6';
    if (this.denyList.check(ip, type)) return `${ip} is in a denied range`;
    if (!this.allowList.check(ip, type)) return `${ip} is not in an allowed range`;
    return undefined;
  }

  allows(ip: string): boolean {
    return this.refusal(ip) === undefined;
  }
}

/** @throws ConnreqError InvalidArgument for a malformed CIDR. */
export function addCidr(list: BlockList, cidr: string): void {
  const [ip, bits, extra] = cidr.trim().split('/');
  const fam = isIP(ip ?? '');
  const max = fam === 4 ? 32 : 128;
  const n = bits === undefined ? max : Number(bits);
  if (fam === 0 || extra !== undefined || !Number.isInteger(n) || n < 0 || n > max || bits === '')
    throw new ConnreqError(ConnreqErrorCode.InvalidArgument, `bad CIDR ${JSON.stringify(cidr)}`);
  list.addSubnet(ip ?? '', n, fam === 4 ? 'ipv4' : 'ipv6');
}
