import type { Clock } from './runtime.ports';

interface Window {
  failures: number;
  resetAt: number;
}

/**
 * Failed authentications per source address in a fixed window; once `maxFailures` is reached the
 * source gets 429 until the window ends. Per pod, in memory (docs/gateway.md): a source spread over
 * N pods by the load balancer gets up to N × maxFailures attempts per window.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly maxSources = 100_000,
  ) {}

  /** Seconds until `source` may try again, or 0 when it is not blocked. */
  blockedFor(source: string): number {
    const w = this.windows.get(source);
    if (w === undefined) return 0;
    const now = this.clock.now();
    if (w.resetAt <= now) {
      this.windows.delete(source);
      return 0;
    }
    return w.failures >= this.maxFailures ? Math.ceil((w.resetAt - now) / 1000) : 0;
  }

  recordFailure(source: string): void {
    const now = this.clock.now();
    let w = this.windows.get(source);
    if (w === undefined || w.resetAt <= now) {
      if (this.windows.size >= this.maxSources) this.prune(now);
      w = { failures: 0, resetAt: now + this.windowMs };
      this.windows.set(source, w);
    }
    w.failures++;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    // Still full (an address-spraying attack): forget the oldest windows rather than grow.
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxSources) break;
      this.windows.delete(k);
    }
  }
}
