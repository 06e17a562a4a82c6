import { timedDbCall } from './db-call.timed';
import { monotonicSeconds, type SecondsClock } from './event-bus.traced';
import type { AcsMetrics, DbSystem } from './metrics.registry';

/** The STUN binding store port of @acs/connreq (BindingStore), structurally. */
export interface BindingStoreLike<B> {
  put(binding: B, ttlMs: number): Promise<void>;
  get(deviceId: string): Promise<B | undefined>;
  delete(deviceId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A binding store that records `db.client.operation.duration` {db.system.name, db.operation.name
 * = `putBinding` | `getBinding` | `deleteBinding`, error.type on failure} for the one it wraps:
 * the Redis latency of the STUN server and the connection-request service.
 */
export class TimedBindingStore<B> implements BindingStoreLike<B> {
  constructor(
    private readonly inner: BindingStoreLike<B>,
    private readonly metrics: AcsMetrics,
    private readonly system: DbSystem,
    private readonly clock: SecondsClock = monotonicSeconds,
  ) {}

  private timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return timedDbCall(
      this.metrics,
      this.clock,
      (failure) => ({
        'db.system.name': this.system,
        'db.operation.name': operation,
        ...(failure === undefined ? {} : { 'error.type': failure }),
      }),
      call,
    );
  }

  put(binding: B, ttlMs: number): Promise<void> {
    return this.timed('putBinding', () => this.inner.put(binding, ttlMs));
  }
  get(deviceId: string): Promise<B | undefined> {
    return this.timed('getBinding', () => this.inner.get(deviceId));
  }
  delete(deviceId: string): Promise<void> {
    return this.timed('deleteBinding', () => this.inner.delete(deviceId));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
