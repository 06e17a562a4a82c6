import { randomBytes } from 'node:crypto';
import type { Clock, Random } from '../ports/clock.port';

/** A clock whose sleeps return at once and move time forward (unit tests). */
export class FakeClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/** Deterministic `next()`, real bytes. */
export class FixedRandom implements Random {
  constructor(private readonly value = 0.5) {}
  next(): number {
    return this.value;
  }
  bytes(n: number): Buffer {
    return randomBytes(n);
  }
}
