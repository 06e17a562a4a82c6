import { assertFieldPath, isPlainObject, isScalar, type Scalar } from './field-path';
import type { Clause, ClauseSets } from './query.normalize';
import { StoreError, StoreErrorCode } from './store.error';

export interface SortKey {
  readonly path: string;
  readonly dir: 1 | -1;
}

function invalid(message: string): StoreError {
  return new StoreError(StoreErrorCode.InvalidQuery, message);
}

/** Validated sort keys, always ending with `_id` so the order is total (stable pages). */
export function normalizeSort(sort: unknown): SortKey[] {
  if (sort === undefined) return [{ path: '_id', dir: 1 }];
  if (!isPlainObject(sort)) throw invalid('sort is a plain object of field → 1 | -1');
  const keys: SortKey[] = [];
  for (const [path, dir] of Object.entries(sort)) {
    assertFieldPath(path);
    if (dir !== 1 && dir !== -1) throw invalid(`sort ${path}: direction must be 1 or -1`);
    keys.push({ path, dir });
    if (path === '_id') return keys; // unique: later keys never matter
  }
  keys.push({ path: '_id', dir: 1 });
  return keys;
}

export function normalizeLimit(limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalid('limit must be a positive integer');
  }
  return limit;
}

interface CursorBody {
  /** Sort signature the cursor was made for. */
  readonly s: string;
  /** Values of the sort keys in the last document of the page. */
  readonly v: readonly Scalar[];
}

const signature = (keys: readonly SortKey[]): string =>
  keys.map((k) => `${k.path}:${k.dir}`).join(',');

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** Opaque cursor pointing just after `doc` in the order `keys`. */
export function encodeCursor(keys: readonly SortKey[], doc: Record<string, unknown>): string {
  const v = keys.map((k) => {
    const value = valueAt(doc, k.path);
    // Missing and null sort the same in both backends; other non-scalars are not sortable.
    return isScalar(value) ? value : null;
  });
  const body: CursorBody = { s: signature(keys), v };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(keys: readonly SortKey[], cursor: string): readonly Scalar[] {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed cursor');
  }
  if (!isPlainObject(body) || typeof body.s !== 'string' || !Array.isArray(body.v))
    throw invalid('malformed cursor');
  if (body.s !== signature(keys)) throw invalid('cursor was made for another sort');
  const values: unknown[] = body.v;
  if (values.length !== keys.length || !values.every(isScalar)) throw invalid('malformed cursor');
  return values;
}

/**
 * Keyset condition "after the cursor" as OR-of-ANDs of plain clauses:
 * for each key i, keys before i are equal and key i is beyond the cursor value.
 * Null (or missing) sorts first in both backends, so "beyond null" ascending is
 * "not null", and descending "beyond v" also takes the nulls.
 */
export function keysetClauses(keys: readonly SortKey[], cursor: string): ClauseSets {
  const values = decodeCursor(keys, cursor);
  const sets: Clause[][] = [];
  const prefix: Clause[] = [];
  keys.forEach((key, i) => {
    const value = values[i] ?? null;
    if (value === null) {
      if (key.dir === 1) sets.push([...prefix, { path: key.path, op: 'ne', value: null }]);
    } else if (typeof value === 'boolean') {
      // No range operators on booleans in the subset; false < true in both backends.
      if (value === (key.dir === 1 ? false : true))
        sets.push([...prefix, { path: key.path, op: 'eq', value: !value }]);
      if (key.dir === -1) sets.push([...prefix, { path: key.path, op: 'eq', value: null }]);
    } else {
      sets.push([...prefix, { path: key.path, op: key.dir === 1 ? 'gt' : 'lt', value }]);
      if (key.dir === -1) sets.push([...prefix, { path: key.path, op: 'eq', value: null }]);
    }
    prefix.push({ path: key.path, op: 'eq', value });
  });
  return sets;
}
