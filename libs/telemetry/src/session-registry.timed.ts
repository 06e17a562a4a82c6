import type { SessionRegistry } from '@acs/sessions';
import { timedDbCall, type DbAttributes } from './db-call.timed';
import { monotonicSeconds, type SecondsClock } from './event-bus.traced';
import type { AcsMetrics, DbSystem } from './metrics.registry';

type Operation = Exclude<keyof SessionRegistry, 'close'>;

const OPERATIONS: readonly Operation[] = [
  'acquireLock',
  'refreshLock',
  'releaseLock',
  'lockHolder',
  'putRecord',
  'getRecord',
  'deleteRecord',
  'pushInbox',
  'popInbox',
  'clearInbox',
];

/**
 * A SessionRegistry that records `db.client.operation.duration` {db.system.name, db.operation.name
 * = the port method, error.type on failure} for every call of the one it wraps. No spans: a CWMP
 * request makes several registry calls, and spans for each would cost more than they tell
 * (bench/telemetry.bench.ts); the histogram shows Redis latency per operation. `popInbox` includes
 * its wait for an entry, so read its latency as "time the gateway waited for provisioning".
 */
export class TimedSessionRegistry implements SessionRegistry {
  // The success labels of each operation, built once: ~8 calls per CWMP session record here, and
  // a fresh object (spread) per call was measurable on the gateway's hot path (docs/benchmarks.md).
  private readonly okAttributes: Readonly<Record<Operation, DbAttributes>>;

  constructor(
    private readonly inner: SessionRegistry,
    private readonly metrics: AcsMetrics,
    private readonly system: DbSystem,
    private readonly clock: SecondsClock = monotonicSeconds,
  ) {
    const ok = {} as Record<Operation, DbAttributes>;
    for (const operation of OPERATIONS)
      ok[operation] = Object.freeze({ 'db.system.name': system, 'db.operation.name': operation });
    this.okAttributes = ok;
  }

  private timed<T>(operation: Operation, call: () => Promise<T>): Promise<T> {
    return timedDbCall(
      this.metrics,
      this.clock,
      (failure) =>
        failure === undefined
          ? this.okAttributes[operation]
          : {
              'db.system.name': this.system,
              'db.operation.name': operation,
              'error.type': failure,
            },
      call,
    );
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.timed('acquireLock', () => this.inner.acquireLock(key, token, ttlMs));
  }
  refreshLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.timed('refreshLock', () => this.inner.refreshLock(key, token, ttlMs));
  }
  releaseLock(key: string, token: string): Promise<boolean> {
    return this.timed('releaseLock', () => this.inner.releaseLock(key, token));
  }
  lockHolder(key: string): Promise<string | null> {
    return this.timed('lockHolder', () => this.inner.lockHolder(key));
  }
  putRecord(sessionId: string, record: string, ttlMs: number): Promise<void> {
    return this.timed('putRecord', () => this.inner.putRecord(sessionId, record, ttlMs));
  }
  getRecord(sessionId: string): Promise<string | null> {
    return this.timed('getRecord', () => this.inner.getRecord(sessionId));
  }
  deleteRecord(sessionId: string): Promise<void> {
    return this.timed('deleteRecord', () => this.inner.deleteRecord(sessionId));
  }
  pushInbox(sessionId: string, entries: readonly string[], ttlMs: number): Promise<void> {
    return this.timed('pushInbox', () => this.inner.pushInbox(sessionId, entries, ttlMs));
  }
  popInbox(sessionId: string, timeoutMs: number): Promise<string | null> {
    return this.timed('popInbox', () => this.inner.popInbox(sessionId, timeoutMs));
  }
  clearInbox(sessionId: string): Promise<void> {
    return this.timed('clearInbox', () => this.inner.clearInbox(sessionId));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
