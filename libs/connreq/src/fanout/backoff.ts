export interface BackoffPolicy {
  /** Attempts of one method, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(cap * random);
}
