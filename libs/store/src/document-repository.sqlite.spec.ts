import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDocumentStore } from './document-repository.sqlite';
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
    await expect(store.collection('x"; DROP TABLE y; --')).rejects.toMatchObject({ code: StoreErrorCode.InvalidQuery });
    await expect(store.collection('sqlite_master')).rejects.toMatchObject({ code: StoreErrorCode.InvalidQuery });
    await store.close();
  });
});
