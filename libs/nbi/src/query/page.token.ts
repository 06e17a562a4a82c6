import { createHash } from 'node:crypto';
import { NbiError, NbiErrorCode } from '../nbi.error';

/**
 * Cursor pagination over a stable order (document `_id`): the token holds the last id returned
 * and a digest of the query, so a token is refused for another query instead of silently
 * skipping or repeating documents. Opaque to clients (base64url JSON).
 */
export interface PageCursor {
  readonly after: string;
}

function digest(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

export function encodePageToken(after: string, query: string): string {
  return Buffer.from(JSON.stringify({ v: 1, a: after, q: digest(query) })).toString('base64url');
}

/** @throws NbiError InvalidPageToken */
export function decodePageToken(token: string, query: string): PageCursor | undefined {
  if (token === '') return undefined;
  const bad = (why: string): NbiError =>
    new NbiError(NbiErrorCode.InvalidPageToken, `page_token: ${why}`, { field: 'page_token' });
  let raw: unknown;
  try {
    if (token.length > 2048) throw new Error('too long');
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a token this API issued');
  }
  const t = raw as { v?: unknown; a?: unknown; q?: unknown };
  if (t.v !== 1 || typeof t.a !== 'string' || typeof t.q !== 'string')
    throw bad('not a token this API issued');
  if (t.q !== digest(query)) throw bad('issued for another query (filter or device)');
  return { after: t.a };
}

/** page_size: 0 → default; outside 1..max → INVALID_ARGUMENT. */
export function pageSize(requested: number, def: number, max: number, field = 'page_size'): number {
  if (requested === 0) return def;
  if (!Number.isInteger(requested) || requested < 1 || requested > max)
    throw NbiError.invalid(field, `must be between 1 and ${max}`);
  return requested;
}
