import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type {
  CollectionOptions,
  DocumentRepository,
  DocumentStore,
  FindOptions,
  Identified,
  Page,
  Query,
  Update,
  Versioned,
} from './document-repository.port';
import { assertName } from './field-path';
import { encodeCursor, keysetClauses, normalizeLimit, normalizeSort } from './find.cursor';
import { normalizeIndexes, type NormalizedIndex } from './index-spec';
import { normalizeQuery } from './query.normalize';
import { ensureMultikey, multikeyTable } from './sqlite.multikey';
import { fieldSql, fromWhereSql, orderSql } from './sqlite.query';
import { StoreError, StoreErrorCode, missingOrConflictError } from './store.error';
import { applyPatch, assertId, assertVersion, normalizePatch, toStorable } from './stored-document';

export interface SqliteStoreOptions {
  /** Directory holding the database file (created if missing), or `':memory:'` for tests. */
  readonly directory: string;
}

interface Row {
  _id: string;
  _version: number;
  doc: string;
}

// SQLite primary result codes that mean "the database cannot serve us now".
const UNAVAILABLE_CODES = new Set([
  5 /* BUSY */, 6 /* LOCKED */, 8 /* READONLY */, 10 /* IOERR */, 13 /* FULL */, 14 /* CANTOPEN */,
]);

/** Turns a node:sqlite error into a StoreError (or rethrows it unchanged). */
function mapError(
  error: unknown,
  collection: string,
  indexNames: ReadonlyMap<string, string>,
): never {
  if (error instanceof StoreError) throw error;
  const errcode = (error as { errcode?: unknown }).errcode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof errcode === 'number') {
    if (errcode === 1555 /* CONSTRAINT_PRIMARYKEY */ || errcode === 2067 /* CONSTRAINT_UNIQUE */) {
      const sqlIndex = /index '([^']+)'/.exec(message)?.[1];
      const index = sqlIndex === undefined ? '_id_' : (indexNames.get(sqlIndex) ?? sqlIndex);
      throw new StoreError(
        StoreErrorCode.DuplicateKey,
        `duplicate key in ${collection} (index ${index})`,
        { collection, index },
        { cause: error },
      );
    }
    if (UNAVAILABLE_CODES.has(errcode & 0xff)) {
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `store unavailable: ${message}`,
        { collection },
        { cause: error },
      );
    }
  }
  throw error;
}

/** The SELECT of a find: the same text for running it and for explaining its plan. */
function findSql(
  collection: string,
  side: MultikeySide,
  query: unknown,
  options: FindOptions<Identified>,
): {
  sql: string;
  params: SQLInputValue[];
  keys: ReturnType<typeof normalizeSort>;
  limit?: number;
} {
  const clauses = normalizeQuery(query);
  const keys = normalizeSort(options.sort);
  const limit = normalizeLimit(options.limit);
  const { from, where, id } = fromWhereSql(
    `"${collection}"`,
    clauses,
    options.after === undefined ? undefined : keysetClauses(keys, options.after),
    side,
  );
  const params: SQLInputValue[] = [...where.params];
  let sql = `SELECT _id, _version, doc FROM ${from} WHERE ${where.text} ORDER BY ${orderSql(keys, id)}`;
  if (limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(limit + 1); // one more tells whether a next page exists
  }
  return { sql, params, keys, ...(limit === undefined ? {} : { limit }) };
}

type MultikeySide = Parameters<typeof fromWhereSql>[3];

function sideOf(collection: string, indexes: readonly NormalizedIndex[]): MultikeySide {
  const paths = indexes.filter((i) => i.multikey).map((i) => (i.keys[0] as { path: string }).path);
  return { side: multikeyTable(collection), multikey: new Set(paths) };
}

function toDocument<T>(row: Row): Versioned<T> {
  const body = JSON.parse(row.doc) as Record<string, unknown>;
  return { _id: row._id, ...body, _version: row._version } as unknown as Versioned<T>;
}

class SqliteDocumentRepository<T extends Identified> implements DocumentRepository<T> {
  private readonly table: string;
  private readonly indexNames: Map<string, string>;
  private readonly statements = new Map<string, StatementSync>();
  /** The multikey side table and paths, derived from the indexes once (used by every query). */
  private readonly side: MultikeySide;

