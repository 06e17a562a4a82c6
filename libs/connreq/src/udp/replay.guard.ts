import type { ParsedUdpConnectionRequest } from './annex-g.message';

export type ReplayVerdict = 'fresh' | 'repeat' | 'stale';

/**
 * The CPE's replay rules for UDP connection requests (TR-069 Annex G.2.2): a message whose ts is
 * older than the newest accepted one is stale; a message with an id already seen is a repeat (the
 * ACS sends each request several times); anything else is a new request. Bounded memory: only
 * the ids carrying the newest ts are remembered, since older ts are refused anyway.
 */
export class UdpReplayGuard {
  private newestTs = -1;
  private idsAtNewest = new Set<string>();

  constructor(private readonly maxIds = 64) {}

  check(r: Pick<ParsedUdpConnectionRequest, 'ts' | 'id'>): ReplayVerdict {
    if (r.ts < this.newestTs) return 'stale';
    if (r.ts > this.newestTs) {
      this.newestTs = r.ts;
      this.idsAtNewest = new Set([r.id]);
      return 'fresh';
    }
    if (this.idsAtNewest.has(r.id)) return 'repeat';
    if (this.idsAtNewest.size >= this.maxIds) return 'stale';
    this.idsAtNewest.add(r.id);
    return 'fresh';
  }
}
