import { SessionsError, SessionsErrorCode } from './sessions.error';

/**
 * Cluster-wide session hand-off between stateless gateway pods and
 * provisioning: the per-device lock, the serialised session record, and the
 * per-session inbox of work for the gateway to send to the CPE.
 *
 * Keys are opaque strings chosen by callers (device ids, session ids). All
 * TTLs are milliseconds and must be positive.
 */
export interface SessionRegistry {
  /** Takes the device's lock for `token` unless another token holds it. */
  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends the lock's TTL; false when `token` no longer holds it. */
  refreshLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if `token` holds it; false otherwise. */
  releaseLock(key: string, token: string): Promise<boolean>;
  /** The token holding the lock, or null. */
  lockHolder(key: string): Promise<string | null>;

  /** Stores the session record, replacing any previous one, with a TTL. */
  putRecord(sessionId: string, record: string, ttlMs: number): Promise<void>;
  /** The record, or null when absent or expired. */
  getRecord(sessionId: string): Promise<string | null>;
  deleteRecord(sessionId: string): Promise<void>;

  /** Appends entries to the session's inbox and (re)sets the inbox TTL. */
  pushInbox(sessionId: string, entries: readonly string[], ttlMs: number): Promise<void>;
  /**
   * Takes the oldest inbox entry, waiting up to `timeoutMs` for one to arrive.
   * Resolves null on timeout. Each entry is delivered to exactly one caller.
   */
  popInbox(sessionId: string, timeoutMs: number): Promise<string | null>;
  /** Drops the inbox (session ended). */
  clearInbox(sessionId: string): Promise<void>;

  close(): Promise<void>;
}

export function assertKey(kind: string, key: string): void {
  if (key.length === 0 || key.length > 1024) {
    throw new SessionsError(SessionsErrorCode.InvalidArgument, `${kind} must be 1..1024 characters`);
  }
}

export function assertTtl(name: string, ms: number): void {
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new SessionsError(SessionsErrorCode.InvalidArgument, `${name} must be a positive integer`);
  }
}
