import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution behind a port, so the address policy can be tested without DNS. */
export interface HostResolver {
  resolve(host: string): Promise<ResolvedAddress[]>;
}

export class DnsHostResolver implements HostResolver {
  async resolve(host: string): Promise<ResolvedAddress[]> {
    const all = await lookup(host, { all: true, verbatim: true });
    return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}
