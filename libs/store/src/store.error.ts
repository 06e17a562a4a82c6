export enum StoreErrorCode {
  /** A unique index (or the `_id`) already holds the value. */
  DuplicateKey = 'STORE_DUPLICATE_KEY',
  /** The document's `_version` is not the one the caller expected. */
  VersionConflict = 'STORE_VERSION_CONFLICT',
  /** No document with that `_id`. */
  NotFound = 'STORE_NOT_FOUND',
  /** The query, sort, cursor, patch or index uses something outside the supported subset. */
  InvalidQuery = 'STORE_INVALID_QUERY',
  /** The document holds a value both backends cannot store identically (Date, NaN, class instance…). */
  InvalidDocument = 'STORE_INVALID_DOCUMENT',
  /** The backend cannot be reached (server down, connection lost, store closed). */
  Unavailable = 'STORE_UNAVAILABLE',
}

export interface StoreErrorDetails {
  readonly collection?: string;
  readonly id?: string;
  /** DuplicateKey: the index name when the backend reports it (`_id_` for the primary key). */
  readonly index?: string;
  readonly expectedVersion?: number;
  /** VersionConflict: the version found in the store. */
  readonly actualVersion?: number;
}

/** The one error type of `@acs/store`; `code` says what went wrong, `cause` keeps the driver error. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: StoreErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }

  static is(error: unknown, code?: StoreErrorCode): error is StoreError {
    return error instanceof StoreError && (code === undefined || error.code === code);
  }
}

/**
 * Why a conditional write on `collection/id` matched nothing: the document is gone (NotFound)
 * or is at another version (VersionConflict). `actualVersion` is what the store holds, if anything.
 */
export function missingOrConflictError(
  collection: string,
  id: string,
  expectedVersion: number,
  actualVersion: number | undefined,
): StoreError {
  if (actualVersion === undefined)
    return new StoreError(StoreErrorCode.NotFound, `${collection}/${id} not found`, {
      collection,
      id,
    });
  return new StoreError(
    StoreErrorCode.VersionConflict,
    `${collection}/${id} is at version ${actualVersion}, not ${expectedVersion}`,
    { collection, id, expectedVersion, actualVersion },
  );
}
