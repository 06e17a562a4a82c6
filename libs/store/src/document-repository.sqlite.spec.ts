import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDocumentStore } from './document-repository.sqlite';
import { normalizeSort } from './find.cursor';
import { normalizeQuery } from './query.normalize';
import { orderSql, whereSql } from './sqlite.query';
import { StoreErrorCode } from './store.error';
import { describeDocumentStoreContract } from './testing/document-repository.contract';

describeDocumentStoreContract('sqlite', async () => {
  await Promise.resolve();
  const directory = mkdtempSync(join(tmpdir(), 'acs-store-'));
  return {
    open: async () => SqliteDocumentStore.open({ directory: join(directory, 'data') }),
    // A regular file where the data directory should be: the database cannot be opened.
    openUnreachable: async () => {
      const blocker = join(directory, 'blocker');
      writeFileSync(blocker, '');
      return SqliteDocumentStore.open({ directory: join(blocker, 'data') });
    },
    dispose: async () => rmSync(directory, { recursive: true, force: true }),
  };
});

describe(SqliteDocumentStore.name, () => {
  it('runs in memory for tests', async () => {
    const store = SqliteDocumentStore.open({ directory: ':memory:' });
    const repo = await store.collection<{ _id: string; n: number }>('things');
    await repo.insert({ _id: 'a', n: 1 });
    expect(await repo.count({ n: 1 })).toBe(1);
    await store.close();
  });

  it('refuses a collection name that is not a safe identifier', async () => {
    const store = SqliteDocumentStore.open({ directory: ':memory:' });
    await expect(store.collection('x"; DROP TABLE y; --')).rejects.toMatchObject({
      code: StoreErrorCode.InvalidQuery,
    });
    await expect(store.collection('sqlite_master')).rejects.toMatchObject({
      code: StoreErrorCode.InvalidQuery,
    });
    await store.close();
  });
});

describe('SQLite query translation', () => {
  let store: SqliteDocumentStore;
  beforeAll(() => {
    store = SqliteDocumentStore.open({ directory: ':memory:' });
  });
  afterAll(() => store.close());

  it('binds values instead of splicing them into SQL', async () => {
    const repo = await store.collection<{ _id: string; model?: string }>('inject');
    await repo.insert({ _id: 'a', model: 'x' });
    expect((await repo.find({ model: "x' OR 1=1 --" })).items).toEqual([]);
    expect(await repo.count({ model: { $in: ["') OR 1=1 --", 'x'] } })).toBe(1);
  });

  it('uses the declared expression indexes for equality and sort', async () => {
    await store.collection<{ _id: string; serial: string; model: string }>('plans', {
      indexes: [{ fields: { serial: 1 }, unique: true }, { fields: { model: 1 } }],
    });
    // The SQL the adapter generates, with its type guards, must still hit the index.
    const plan = (query: object, sort?: object) => {
      const where = whereSql(normalizeQuery(query));
      const order = orderSql(normalizeSort(sort));
      return store
        .database()
        .prepare(`EXPLAIN QUERY PLAN SELECT _id FROM "plans" WHERE ${where.text} ORDER BY ${order}`)
        .all(...where.params)
        .map((r) => String(r.detail))
        .join('\n');
    };
    expect(plan({ serial: 'S1' })).toContain('USING INDEX plans__serial_1');
    expect(plan({ serial: { $in: ['S1', 'S2'] } })).toContain('USING INDEX plans__serial_1');
    expect(plan({}, { model: 1 })).toContain('USING INDEX plans__model_1');
  });
});

describe('SQLite multikey index', () => {
  it('drives a $has query from the side table in _id order, without sorting', async () => {
    const store = SqliteDocumentStore.open({ directory: ':memory:' });
    type Doc = { _id: string; tags: string[]; model: string };
    const repo = await store.collection<Doc>('mk', {
      indexes: [{ fields: { tags: 1 }, multikey: true }],
    });
    await repo.insert({ _id: 'a', tags: ['gold'], model: 'm' });
    await repo.insert({ _id: 'b', tags: ['gold'], model: 'm' });
    const first = await repo.find({ tags: { $has: 'gold' } }, { limit: 1 });
    expect(first.items.map((d) => d._id)).toEqual(['a']);
    const after = first.next!;
    for (const plan of [
      store.explainFind<Doc>('mk', { tags: { $has: 'gold' }, model: 'm' }, { limit: 10, after }),
      store.explainFind<Doc>('mk', { tags: { $has: 'gold' }, _id: { $gt: 'a' } }, { limit: 10 }),
    ]) {
      expect(plan.join('\n')).toMatch(
        /SEARCH m USING PRIMARY KEY \(path=\? AND kind=\? AND value=\? AND id>\?\)/,
      );
      expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    }
    await store.close();
  });
});
