import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { StoreError, StoreErrorCode } from './store.error';

// Server codes meaning "the server cannot serve us now": host unreachable /
// not found, network timeout, shutdown in progress, primary stepped down, not
// writable primary, interrupted at shutdown / due to repl state change, not
// primary or secondary, socket exception.
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 10107, 11600, 11602, 13435, 13436, 9001]);
// Bad values, path not viable, conflicting update operators, type mismatch…
const INVALID_CODES = new Set([2, 9, 14, 28, 40, 52, 56, 57]);

// FerretDB 1.24 (SQLite backend) reports a unique violation caused by an
// update as InternalError (code 1) carrying SQLite's message, not as E11000.
const FERRETDB_UNIQUE = /UNIQUE constraint failed: index '([^']+)'/;
// On its PostgreSQL backend the same case carries PostgreSQL's message; the index is named
// `<table>_<mangled name>_<FNV-1a 32 of our index name, hex>_idx` (FerretDB's metadata registry).
const FERRETDB_PG_UNIQUE = /duplicate key value violates unique constraint "([^"]+)"/;

/** FNV-1a 32-bit of the UTF-8 bytes, as 8 hex digits (how FerretDB suffixes its PG index names). */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function duplicateKey(
  error: MongoServerError,
  collection: string,
  indexNames: readonly string[],
): StoreError {
  // MongoDB names the index ("index: serial_1 dup key"); FerretDB names its own
  // SQLite index, which ends with ours, and only for updates.
  let index = /index: (\S+) dup key/.exec(error.message)?.[1];
  const sqliteIndex = FERRETDB_UNIQUE.exec(error.message)?.[1];
  if (index === undefined && sqliteIndex !== undefined)
    index = indexNames.find((name) => sqliteIndex.endsWith(`_${name}`));
  const pgIndex = FERRETDB_PG_UNIQUE.exec(error.message)?.[1];
  if (index === undefined && pgIndex !== undefined)
    index = indexNames.find((name) => pgIndex.endsWith(`_${fnv1a32(name)}_idx`));
  return new StoreError(
    StoreErrorCode.DuplicateKey,
    `duplicate key in ${collection}${index === undefined ? '' : ` (index ${index})`}`,
    index === undefined ? { collection } : { collection, index },
    { cause: error },
  );
}

/** Maps a driver error to a StoreError; unknown errors are rethrown unchanged. */
export function mapMongoError(
  error: unknown,
  collection: string,
  indexNames: readonly string[] = [],
): never {
  if (error instanceof StoreError) throw error;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `MongoDB unavailable: ${error.message}`,
      { collection },
      { cause: error },
    );
  }
  if (error instanceof MongoServerError) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    if (
      code === 11000 ||
      (code === 1 &&
        (FERRETDB_UNIQUE.test(error.message) || FERRETDB_PG_UNIQUE.test(error.message)))
    ) {
      throw duplicateKey(error, collection, indexNames);
    }
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `MongoDB unavailable: ${error.message}`,
        { collection },
        { cause: error },
      );
    }
    if (code !== undefined && INVALID_CODES.has(code)) {
      throw new StoreError(
        StoreErrorCode.InvalidQuery,
        error.message,
        { collection },
        { cause: error },
      );
    }
  }
  throw error;
}
