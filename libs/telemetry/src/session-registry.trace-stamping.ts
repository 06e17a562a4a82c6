import type { SessionRegistry } from '@acs/sessions';
import { traceContextField } from './trace.propagation';

/**
 * A SessionRegistry that writes the active trace context into every inbox entry pushed through it
 * (the `trace` field of @acs/events InboxEntry), so the gateway that pops the entry continues the
 * trace of whoever pushed it — provisioning's CONSUMER span (docs/observability.md, step 3).
 * Apps wrap the registry they give provisioning; provisioning itself stays telemetry-free.
 *
 * Entries are JSON objects written by `encodeInboxEntry`. The field is put first, so a `trace`
 * the producer set itself comes later in the text and wins when decoded (last key wins); the rest
 * of the text is untouched (no re-encoding: the entries use lossless JSON for 64-bit values).
 * With telemetry off, or no active span, entries pass through unchanged.
 */
export class TraceStampingSessionRegistry implements SessionRegistry {
  constructor(private readonly inner: SessionRegistry) {}

  pushInbox(sessionId: string, entries: readonly string[], ttlMs: number): Promise<void> {
    const trace = traceContextField();
    if (trace === undefined) return this.inner.pushInbox(sessionId, entries, ttlMs);
    const field = `"trace":${JSON.stringify(trace)}`;
    return this.inner.pushInbox(
      sessionId,
      entries.map((e) => stamp(e, field)),
      ttlMs,
    );
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.inner.acquireLock(key, token, ttlMs);
  }
  refreshLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.inner.refreshLock(key, token, ttlMs);
  }
  releaseLock(key: string, token: string): Promise<boolean> {
    return this.inner.releaseLock(key, token);
  }
  lockHolder(key: string): Promise<string | null> {
    return this.inner.lockHolder(key);
  }
  putRecord(sessionId: string, record: string, ttlMs: number): Promise<void> {
    return this.inner.putRecord(sessionId, record, ttlMs);
  }
  getRecord(sessionId: string): Promise<string | null> {
    return this.inner.getRecord(sessionId);
  }
  deleteRecord(sessionId: string): Promise<void> {
    return this.inner.deleteRecord(sessionId);
  }
  popInbox(sessionId: string, timeoutMs: number): Promise<string | null> {
    return this.inner.popInbox(sessionId, timeoutMs);
  }
  clearInbox(sessionId: string): Promise<void> {
    return this.inner.clearInbox(sessionId);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** `{…}` → `{"trace":…,…}`; anything that is not a JSON object text is left as it is. */
function stamp(entry: string, field: string): string {
  const open = entry.indexOf('{');
  if (open < 0 || entry.slice(0, open).trim() !== '') return entry;
  const rest = entry.slice(open + 1);
  return rest.trimStart().startsWith('}') ? `{${field}${rest}` : `{${field},${rest}`;
}
