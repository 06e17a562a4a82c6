import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
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
import { mapMongoError } from './mongo.errors';
import { mongoFilter } from './mongo.filter';
import { normalizeQuery } from './query.normalize';
import { StoreError, StoreErrorCode, missingOrConflictError } from './store.error';
import { assertId, assertVersion, normalizePatch, toStorable } from './stored-document';

export interface MongoStoreOptions {
  /** `mongodb://` or `mongodb+srv://` URI (from `loadInfraConfig().MONGODB_URI`). */
  readonly uri: string;
  readonly database: string;
  /** How long an operation waits for a reachable server before Unavailable (driver default 30 s). */
  readonly serverSelectionTimeoutMS?: number;
  /**
   * How `update`/`delete`/`upsert` check `_version` (docs/store.md, "FerretDB 1.24 gaps"):
   * - `atomic`: the filter `{_id, _version}` in the write itself (findOneAndUpdate/Replace,
   *   deleteOne) — single-document atomic compare-and-set on MongoDB.
   * - `checkThenWrite`: read `_version` by `_id`, then write by `_id` only. Not atomic; only for
   *   servers whose conditional writes are not atomic anyway (FerretDB 1.24 evaluates the filter
   *   and writes in two steps) and which scan the collection for any filter but `_id` alone.
   * - `auto` (default): `checkThenWrite` when the server reports `ferretdbVersion` 1.x in
   *   buildInfo, `atomic` otherwise — so MongoDB keeps its atomic path.
   */
  readonly conditionalWrites?: ConditionalWrites | 'auto';
}

export type ConditionalWrites = 'atomic' | 'checkThenWrite';

interface StoredDocument extends Document {
  _id: string;
  _version: number;
}

// Upsert is read-then-conditional-write (no transactions on FerretDB); retry a few times under contention.
const UPSERT_ATTEMPTS = 10;

class MongoDocumentRepository<T extends Identified> implements DocumentRepository<T> {
  constructor(
    private readonly store: MongoDocumentStore,
    readonly name: string,
    private readonly indexes: readonly NormalizedIndex[],
  ) {}

  private async run<R>(work: (collection: Collection<StoredDocument>) => Promise<R>): Promise<R> {
    try {
      return await work(this.store.database().collection<StoredDocument>(this.name));
    } catch (error) {
      return mapMongoError(
        error,
        this.name,
        this.indexes.map((i) => i.name),
      );
    }
  }

  private get checkThenWrite(): boolean {
    return this.store.conditionalWrites === 'checkThenWrite';
  }

  /**
   * checkThenWrite: the version check as a read by `_id` (FerretDB answers it from its primary
   * key; a filter with `_version` too is not pushed down and scans the collection).
   */
  private async checkVersion(
    collection: Collection<StoredDocument>,
    id: string,
    expectedVersion: number,
  ): Promise<void> {
    const current = await collection.findOne({ _id: id }, { projection: { _version: 1 } });
    if (current?._version !== expectedVersion)
      throw missingOrConflictError(this.name, id, expectedVersion, current?._version);
  }

  private async missingOrConflict(
    collection: Collection<StoredDocument>,
    id: string,
    expectedVersion: number,
  ): Promise<StoreError> {
    const current = await collection.findOne({ _id: id }, { projection: { _version: 1 } });
    return missingOrConflictError(this.name, id, expectedVersion, current?._version);
  }

  async ensureIndexes(): Promise<void> {
    if (this.indexes.length === 0) return;
    await this.run(async (collection) => {
      // One index per call: FerretDB 1.24 drops the connection when one createIndexes call
      // declares several indexes on an existing collection (docs/store.md). MongoDB does not care.
      for (const index of this.indexes) {
        await collection.createIndexes([
          {
            name: index.name,
            key: Object.fromEntries(index.keys.map((k) => [k.path, k.dir])),
            ...(index.unique ? { unique: true } : {}),
          },
        ]);
      }
    });
  }

  async insert(doc: T): Promise<Versioned<T>> {
    const { _id, ...body } = toStorable(doc);
    assertId(_id);
    const stored: StoredDocument = { _id, ...body, _version: 1 };
    return this.run(async (collection) => {
      await collection.insertOne({ ...stored });
      return stored as unknown as Versioned<T>;
    });
  }

  async findById(id: string): Promise<Versioned<T> | undefined> {
    return this.run(async (collection) => {
      const found = await collection.findOne({ _id: id });
      return found === null ? undefined : (found as unknown as Versioned<T>);
    });
  }

  async find(query: Query<T>, options: FindOptions<T> = {}): Promise<Page<T>> {
    const clauses = normalizeQuery(query);
    const keys = normalizeSort(options.sort);
    const limit = normalizeLimit(options.limit);
    const filter = mongoFilter(
      clauses,
      options.after === undefined ? undefined : keysetClauses(keys, options.after),
    );
    const sort = Object.fromEntries(keys.map((k) => [k.path, k.dir]));
    return this.run(async (collection) => {
      let cursor = collection.find(filter).sort(sort);
      if (limit !== undefined) cursor = cursor.limit(limit + 1); // one more tells whether a next page exists
      const docs = await cursor.toArray();
      const items = docs.slice(0, limit) as unknown as Versioned<T>[];
      const last = items[items.length - 1];
      if (limit === undefined || docs.length <= limit || last === undefined) return { items };
      return { items, next: encodeCursor(keys, last as unknown as Record<string, unknown>) };
    });
  }

