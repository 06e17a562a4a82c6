// Time behind an injectable class so every timer-driven behaviour (periodic inform, retry
// backoff, reboot delay) runs instantly in unit tests.

export interface TimerHandle {
  cancel(): void;
}

export interface SimClock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export class SystemClock implements SimClock {
  now(): number {
    return Date.now();
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    // Simulated devices must never keep a CLI or test process alive on their own.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }
}

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to (tests). */
export class ManualClock implements SimClock {
  private seq = 0;
  private timers: ManualTimer[] = [];
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t: ManualTimer = {
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }

  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.current = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = end;
  }

  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** Randomness behind an injectable function (retry jitter, nonces, instance choice). */
export type RandomSource = () => number;
