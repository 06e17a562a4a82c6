import type { AttemptOutcomeKind } from '../schema/wakeup.schema';

/** The result of one connection-request attempt over one method. */
export interface AttemptOutcome {
  readonly kind: AttemptOutcomeKind;
  readonly detail?: string;
  /** The CPE asked for a pause (HTTP 503 Retry-After). */
  readonly retryAfterMs?: number;
}
