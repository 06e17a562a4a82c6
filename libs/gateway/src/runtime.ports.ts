import { randomBytes } from 'node:crypto';

export interface TimerHandle {
  cancel(): void;
}

/** Time and timers, injectable so session timeouts are testable without waiting. */
export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, ms);
    // Session timers must not keep a draining process alive.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }
}

/** Randomness for session ids and Digest nonces. */
export interface RandomSource {
  bytes(n: number): Buffer;
}

/** CSPRNG bytes, drawn from a pooled 4 KiB block: one syscall per ~100 sessions, not two per session. */
export class CryptoRandom implements RandomSource {
  private pool = Buffer.alloc(0);
  private offset = 0;

  bytes(n: number): Buffer {
    if (n > 1024) return randomBytes(n);
    if (this.offset + n > this.pool.length) {
      this.pool = randomBytes(4096);
      this.offset = 0;
    }
    // A copy: callers may keep the bytes, and the pool must never hand out the same bytes twice.
    const out = Buffer.from(this.pool.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }
}

/** The few log calls the gateway makes (pino's signature, so a pino logger fits). */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: GatewayLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
