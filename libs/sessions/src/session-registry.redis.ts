import { Redis, type RedisOptions } from 'ioredis';
import { assertKey, assertTtl, type SessionRegistry } from './session-registry.port';
import { SessionsError, SessionsErrorCode } from './sessions.error';

export interface RedisSessionRegistryOptions {
  url: string;
  /** Prefix of every key and channel, so deployments and tests can share a server. */
  keyPrefix?: string;
  /** How long a command may wait for a lost connection before failing. */
  commandTimeoutMs?: number;
}

// Compare-and-act scripts: only the token's holder may refresh or release.
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

type Wakeup = () => void;

interface Subscription {
  wakes: Set<Wakeup>;
  ready: Promise<void>;
}

/**
 * Redis adapter. Locks are `SET NX PX` keys holding the token; records are
 * string keys with a TTL; inboxes are lists.
 *
 * Waiting for the inbox does not block a connection per session (a pod may
 * hold thousands of sessions): pushes publish a notification on the inbox's
 * channel, and waiters share one subscriber connection. A waiter subscribes
 * first and only then tries LPOP, so a push between the two is never missed.
 */
export class RedisSessionRegistry implements SessionRegistry {
  private readonly cmd: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly wakeups = new Map<string, Subscription>();
  private closed = false;

  constructor(options: RedisSessionRegistryOptions) {
    this.prefix = options.keyPrefix ?? 'acs:';
    const common: RedisOptions = {
      lazyConnect: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    };
    this.cmd = new Redis(options.url, common);
    this.sub = new Redis(options.url, { ...common, commandTimeout: undefined });
    // Errors surface on the commands that fail; the connection retries by itself.
    this.cmd.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    this.sub.on('message', (channel: string) => {
      for (const wake of this.wakeups.get(channel)?.wakes ?? []) wake();
    });
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    assertKey('lock key', key);
    assertKey('token', token);
    assertTtl('ttlMs', ttlMs);
    const ok = await this.run(() => this.cmd.set(this.lockKey(key), token, 'PX', ttlMs, 'NX'));
    return ok === 'OK';
  }

  async refreshLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    assertTtl('ttlMs', ttlMs);
    const n = await this.run(() => this.cmd.eval(REFRESH, 1, this.lockKey(key), token, ttlMs));
    return n === 1;
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    const n = await this.run(() => this.cmd.eval(RELEASE, 1, this.lockKey(key), token));
    return n === 1;
  }

  async lockHolder(key: string): Promise<string | null> {
    return this.run(() => this.cmd.get(this.lockKey(key)));
  }

  async putRecord(sessionId: string, record: string, ttlMs: number): Promise<void> {
    assertKey('session id', sessionId);
    assertTtl('ttlMs', ttlMs);
    await this.run(() => this.cmd.set(this.recordKey(sessionId), record, 'PX', ttlMs));
  }

  async getRecord(sessionId: string): Promise<string | null> {
    return this.run(() => this.cmd.get(this.recordKey(sessionId)));
  }

  async deleteRecord(sessionId: string): Promise<void> {
    await this.run(() => this.cmd.del(this.recordKey(sessionId)));
  }

  async pushInbox(sessionId: string, entries: readonly string[], ttlMs: number): Promise<void> {
    assertKey('session id', sessionId);
    assertTtl('ttlMs', ttlMs);
    if (entries.length === 0) return;
    const key = this.inboxKey(sessionId);
    await this.run(() =>
      this.cmd
        .multi()
        .rpush(key, ...entries)
        .pexpire(key, ttlMs)
        .publish(key, '1')
        .exec(),
    );
  }

  async popInbox(sessionId: string, timeoutMs: number): Promise<string | null> {
    assertKey('session id', sessionId);
    assertTtl('timeoutMs', timeoutMs);
    const key = this.inboxKey(sessionId);
    const first = await this.run(() => this.cmd.lpop(key));
    if (first !== null) return first;

    const deadline = Date.now() + timeoutMs;
    let signalled = false;
    let wake: () => void = () => undefined;
    const onWake: Wakeup = () => {
      signalled = true;
      wake();
    };
    try {
      await this.subscribe(key, onWake);
      for (;;) {
        signalled = false;
        const entry = await this.run(() => this.cmd.lpop(key));
        if (entry !== null) return entry;
        const left = deadline - Date.now();
        if (left <= 0 || this.closed) return null;
        if (!signalled) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    } finally {
      await this.unsubscribe(key, onWake);
    }
  }

  async clearInbox(sessionId: string): Promise<void> {
    await this.run(() => this.cmd.del(this.inboxKey(sessionId)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.wakeups.values()) for (const wake of sub.wakes) wake();
    await Promise.allSettled([this.cmd, this.sub].map((c) => closeConnection(c)));
  }

  private async subscribe(channel: string, wake: Wakeup): Promise<void> {
    let sub = this.wakeups.get(channel);
    if (!sub) {
      const created: Subscription = { wakes: new Set(), ready: Promise.resolve() };
      created.ready = this.run(() => this.sub.subscribe(channel)).then(() => undefined);
      this.wakeups.set(channel, created);
      sub = created;
    }
    sub.wakes.add(wake);
    // Every waiter waits for the SUBSCRIBE ack before its LPOP (no lost wake-up).
    await sub.ready;
  }

  private async unsubscribe(channel: string, wake: Wakeup): Promise<void> {
    const sub = this.wakeups.get(channel);
    if (!sub) return;
    sub.wakes.delete(wake);
    if (sub.wakes.size === 0) {
      this.wakeups.delete(channel);
      if (!this.closed) await this.run(() => this.sub.unsubscribe(channel)).catch(() => undefined);
    }
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.closed) throw new SessionsError(SessionsErrorCode.Closed, 'session registry is closed');
    try {
      return await command();
    } catch (e) {
      throw new SessionsError(
        SessionsErrorCode.Unavailable,
        `redis: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }

  private lockKey(key: string): string {
    return `${this.prefix}lock:${key}`;
  }
  private recordKey(id: string): string {
    return `${this.prefix}session:${id}`;
  }
  private inboxKey(id: string): string {
    return `${this.prefix}inbox:${id}`;
  }
}

/** QUIT when connected (flushes pending replies); otherwise stop reconnecting now. */
async function closeConnection(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit();
  else client.disconnect();
}
