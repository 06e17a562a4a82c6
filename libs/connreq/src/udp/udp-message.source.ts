import type { Clock, Random } from '../ports/clock.port';

/**
 * Fresh ids and monotonic timestamps for Annex G messages. ts never goes backwards even when the
 * wall clock does (a CPE drops an older ts as a replay), and every request gets a new id.
 */
export class UdpMessageSource {
  private lastTs = 0;
  private seq = 0;
  private readonly prefix: string;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    // Random per process, so two service instances never issue the same id.
    this.prefix = random.bytes(4).toString('hex');
  }

  next(): { ts: number; id: string; cn: string } {
    this.lastTs = Math.max(this.lastTs, Math.floor(this.clock.now() / 1000));
    this.seq = (this.seq + 1) % 0x1_0000_0000;
    return {
      ts: this.lastTs,
      id: `${this.prefix}${this.seq.toString(16).padStart(8, '0')}`,
      cn: this.random.bytes(8).toString('hex'),
    };
  }
}
