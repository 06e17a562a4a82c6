import { Redis } from 'ioredis';
import { ConnreqError, ConnreqErrorCode } from '../connreq.error';
import { assertBinding, type BindingStore, type StunBinding } from '../ports/binding-store.port';

export interface RedisBindingStoreOptions {
  readonly url: string;
  /** Prefix of every key, so deployments and tests can share a server. Default `acs:`. */
  readonly keyPrefix?: string;
  readonly commandTimeoutMs?: number;
}

/** Redis adapter: one string key per device holding the binding as JSON, expiring with PX. */
export class RedisBindingStore implements BindingStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private closed = false;

  constructor(options: RedisBindingStoreOptions) {
    this.prefix = `${options.keyPrefix ?? 'acs:'}stun-binding:`;
    this.redis = new Redis(options.url, {
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // Errors surface on the commands that fail; the connection retries by itself.
    this.redis.on('error', () => undefined);
  }

  async put(binding: StunBinding, ttlMs: number): Promise<void> {
    assertBinding(binding, ttlMs);
    await this.run(() =>
      this.redis.set(this.prefix + binding.deviceId, JSON.stringify(binding), 'PX', ttlMs),
    );
  }

  async get(deviceId: string): Promise<StunBinding | undefined> {
    const raw = await this.run(() => this.redis.get(this.prefix + deviceId));
    if (raw === null) return undefined;
    return toBinding(raw);
  }

  async delete(deviceId: string): Promise<void> {
    await this.run(() => this.redis.del(this.prefix + deviceId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ConnreqError(ConnreqErrorCode.Closed, 'binding store closed');
    try {
      return await op();
    } catch (e) {
      if (e instanceof ConnreqError) throw e;
      throw new ConnreqError(ConnreqErrorCode.Unavailable, `redis: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

function toBinding(raw: string): StunBinding | undefined {
  try {
    const v = JSON.parse(raw) as Partial<StunBinding>;
    if (
      typeof v.deviceId !== 'string' ||
      typeof v.address !== 'string' ||
      typeof v.port !== 'number'
    )
      return undefined;
    return {
      deviceId: v.deviceId,
      address: v.address,
      port: v.port,
      updatedAt: typeof v.updatedAt === 'number' ? v.updatedAt : 0,
      natDetected: v.natDetected === true,
      changed: v.changed === true,
      ...(typeof v.via === 'string' ? { via: v.via } : {}),
    };
  } catch {
    // A value some other writer left under our prefix: treat as no binding.
    return undefined;
  }
}
