import type { Clock } from '../ports/clock.port';

/** Rate limit: `ratePerSec` tokens per second, up to `burst` saved. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes a token if one is there; else returns the ms until the next one. */
  tryTake(): { ok: true } | { ok: false; waitMs: number } {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return {
      ok: false,
      waitMs: Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSec)),
    };
  }
}
