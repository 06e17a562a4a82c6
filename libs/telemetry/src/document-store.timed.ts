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
} from '@acs/store';
import { timedDbCall, type DbAttributes } from './db-call.timed';
import { monotonicSeconds, type SecondsClock } from './event-bus.traced';
import type { AcsMetrics, DbSystem } from './metrics.registry';

type Recorder = <R>(operation: string, call: () => Promise<R>) => Promise<R>;

function recorder(
  metrics: AcsMetrics,
  system: DbSystem,
  collection: string,
  clock: SecondsClock,
): Recorder {
  // Success labels per operation, built once (a bounded set: the port's methods).
  const ok = new Map<string, DbAttributes>();
  const attributes = (operation: string, failure: string | undefined): DbAttributes => {
    if (failure !== undefined)
      return {
        'db.system.name': system,
        'db.operation.name': operation,
        'db.collection.name': collection,
        'error.type': failure,
      };
    let cached = ok.get(operation);
    if (cached === undefined) {
      cached = Object.freeze({
        'db.system.name': system,
        'db.operation.name': operation,
        'db.collection.name': collection,
      });
      ok.set(operation, cached);
    }
    return cached;
  };
  return (operation, call) =>
    timedDbCall(metrics, clock, (failure) => attributes(operation, failure), call);
}

class TimedDocumentRepository<T extends Identified> implements DocumentRepository<T> {
  constructor(
    private readonly inner: DocumentRepository<T>,
    private readonly timed: Recorder,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  insert(doc: T): Promise<Versioned<T>> {
    return this.timed('insert', () => this.inner.insert(doc));
  }
  findById(id: string): Promise<Versioned<T> | undefined> {
    return this.timed('findById', () => this.inner.findById(id));
  }
  find(query: Query<T>, options?: FindOptions<T>): Promise<Page<T>> {
    return this.timed('find', () => this.inner.find(query, options));
  }
  count(query: Query<T>): Promise<number> {
    return this.timed('count', () => this.inner.count(query));
  }
  update(id: string, expectedVersion: number, update: Update<T>): Promise<Versioned<T>> {
    return this.timed('update', () => this.inner.update(id, expectedVersion, update));
  }
  upsert(doc: T): Promise<Versioned<T>> {
    return this.timed('upsert', () => this.inner.upsert(doc));
  }
  delete(id: string, expectedVersion?: number): Promise<void> {
    return this.timed('delete', () => this.inner.delete(id, expectedVersion));
  }
  ensureIndexes(): Promise<void> {
    return this.timed('ensureIndexes', () => this.inner.ensureIndexes());
  }
}

/**
 * A DocumentStore whose repositories record `db.client.operation.duration` {db.system.name
 * (`mongodb`/`sqlite`), db.operation.name (the port method), db.collection.name, error.type on
 * failure} for every call. No spans, like TimedSessionRegistry.
 */
export class TimedDocumentStore implements DocumentStore {
  constructor(
    private readonly inner: DocumentStore,
    private readonly metrics: AcsMetrics,
    private readonly system: DbSystem,
    private readonly clock: SecondsClock = monotonicSeconds,
  ) {}

  async collection<T extends Identified>(
    name: string,
    options?: CollectionOptions<T>,
  ): Promise<DocumentRepository<T>> {
    const repo = await this.inner.collection<T>(name, options);
    return new TimedDocumentRepository(repo, recorder(this.metrics, this.system, name, this.clock));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
