/** Time and timers behind a class, so schedulers and expiry are testable with a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; the timer does not keep the process alive. */
  sleep(ms: number): Promise<void>;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    });
  }
}

/** Randomness behind a class (jitter, message ids, cnonces). */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}
