import { assertKey, assertTtl, type SessionRegistry } from './session-registry.port';
import { SessionsError, SessionsErrorCode } from './sessions.error';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

type Waiter = (entry: string | null) => void;

/**
 * In-process session registry for the all-in-one ACS and fast unit tests.
 * Same semantics as the Redis adapter (proven by the shared contract suite);
 * expiry is checked lazily on access plus a periodic sweep so idle keys
 * do not accumulate.
 */
export class InMemorySessionRegistry implements SessionRegistry {
  private readonly locks = new Map<string, Expiring<string>>();
  private readonly records = new Map<string, Expiring<string>>();
  private readonly inboxes = new Map<string, Expiring<string[]>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly now: () => number = Date.now,
    sweepIntervalMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    this.check();
    assertKey('lock key', key);
    assertKey('token', token);
    assertTtl('ttlMs', ttlMs);
    if (this.live(this.locks, key) !== undefined) return false;
    this.locks.set(key, { value: token, expiresAt: this.now() + ttlMs });
    return true;
  }

  async refreshLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    this.check();
    assertTtl('ttlMs', ttlMs);
    const lock = this.live(this.locks, key);
    if (lock?.value !== token) return false;
    lock.expiresAt = this.now() + ttlMs;
    return true;
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    this.check();
    const lock = this.live(this.locks, key);
    if (lock?.value !== token) return false;
    this.locks.delete(key);
    return true;
  }

  async lockHolder(key: string): Promise<string | null> {
    this.check();
    return this.live(this.locks, key)?.value ?? null;
  }

  async putRecord(sessionId: string, record: string, ttlMs: number): Promise<void> {
    this.check();
    assertKey('session id', sessionId);
    assertTtl('ttlMs', ttlMs);
    this.records.set(sessionId, { value: record, expiresAt: this.now() + ttlMs });
  }

  async getRecord(sessionId: string): Promise<string | null> {
    this.check();
    return this.live(this.records, sessionId)?.value ?? null;
  }

  async deleteRecord(sessionId: string): Promise<void> {
    this.check();
    this.records.delete(sessionId);
  }

  async pushInbox(sessionId: string, entries: readonly string[], ttlMs: number): Promise<void> {
    this.check();
    assertKey('session id', sessionId);
    assertTtl('ttlMs', ttlMs);
    const inbox = this.live(this.inboxes, sessionId) ?? { value: [], expiresAt: 0 };
    inbox.expiresAt = this.now() + ttlMs;
    this.inboxes.set(sessionId, inbox);
    for (const entry of entries) {
      const waiter = this.waiters.get(sessionId)?.shift();
      if (waiter) waiter(entry);
      else inbox.value.push(entry);
    }
  }

  async popInbox(sessionId: string, timeoutMs: number): Promise<string | null> {
    this.check();
    assertKey('session id', sessionId);
    assertTtl('timeoutMs', timeoutMs);
    const queued = this.live(this.inboxes, sessionId)?.value.shift();
    if (queued !== undefined) return queued;
    return new Promise((resolve) => {
      const list = this.waiters.get(sessionId) ?? [];
      this.waiters.set(sessionId, list);
      const timer = setTimeout(() => {
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.waiters.delete(sessionId);
        resolve(null);
      }, timeoutMs);
      const waiter: Waiter = (entry) => {
        clearTimeout(timer);
        if (list.length === 0) this.waiters.delete(sessionId);
        resolve(entry);
      };
      list.push(waiter);
    });
  }

  async clearInbox(sessionId: string): Promise<void> {
    this.check();
    this.inboxes.delete(sessionId);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const list of this.waiters.values()) for (const w of list.splice(0)) w(null);
    this.waiters.clear();
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const t = this.now();
    for (const map of [this.locks, this.records, this.inboxes] as Map<string, Expiring<unknown>>[]) {
      for (const [k, v] of map) if (v.expiresAt <= t) map.delete(k);
    }
  }

  private check(): void {
    if (this.closed) throw new SessionsError(SessionsErrorCode.Closed, 'session registry is closed');
  }
}
