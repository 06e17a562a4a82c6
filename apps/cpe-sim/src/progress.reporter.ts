import type { CpeFleet } from '@acs/cpe-sim';

/** One progress line per interval: sessions/s, totals, failures, latency, in-flight sessions. */
export class ProgressReporter {
  private lastDone = 0;
  private lastAt = performance.now();

  constructor(
    private readonly fleet: CpeFleet,
    private readonly write: (line: string) => void,
  ) {}

  tick(): void {
    const s = this.fleet.stats;
    const done = s.ok + s.failed;
    const now = performance.now();
    const rate = ((done - this.lastDone) * 1000) / Math.max(1, now - this.lastAt);
    this.lastDone = done;
    this.lastAt = now;
    this.write(
      `sessions/s ${rate.toFixed(0).padStart(6)} | ok ${s.ok} | failed ${s.failed} | active ${this.fleet.activeSessions} | queued ${this.fleet.queuedSessions} | latency p50 ${s.percentile(50).toFixed(1)} ms p99 ${s.percentile(99).toFixed(1)} ms`,
    );
  }
}
