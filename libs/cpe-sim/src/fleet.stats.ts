import type { SessionOutcome } from './cpe.session';

const RESERVOIR = 4096;

/** Session counters and a latency sample for progress lines and the JSON summary. */
export class FleetStats {
  ok = 0;
  failed = 0;
  messages = 0;
  readonly errors = new Map<string, number>();
  private readonly latencies: number[] = [];
  private seen = 0;

  record(outcome: SessionOutcome, ms: number): void {
    this.messages += outcome.messages;
    if (outcome.ok) this.ok++;
    else {
      this.failed++;
      const key = outcome.error.slice(0, 80);
      if (this.errors.size < 50 || this.errors.has(key))
        this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    // Reservoir sampling keeps percentiles honest without storing every latency.
    this.seen++;
    if (this.latencies.length < RESERVOIR) this.latencies.push(ms);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < RESERVOIR) this.latencies[j] = ms;
    }
  }

  percentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }

  summary(): {
    ok: number;
    failed: number;
    messages: number;
    p50Ms: number;
    p99Ms: number;
    errors: Record<string, number>;
  } {
    return {
      ok: this.ok,
      failed: this.failed,
      messages: this.messages,
      p50Ms: Math.round(this.percentile(50) * 10) / 10,
      p99Ms: Math.round(this.percentile(99) * 10) / 10,
      errors: Object.fromEntries(this.errors),
    };
  }
}
