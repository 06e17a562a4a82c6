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

export class CryptoRandom implements RandomSource {
  bytes(n: number): Buffer {
    return randomBytes(n);
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
