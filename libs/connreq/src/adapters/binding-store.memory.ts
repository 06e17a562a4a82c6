import { ConnreqError, ConnreqErrorCode } from '../connreq.error';
import { assertBinding, type BindingStore, type StunBinding } from '../ports/binding-store.port';
import { SystemClock, type Clock } from '../ports/clock.port';

/** In-process adapter: a map with lazy expiry (entries are dropped when read after their TTL). */
export class InMemoryBindingStore implements BindingStore {
  private readonly entries = new Map<string, { binding: StunBinding; expiresAt: number }>();
  private closed = false;

  constructor(private readonly clock: Clock = new SystemClock()) {}

  put(binding: StunBinding, ttlMs: number): Promise<void> {
    try {
      this.open();
      assertBinding(binding, ttlMs);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.entries.delete(binding.deviceId); // re-insert: the map stays ordered by last write
    this.entries.set(binding.deviceId, { binding, expiresAt: this.clock.now() + ttlMs });
    this.sweep(2);
    return Promise.resolve();
  }

  get(deviceId: string): Promise<StunBinding | undefined> {
    this.open();
    const e = this.entries.get(deviceId);
    if (e === undefined) return Promise.resolve(undefined);
    if (e.expiresAt <= this.clock.now()) {
      this.entries.delete(deviceId);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(e.binding);
  }

  delete(deviceId: string): Promise<void> {
    this.open();
    this.entries.delete(deviceId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
    return Promise.resolve();
  }

  get size(): number {
    return this.entries.size;
  }

  // Incremental expiry of the oldest writes, so bindings of vanished CPEs do not pile up.
  private sweep(n: number): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) {
      if (n-- <= 0 || e.expiresAt > now) return;
      this.entries.delete(k);
    }
  }

  private open(): void {
    if (this.closed) throw new ConnreqError(ConnreqErrorCode.Closed, 'binding store closed');
  }
}