  constructor(
    private readonly store: SqliteDocumentStore,
    readonly name: string,
    private readonly indexes: readonly NormalizedIndex[],
  ) {
    this.table = `"${name}"`;
    this.indexNames = new Map(indexes.map((i) => [`${name}__${i.name}`, i.name]));
    this.side = sideOf(name, indexes);
  }

  private run<R>(work: (db: DatabaseSync) => R): R {
    try {
      return work(this.store.database());
    } catch (error) {
      return mapError(error, this.name, this.indexNames);
    }
  }

  /** Cached prepared statement for fixed SQL (the SQL text is the key). */
  private stmt(db: DatabaseSync, sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      // Query shapes vary ($in lengths…); a bounded cache keeps memory flat.
      if (this.statements.size >= 256) this.statements.clear();
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readRow(db: DatabaseSync, id: string): Row | undefined {
    return this.stmt(db, `SELECT _id, _version, doc FROM ${this.table} WHERE _id = ?`).get(id) as
      Row | undefined;
  }

  private missingOrConflict(db: DatabaseSync, id: string, expectedVersion: number): StoreError {
    return missingOrConflictError(this.name, id, expectedVersion, this.readRow(db, id)?._version);
  }

  async ensureIndexes(): Promise<void> {
    await Promise.resolve();
    this.run((db) => {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${this.table} (_id TEXT PRIMARY KEY, _version INTEGER NOT NULL, doc TEXT NOT NULL) STRICT`,
      );
      ensureMultikey(db, this.name, this.indexes);
      for (const index of this.indexes) {
        if (index.multikey) continue;
        const columns = index.keys
          .map((k) => `${fieldSql(k.path).value} ${k.dir === 1 ? 'ASC' : 'DESC'}`)
          .join(', ');
        db.exec(
          `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${this.name}__${index.name}" ON ${this.table} (${columns})`,
        );
      }
    });
  }

  async insert(doc: T): Promise<Versioned<T>> {
    await Promise.resolve();
    const { _id, ...body } = toStorable(doc);
    assertId(_id);
    return this.run((db) => {
      this.stmt(db, `INSERT INTO ${this.table} (_id, _version, doc) VALUES (?, 1, ?)`).run(
        _id,
        JSON.stringify(body),
      );
      return { _id, ...body, _version: 1 } as unknown as Versioned<T>;
    });
  }

  async findById(id: string): Promise<Versioned<T> | undefined> {
    await Promise.resolve();
    return this.run((db) => {
      const row = this.readRow(db, id);
      return row === undefined ? undefined : toDocument<T>(row);
    });
  }

  async find(query: Query<T>, options: FindOptions<T> = {}): Promise<Page<T>> {
    await Promise.resolve();
    const { sql, params, keys, limit } = findSql(this.name, this.side, query, options);
    return this.run((db) => {
      const rows = this.stmt(db, sql).all(...params) as unknown as Row[];
      const items = rows.slice(0, limit).map((r) => toDocument<T>(r));
      const last = items[items.length - 1];
      if (limit === undefined || rows.length <= limit || last === undefined) return { items };
      return { items, next: encodeCursor(keys, last as unknown as Record<string, unknown>) };
    });
  }

  async count(query: Query<T>): Promise<number> {
    await Promise.resolve();
    const { from, where } = fromWhereSql(
      this.table,
      normalizeQuery(query),
      undefined,
      this.side,
    );
    return this.run((db) => {
      const row = this.stmt(db, `SELECT count(*) AS n FROM ${from} WHERE ${where.text}`).get(
        ...where.params,
      ) as { n: number };
      return row.n;
    });
  }

  async update(id: string, expectedVersion: number, update: Update<T>): Promise<Versioned<T>> {
    await Promise.resolve();
    assertVersion(expectedVersion);
    const patch = '$replace' in update ? undefined : normalizePatch(update);
    const replacement =
      '$replace' in update ? toStorable(update.$replace, 'replacement') : undefined;
    return this.run((db) => {
      const row = this.readRow(db, id);
      if (row === undefined || row._version !== expectedVersion)
        throw this.missingOrConflict(db, id, expectedVersion);
      const current = JSON.parse(row.doc) as Record<string, unknown>;
      let body: Record<string, unknown>;
      if (replacement !== undefined) {
        const { _id: _ignored, ...rest } = replacement;
        body = rest;
      } else {
        body = applyPatch(current, patch ?? { set: new Map(), unset: [] });
      }
      const version = expectedVersion + 1;
      // The version check in WHERE keeps this safe against another process sharing the file.
      const result = this.stmt(
        db,
        `UPDATE ${this.table} SET doc = ?, _version = ? WHERE _id = ? AND _version = ?`,
      ).run(JSON.stringify(body), version, id, expectedVersion);
      if (result.changes !== 1) throw this.missingOrConflict(db, id, expectedVersion);
      return { _id: id, ...body, _version: version } as unknown as Versioned<T>;
    });
  }

  async upsert(doc: T): Promise<Versioned<T>> {
    await Promise.resolve();
    const { _id, ...body } = toStorable(doc);
    assertId(_id);
    return this.run((db) => {
      const row = this.stmt(
        db,
        `INSERT INTO ${this.table} (_id, _version, doc) VALUES (?, 1, ?)
         ON CONFLICT(_id) DO UPDATE SET doc = excluded.doc, _version = _version + 1 RETURNING _version`,
      ).get(_id, JSON.stringify(body)) as { _version: number };
      return { _id, ...body, _version: row._version } as unknown as Versioned<T>;
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await Promise.resolve();
    if (expectedVersion !== undefined) assertVersion(expectedVersion);
    this.run((db) => {
      const result =
        expectedVersion === undefined
          ? this.stmt(db, `DELETE FROM ${this.table} WHERE _id = ?`).run(id)
          : this.stmt(db, `DELETE FROM ${this.table} WHERE _id = ? AND _version = ?`).run(
              id,
              expectedVersion,
            );
      if (result.changes === 0) throw this.missingOrConflict(db, id, expectedVersion ?? 0);
    });
  }
}

/**
 * Embedded document store: one SQLite file (WAL mode) under a directory, one
 * table per collection, declared indexes as expression indexes on json_extract.
 */
export class SqliteDocumentStore implements DocumentStore {
  private db: DatabaseSync | undefined;
  /** Indexes declared per collection by `collection()` (explainFind plans like find). */
  private readonly declared = new Map<string, readonly NormalizedIndex[]>();

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  static readonly fileName = 'documents.sqlite';

  static open(options: SqliteStoreOptions): SqliteDocumentStore {
    try {
      let path = ':memory:';
      if (options.directory !== ':memory:') {
        mkdirSync(options.directory, { recursive: true });
        path = join(options.directory, SqliteDocumentStore.fileName);
      }
      const db = new DatabaseSync(path);
      db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;',
      );
      return new SqliteDocumentStore(db);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `cannot open store in ${options.directory}: ${message}`,
        {},
        { cause: error },
      );
    }
  }

  /**
   * SQLite's query plan (EXPLAIN QUERY PLAN details) for `find(query, options)` on a collection:
   * the exact SQL the adapter runs, so tests can prove a query uses an index, not a scan.
   */
  explainFind<T extends Identified>(
    collection: string,
    query: Query<T>,
    options: FindOptions<T> = {},
  ): string[] {
    assertName('collection', collection);
    const { sql, params } = findSql(
      collection,
      sideOf(collection, this.declared.get(collection) ?? []),
      query,
      options,
    );
    return this.database()
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => String(r['detail']));
  }

  /** The open database; Unavailable once closed. */
  database(): DatabaseSync {
    if (this.db === undefined) throw new StoreError(StoreErrorCode.Unavailable, 'store is closed');
    return this.db;
  }

  async collection<T extends Identified>(
    name: string,
    options: CollectionOptions<T> = {},
  ): Promise<DocumentRepository<T>> {
    assertName('collection', name);
    const indexes = normalizeIndexes(options.indexes);
    this.declared.set(name, indexes);
    const repository = new SqliteDocumentRepository<T>(this, name, indexes);
    await repository.ensureIndexes();
    return repository;
  }

  async close(): Promise<void> {
    await Promise.resolve();
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}
