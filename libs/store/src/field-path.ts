import { StoreError, StoreErrorCode } from './store.error';

/** Values a query may compare against; both backends order and compare them the same way. */
export type Scalar = string | number | boolean | null;

type Depth = [never, 0, 1, 2, 3, 4];

type IsNested<V> = V extends Scalar | readonly unknown[] | Date | ((...args: never[]) => unknown)
  ? false
  : V extends object
    ? true
    : false;

/**
 * Dotted paths into plain nested objects (`'device.serial'`), up to 5 levels.
 * Paths never go through arrays: array elements are not addressable in the subset.
 */
export type FieldPath<T, D extends number = 5> = [D] extends [never]
  ? never
  : {
      [K in keyof T & string]:
        | K
        | (IsNested<NonNullable<T[K]>> extends true
            ? `${K}.${FieldPath<NonNullable<T[K]>, Depth[D]>}`
            : never);
    }[keyof T & string];

/** The type found at a dotted path (`undefined` when any step is optional). */
export type PathValue<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? PathValue<NonNullable<T[Head]>, Rest> | (undefined extends T[Head] ? undefined : never)
    : never
  : P extends keyof T
    ? T[P]
    : never;

// Field names are spliced into SQL (`json_extract(doc, '$.a.b')`) so that SQLite
// expression indexes match; this pattern is what makes that safe. It also keeps
// out `$operators`, empty segments and numeric (array-position) segments. `%` and `-` are
// allowed after the first character: escaped data-model keys (`Device%2EWiFi%2ESSID`) are
// field names too, and both are plain characters in a SQLite JSON path and a MongoDB field name.
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_%-]*$/;
const MAX_SEGMENTS = 8;

/** Throws InvalidQuery unless `path` is a dotted path of safe identifiers. */
export function assertFieldPath(path: string): void {
  const segments = path.split('.');
  if (segments.length > MAX_SEGMENTS || !segments.every((s) => SEGMENT.test(s))) {
    throw new StoreError(StoreErrorCode.InvalidQuery, `invalid field path ${JSON.stringify(path)}`);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
// Reserved by SQLite (`sqlite_*`) or MongoDB (`system.*`).
const RESERVED = /^(sqlite_|system)/i;

/** Collection and index names: used as SQLite table/index names and MongoDB collection names. */
export function assertName(kind: 'collection' | 'index', name: string): void {
  if (!NAME.test(name) || (kind === 'collection' && RESERVED.test(name))) {
    throw new StoreError(
      StoreErrorCode.InvalidQuery,
      `invalid ${kind} name ${JSON.stringify(name)}`,
    );
  }
}

export function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  // Compared structurally, not with `=== Object.prototype`: objects from another
  // realm (structuredClone under Jest's vm, worker messages) are plain too.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
