import type { FieldPath, PathValue, Scalar } from './field-path';

/** What every stored document carries. */
export interface Identified {
  readonly _id: string;
}

/** A stored document: the caller's shape plus the optimistic-concurrency version (1 on insert). */
export type Versioned<T> = T & { readonly _version: number };

type Ordered<V> = V extends number | string ? V : never;

/** Operators of the query subset; range operators only for numbers and strings. */
export interface Operators<V> {
  readonly $eq?: V | null;
  readonly $ne?: V | null;
  readonly $in?: readonly (V | null)[];
  readonly $gt?: Ordered<V>;
  readonly $gte?: Ordered<V>;
  readonly $lt?: Ordered<V>;
  readonly $lte?: Ordered<V>;
  readonly $exists?: boolean;
}

/**
 * Array membership: the field is an array holding `$has` (an element equal to it, same type), or
 * is that value itself (MongoDB's rule for `{ tags: 'gold' }`). Served by a `multikey` index.
 */
export interface ArrayOperators<E> {
  readonly $has: E;
}

/**
 * A condition on one field: a scalar (equality) or an operator object; on an array of scalars,
 * membership (`$has`). Other non-scalar fields get `never`.
 */
export type Condition<V> = [NonNullable<V>] extends [Scalar]
  ? NonNullable<V> | null | Operators<NonNullable<V>>
  : [NonNullable<V>] extends [readonly (infer E)[]]
    ? [E] extends [Scalar]
      ? ArrayOperators<NonNullable<E>>
      : never
    : never;

/**
 * The query subset both backends evaluate identically: equality, `$in`, `$ne`,
 * `$exists` and range operators on scalar (dotted) fields, `$has` on arrays of
 * scalars, all ANDed together.
 * A field that is missing and a field that is `null` both match `null`.
 */
export type Query<T> = {
  readonly [P in FieldPath<Versioned<T>>]?: Condition<PathValue<Versioned<T>, P>>;
};

/** Field → 1 (ascending) / -1 (descending), in priority order. `_id` is always the last tiebreaker. */
export type Sort<T> = { readonly [P in FieldPath<Versioned<T>>]?: 1 | -1 };

export interface IndexSpec<T> {
  /** One field, or several for a compound index, in order. */
  readonly fields: Sort<T>;
  readonly unique?: boolean;
  /**
   * The (single) field holds an array of scalars: one index entry per element, serving `$has`.
   * SQLite keeps them in a side table maintained by triggers; MongoDB makes any index on an array
   * field multikey by itself. Not with `unique`.
   */
  readonly multikey?: boolean;
  /** Defaults to the MongoDB style `a_1_b_-1` with `-` replaced (`a_1_b_desc`). */
  readonly name?: string;
}

export interface CollectionOptions<T> {
  readonly indexes?: readonly IndexSpec<T>[];
}

/** Partial update: `$set` dotted paths (intermediate objects are created), `$unset` paths. */
export interface Patch<T> {
  readonly $set?: { readonly [P in FieldPath<T>]?: PathValue<T, P> };
  readonly $unset?: readonly FieldPath<T>[];
}

/** Whole-document replacement (the `_id` stays). */
export interface Replacement<T> {
  readonly $replace: Omit<T, '_id'>;
}

export type Update<T> = Patch<T> | Replacement<T>;

export interface FindOptions<T> {
  readonly sort?: Sort<T>;
  readonly limit?: number;
  /** `next` of the previous page; only valid with the same sort. */
  readonly after?: string;
}

export interface Page<T> {
  readonly items: Versioned<T>[];
  /** Cursor for the next page; absent when this page is known to be the last one. */
  readonly next?: string;
}

/** Documents of one collection. Every failure is a `StoreError`. */
export interface DocumentRepository<T extends Identified> {
  readonly name: string;
  /** Stores a new document with `_version: 1`; DuplicateKey if the `_id` or a unique key exists. */
  insert(doc: T): Promise<Versioned<T>>;
  findById(id: string): Promise<Versioned<T> | undefined>;
  /** Sorted by `sort` then `_id`; pages are stable (keyset pagination, no skip). */
  find(query: Query<T>, options?: FindOptions<T>): Promise<Page<T>>;
  count(query: Query<T>): Promise<number>;
  /** Applies `update` if the stored version is `expectedVersion`; VersionConflict / NotFound otherwise. */
  update(id: string, expectedVersion: number, update: Update<T>): Promise<Versioned<T>>;
  /** Inserts `doc` (version 1) or replaces the stored one whatever its version (version + 1). */
  upsert(doc: T): Promise<Versioned<T>>;
  /** Deletes the document, checking its version when given; NotFound if absent. */
  delete(id: string, expectedVersion?: number): Promise<void>;
  /** Creates the declared indexes (idempotent; `collection()` already calls it). */
  ensureIndexes(): Promise<void>;
}

/** A database of named collections, backed by MongoDB or embedded SQLite. */
export interface DocumentStore {
  collection<T extends Identified>(
    name: string,
    options?: CollectionOptions<T>,
  ): Promise<DocumentRepository<T>>;
  /** Releases the connection / file; later calls fail with Unavailable. */
  close(): Promise<void>;
}
