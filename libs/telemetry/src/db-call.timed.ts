import { errorType } from './error-type';
import type { SecondsClock } from './event-bus.traced';
import type { AcsMetrics } from './metrics.registry';

export type DbAttributes = Parameters<AcsMetrics['dbOperationDuration']['record']>[1];

/**
 * Runs `call` and records its duration in `db.client.operation.duration` with the attributes
 * `attributes` builds (`failure`: the error.type of a failed call, undefined on success).
 */
export async function timedDbCall<T>(
  metrics: AcsMetrics,
  clock: SecondsClock,
  attributes: (failure: string | undefined) => DbAttributes,
  call: () => Promise<T>,
): Promise<T> {
  const started = clock();
  let failure: string | undefined;
  try {
    return await call();
  } catch (e) {
    failure = errorType(e);
    throw e;
  } finally {
    metrics.dbOperationDuration.record(clock() - started, attributes(failure));
  }
}
