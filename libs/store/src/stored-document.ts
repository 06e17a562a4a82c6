import { assertFieldPath, isPlainObject } from './field-path';
import { StoreError, StoreErrorCode } from './store.error';

function invalidDocument(where: string, message: string): StoreError {
  return new StoreError(StoreErrorCode.InvalidDocument, `${where}: ${message}`);
}

function cleanValue(value: unknown, where: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidDocument(where, 'non-finite number');
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v: unknown, i) => {
      if (v === undefined) throw invalidDocument(`${where}[${i}]`, 'undefined array element');
      return cleanValue(v, `${where}[${i}]`);
    });
  }
  if (isPlainObject(value)) return cleanObject(value, where);
  // Date, Buffer, bigint, class instances: BSON and JSON would store them differently.
  throw invalidDocument(
    where,
    `unsupported value of type ${typeof value === 'object' ? value.constructor.name : typeof value}`,
  );
}

function cleanObject(value: Record<string, unknown>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.') || key.length === 0) {
      throw invalidDocument(where, `field name ${JSON.stringify(key)} is not storable`);
    }
    // Dropped, as JSON does; the MongoDB driver would otherwise store null.
    if (v === undefined) continue;
    out[key] = cleanValue(v, where === '' ? key : `${where}.${key}`);
  }
  return out;
}

/**
 * A deep copy of `doc` holding only JSON values, so both backends store and
 * return exactly the same thing. `_id` must be a non-empty string; `_version`
 * is removed (the store owns it).
 */
export function toStorable(
  doc: unknown,
  where = 'document',
): Record<string, unknown> & { _id?: unknown } {
  if (!isPlainObject(doc)) throw invalidDocument(where, 'a document is a plain object');
  const { _version: _ignored, ...rest } = cleanObject(doc, '');
  return rest;
}

export function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StoreError(StoreErrorCode.InvalidDocument, '_id must be a non-empty string');
  }
}

export function assertVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new StoreError(
      StoreErrorCode.InvalidQuery,
      'expected version must be a positive integer',
    );
  }
}

export interface NormalizedPatch {
  readonly set: ReadonlyMap<string, unknown>;
  readonly unset: readonly string[];
}

/** Validates a patch: safe paths, not `_id`/`_version`, no two paths where one contains the other. */
export function normalizePatch(patch: {
  readonly $set?: object;
  readonly $unset?: readonly string[];
}): NormalizedPatch {
  const set = new Map<string, unknown>();
  for (const [path, value] of Object.entries(patch.$set ?? {})) {
    if (value === undefined) continue;
    set.set(path, cleanValue(value, path));
  }
  const unset = [...(patch.$unset ?? [])];
  const all = [...set.keys(), ...unset];
  for (const path of all) {
    assertFieldPath(path);
    if (
      path === '_id' ||
      path === '_version' ||
      path.startsWith('_id.') ||
      path.startsWith('_version.')
    ) {
      throw new StoreError(StoreErrorCode.InvalidQuery, `${path} cannot be patched`);
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i] ?? '', all[j] ?? ''];
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        throw new StoreError(StoreErrorCode.InvalidQuery, `patch paths ${a} and ${b} conflict`);
      }
    }
  }
  return { set, unset };
}

/** Applies a normalized patch in memory, with MongoDB `$set`/`$unset` semantics (creates intermediate objects). */
export function applyPatch(
  doc: Record<string, unknown>,
  patch: NormalizedPatch,
): Record<string, unknown> {
  const out = structuredClone(doc);
  for (const [path, value] of patch.set) {
    const segments = path.split('.');
    const last = segments.pop() ?? path;
    let target = out;
    for (const segment of segments) {
      const next = target[segment];
      if (next === undefined) {
        const created: Record<string, unknown> = {};
        target[segment] = created;
        target = created;
      } else if (isPlainObject(next)) {
        target = next;
      } else {
        throw new StoreError(
          StoreErrorCode.InvalidQuery,
          `cannot set ${path}: ${segment} is not an object`,
        );
      }
    }
    target[last] = structuredClone(value);
  }
  for (const path of patch.unset) {
    const segments = path.split('.');
    const last = segments.pop() ?? path;
    let target: unknown = out;
    for (const segment of segments) target = isPlainObject(target) ? target[segment] : undefined;
    if (isPlainObject(target)) delete target[last];
  }
  return out;
}
