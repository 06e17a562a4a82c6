import { StunError, StunErrorCode } from './stun.error';

// Textual IP ↔ bytes, for STUN address attributes and address policies. Pure.

export type IpFamily = 4 | 6;

export function ipFamilyOf(ip: string): IpFamily | undefined {
  if (parseIpv4(ip) !== undefined) return 4;
  if (parseIpv6(ip) !== undefined) return 6;
  return undefined;
}

export function parseIpv4(ip: string): Buffer | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function parseIpv6(ip: string): Buffer | undefined {
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length === 0 || s.length > 45) return undefined;
  let tail: Buffer | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(missing).fill(0), ...rest];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tail !== undefined) tail.copy(out, 12);
  return out;
}

/** Bytes of an IPv4 or IPv6 address. @throws StunError InvalidArgument */
export function ipToBytes(ip: string): Buffer {
  const b = parseIpv4(ip) ?? parseIpv6(ip);
  if (b === undefined)
    throw new StunError(StunErrorCode.InvalidArgument, `not an IP address: ${ip}`);
  return b;
}

/** Canonical text (RFC 5952 for IPv6: lower case, longest zero run compressed). */
export function bytesToIp(b: Buffer): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16)
    throw new StunError(
      StunErrorCode.InvalidArgument,
      `an IP address has 4 or 16 bytes, not ${b.length}`,
    );
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