  async count(query: Query<T>): Promise<number> {
    const filter = mongoFilter(normalizeQuery(query));
    return this.run((collection) => collection.countDocuments(filter));
  }

  async update(id: string, expectedVersion: number, update: Update<T>): Promise<Versioned<T>> {
    assertVersion(expectedVersion);
    const filter = this.checkThenWrite ? { _id: id } : { _id: id, _version: expectedVersion };
    if ('$replace' in update) {
      const { _id: _ignored, ...body } = toStorable(update.$replace, 'replacement');
      return this.run(async (collection) => {
        if (this.checkThenWrite) await this.checkVersion(collection, id, expectedVersion);
        const after = await collection.findOneAndReplace(
          filter,
          { ...body, _version: expectedVersion + 1 },
          { returnDocument: 'after' },
        );
        if (after === null) throw await this.missingOrConflict(collection, id, expectedVersion);
        return after as unknown as Versioned<T>;
      });
    }
    const patch = normalizePatch(update);
    const operators: Document = { $inc: { _version: 1 } };
    if (patch.set.size > 0) operators.$set = Object.fromEntries(patch.set);
    if (patch.unset.length > 0)
      operators.$unset = Object.fromEntries(patch.unset.map((p) => [p, '']));
    return this.run(async (collection) => {
      if (this.checkThenWrite) await this.checkVersion(collection, id, expectedVersion);
      const after = await collection.findOneAndUpdate(filter, operators, {
        returnDocument: 'after',
      });
      if (after === null) throw await this.missingOrConflict(collection, id, expectedVersion);
      return after as unknown as Versioned<T>;
    });
  }

  async upsert(doc: T): Promise<Versioned<T>> {
    const { _id, ...body } = toStorable(doc);
    assertId(_id);
    return this.run(async (collection) => {
      for (let attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
        const current = await collection.findOne({ _id }, { projection: { _version: 1 } });
        if (current === null) {
          const stored: StoredDocument = { _id, ...body, _version: 1 };
          try {
            await collection.insertOne({ ...stored });
            return stored as unknown as Versioned<T>;
          } catch (error) {
            // Lost a race on the _id: retry as a replace. Another unique index: report it.
            if (!(error instanceof Error && 'code' in error && error.code === 11000)) throw error;
            if ((await collection.countDocuments({ _id }, { limit: 1 })) === 0) throw error;
            continue;
          }
        }
        const version = current._version + 1;
        const after = await collection.findOneAndReplace(
          this.checkThenWrite ? { _id } : { _id, _version: current._version },
          { ...body, _version: version },
          { returnDocument: 'after' },
        );
        if (after !== null) return after as unknown as Versioned<T>;
      }
      throw new StoreError(
        StoreErrorCode.VersionConflict,
        `${this.name}/${_id} kept changing during upsert`,
        { collection: this.name, id: _id },
      );
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    if (expectedVersion !== undefined) assertVersion(expectedVersion);
    await this.run(async (collection) => {
      if (this.checkThenWrite && expectedVersion !== undefined)
        await this.checkVersion(collection, id, expectedVersion);
      const filter =
        expectedVersion === undefined || this.checkThenWrite
          ? { _id: id }
          : { _id: id, _version: expectedVersion };
      const result = await collection.deleteOne(filter);
      if (result.deletedCount === 0)
        throw await this.missingOrConflict(collection, id, expectedVersion ?? 0);
    });
  }
}

/**
 * Document store on MongoDB through the official driver. Uses only what
 * FerretDB 1.24 also implements (CRUD, findAndModify, createIndexes with
 * unique/compound keys, countDocuments) — no transactions, change streams or
 * aggregation stages beyond countDocuments'.
 */
export class MongoDocumentStore implements DocumentStore {
  private closed = false;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    /** The write path in use (after `auto` was resolved at connect). */
    readonly conditionalWrites: ConditionalWrites,
  ) {}

  /** Connects (Unavailable if no server answers within serverSelectionTimeoutMS). */
  static async connect(options: MongoStoreOptions): Promise<MongoDocumentStore> {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(options.database)) {
      throw new StoreError(
        StoreErrorCode.InvalidQuery,
        `invalid database name ${JSON.stringify(options.database)}`,
      );
    }
    const client = new MongoClient(options.uri, {
      ...(options.serverSelectionTimeoutMS === undefined
        ? {}
        : { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS }),
    });
    try {
      await client.connect();
    } catch (error) {
      await client.close().catch(() => undefined);
      return mapMongoError(error, '');
    }
    let mode = options.conditionalWrites ?? 'auto';
    if (mode === 'auto') {
      try {
        const info = await client.db('admin').command({ buildInfo: 1 });
        const ferret = (info as { ferretdbVersion?: unknown }).ferretdbVersion;
        mode = typeof ferret === 'string' && /^v?1\./.test(ferret) ? 'checkThenWrite' : 'atomic';
      } catch (error) {
        await client.close().catch(() => undefined);
        return mapMongoError(error, '');
      }
    }
    return new MongoDocumentStore(client, client.db(options.database), mode);
  }

  /** The database handle; Unavailable once closed. */
  database(): Db {
    if (this.closed) throw new StoreError(StoreErrorCode.Unavailable, 'store is closed');
    return this.db;
  }

  async collection<T extends Identified>(
    name: string,
    options: CollectionOptions<T> = {},
  ): Promise<DocumentRepository<T>> {
    assertName('collection', name);
    const repository = new MongoDocumentRepository<T>(
      this,
      name,
      normalizeIndexes(options.indexes),
    );
    await repository.ensureIndexes();
    return repository;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
