import { randomBytes } from 'node:crypto';
import type { DocumentRepository, DocumentStore, Versioned } from '../document-repository.port';
import { StoreErrorCode } from '../store.error';
import { code, dev, type Device } from './contract.fixtures';
import { describeFindContract } from './find.contract';
import { describeMultikeyContract } from './multikey.contract';

/** How the contract suite reaches one backend. */
export interface ContractHarness {
  /** Opens a store on the suite's own persistent location; opening again after close sees the same data. */
  open(): Promise<DocumentStore>;
  /** A store whose backend cannot be reached: opening it or its first operation fails with Unavailable. */
  openUnreachable(): Promise<DocumentStore>;
  /** Removes everything the suite stored. */
  dispose(): Promise<void>;
}

export interface ContractCapabilities {
  /**
   * Conditional writes (`{_id, _version}` filter + update) are atomic under
   * concurrency. True for SQLite and MongoDB; false for FerretDB 1.24, which
   * evaluates the filter and writes in two steps (see docs/store.md).
   */
  readonly atomicConditionalWrites: boolean;
}

/** Registers the Jest tests every DocumentStore adapter must pass. */
export function describeDocumentStoreContract(
  name: string,
  createHarness: () => Promise<ContractHarness>,
  capabilities: ContractCapabilities = { atomicConditionalWrites: true },
): void {
  // Servers without atomic conditional writes (FerretDB 1.24) do not claim
  // optimistic concurrency, so those tests are not registered for them at all;
  // docs/store.md records the gap. They run against SQLite here and MongoDB in production.
  const concurrent = (title: string, fn: () => Promise<void>) => {
    if (capabilities.atomicConditionalWrites) it(title, fn);
  };
  describe(`DocumentStore contract: ${name}`, () => {
    let harness: ContractHarness;
    let store: DocumentStore;
    const collectionName = () => `c_${randomBytes(4).toString('hex')}`;
    const devices = (indexes = true): Promise<DocumentRepository<Device>> =>
      store.collection<Device>(collectionName(), {
        indexes: indexes
          ? [
              { fields: { oui: 1, serial: 1 }, unique: true, name: 'oui_serial' },
              { fields: { model: 1, uptime: -1 } },
            ]
          : [],
      });

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
    });
    afterAll(async () => {
      await store?.close();
      await harness?.dispose();
    });

    it('inserts a document at version 1 and finds it by id', async () => {
      const repo = await devices();
      const stored = await repo.insert({
        ...dev(1),
        firmware: { version: '1.0' },
        tags: ['a', 'b'],
      });
      expect(stored).toEqual({
        ...dev(1),
        firmware: { version: '1.0' },
        tags: ['a', 'b'],
        _version: 1,
      });
      expect(await repo.findById('d001')).toEqual(stored);
      expect(await repo.findById('nope')).toBeUndefined();
    });

    it('refuses a second document with the same _id', async () => {
      const repo = await devices();
      await repo.insert(dev(1));
      await expect(repo.insert({ ...dev(1), serial: 'other' })).rejects.toEqual(
        code(StoreErrorCode.DuplicateKey),
      );
    });

    it('refuses values both backends cannot store identically', async () => {
      const repo = await devices();
      const bad = { ...dev(1), model: new Date() } as unknown as Device;
      await expect(repo.insert(bad)).rejects.toEqual(code(StoreErrorCode.InvalidDocument));
      await expect(repo.insert({ ...dev(2), uptime: Number.NaN })).rejects.toEqual(
        code(StoreErrorCode.InvalidDocument),
      );
    });

    describeFindContract(devices);
    describeMultikeyContract((multikey) =>
      store.collection<Device>(collectionName(), {
        indexes: multikey
          ? [
              { fields: { tags: 1 }, multikey: true },
              { fields: { labels: 1 }, multikey: true },
            ]
          : [],
      }),
    );
    it('indexes the documents stored before a multikey index was declared', async () => {
      const name = collectionName();
      const plain = await store.collection<Device>(name);
      await plain.insert(dev(1, { tags: ['gold'] }));
      await plain.insert(dev(2, { tags: ['silver'] }));
      const indexed = await store.collection<Device>(name, {
        indexes: [{ fields: { tags: 1 }, multikey: true }],
      });
      expect((await indexed.find({ tags: { $has: 'gold' } })).items.map((d) => d._id)).toEqual([
        'd001',
      ]);
    });

    describe('optimistic updates', () => {
      it('applies a patch when the version matches and bumps the version', async () => {
        const repo = await devices();
        await repo.insert(dev(1, { model: 'X', uptime: 5 }));
        const updated = await repo.update('d001', 1, {
          $set: { 'firmware.version': '3.1', uptime: 6 },
          $unset: ['model'],
        });
        const expected: Versioned<Device> = {
          ...dev(1),
          uptime: 6,
          firmware: { version: '3.1' },
          _version: 2,
        };
        expect(updated).toEqual(expected);
        expect(await repo.findById('d001')).toEqual(expected);
        expect(await repo.update('d001', 2, { $set: { 'firmware.build': 4 } })).toMatchObject({
          firmware: { version: '3.1', build: 4 },
          _version: 3,
        });
      });

      it('replaces the whole document', async () => {
        const repo = await devices();
        await repo.insert(dev(1, { model: 'X', uptime: 5 }));
        const replaced = await repo.update('d001', 1, { $replace: { oui: 'B', serial: 'T' } });
        expect(replaced).toEqual({ _id: 'd001', oui: 'B', serial: 'T', _version: 2 });
        expect(await repo.findById('d001')).toEqual(replaced);
      });

      it('refuses a stale version with VersionConflict and a missing id with NotFound', async () => {
        const repo = await devices();
        await repo.insert(dev(1));
        await repo.update('d001', 1, { $set: { uptime: 1 } });
        await expect(repo.update('d001', 1, { $set: { uptime: 2 } })).rejects.toMatchObject({
          code: StoreErrorCode.VersionConflict,
          details: { id: 'd001', expectedVersion: 1, actualVersion: 2 },
        });
        expect(await repo.findById('d001')).toMatchObject({ uptime: 1, _version: 2 });
        await expect(repo.update('nope', 1, { $set: { uptime: 2 } })).rejects.toEqual(
          code(StoreErrorCode.NotFound),
        );
        await expect(repo.update('d001', 2, { $set: { _version: 9 } as never })).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
      });

      concurrent('lets exactly one of concurrent updates of the same version win', async () => {
        const repo = await devices();
        await repo.insert(dev(1));
        const results = await Promise.allSettled(
          [1, 2, 3].map((n) => repo.update('d001', 1, { $set: { uptime: n } })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected')) {
          expect(r.reason).toEqual(code(StoreErrorCode.VersionConflict));
        }
        expect(await repo.findById('d001')).toMatchObject({ _version: 2 });
      });

      concurrent('serialises concurrent upserts of a new id', async () => {
        const repo = await devices();
        const versions = await Promise.all(
          [1, 2, 3].map((n) => repo.upsert(dev(1, { uptime: n }))),
        );
        expect(versions.map((d) => d._version).sort()).toEqual([1, 2, 3]);
        expect(await repo.findById('d001')).toMatchObject({ _version: 3 });
      });

      it('upserts: inserts at version 1, then replaces and bumps', async () => {
        const repo = await devices();
        expect(await repo.upsert(dev(1, { model: 'X' }))).toEqual({
          ...dev(1, { model: 'X' }),
          _version: 1,
        });
        expect(await repo.upsert(dev(1, { uptime: 3 }))).toEqual({
          ...dev(1, { uptime: 3 }),
          _version: 2,
        });
        expect(await repo.findById('d001')).toEqual({ ...dev(1, { uptime: 3 }), _version: 2 });
      });
    });

    it('deletes, checking the version when given', async () => {
      const repo = await devices();
      await repo.insert(dev(1));
      await repo.insert(dev(2));
      await expect(repo.delete('d001', 2)).rejects.toEqual(code(StoreErrorCode.VersionConflict));
      await repo.delete('d001', 1);
      await repo.delete('d002');
      expect(await repo.count({})).toBe(0);
      await expect(repo.delete('d001')).rejects.toEqual(code(StoreErrorCode.NotFound));
    });

    describe('indexes', () => {
      it('surfaces a unique-index violation as DuplicateKey, on insert and on update', async () => {
        const repo = await store.collection<Device>(collectionName(), {
          indexes: [{ fields: { serial: 1 }, unique: true }],
        });
        await repo.insert(dev(1));
        await expect(repo.insert({ ...dev(2), serial: 'S1' })).rejects.toEqual(
          code(StoreErrorCode.DuplicateKey),
        );
        await repo.insert(dev(2));
        // Every backend names the index on update (FerretDB 1.24 does not on insert).
        await expect(repo.update('d002', 1, { $set: { serial: 'S1' } })).rejects.toMatchObject({
          code: StoreErrorCode.DuplicateKey,
          details: { index: 'serial_1' },
        });
        expect(await repo.findById('d002')).toMatchObject({ serial: 'S2', _version: 1 });
      });

      it('enforces a compound unique index on the combination only', async () => {
        const repo = await devices();
        await repo.insert(dev(1));
        await repo.insert({ ...dev(2), serial: 'S1', oui: 'OTHER' });
        await repo.insert({ ...dev(3), serial: 'S3' });
        await expect(repo.insert({ ...dev(4), serial: 'S1' })).rejects.toEqual(
          code(StoreErrorCode.DuplicateKey),
        );
        expect(await repo.count({})).toBe(3);
      });

      it('ensures indexes idempotently when a collection is opened again', async () => {
        const name = collectionName();
        const spec = { indexes: [{ fields: { serial: 1 as const }, unique: true }] };
        const repo = await store.collection<Device>(name, spec);
        await repo.insert(dev(1));
        await repo.ensureIndexes();
        const again = await store.collection<Device>(name, spec);
        await expect(again.insert({ ...dev(2), serial: 'S1' })).rejects.toEqual(
          code(StoreErrorCode.DuplicateKey),
        );
      });
    });

    it('keeps documents and indexes across a reopen', async () => {
      const name = collectionName();
      // Two indexes: FerretDB once dropped the connection when both were declared in one call on reopen.
      const indexes = [
        { fields: { serial: 1 as const }, unique: true },
        { fields: { uptime: -1 as const } },
      ];
      const repo = await store.collection<Device>(name, { indexes });
      await repo.insert(dev(1, { firmware: { version: '1.0' } }));
      await repo.update('d001', 1, { $set: { uptime: 9 } });
      await store.close();
      await expect(repo.findById('d001')).rejects.toEqual(code(StoreErrorCode.Unavailable));

      store = await harness.open();
      const reopened = await store.collection<Device>(name, { indexes });
      expect(await reopened.findById('d001')).toEqual({
        ...dev(1, { firmware: { version: '1.0' } }),
        uptime: 9,
        _version: 2,
      });
      await expect(reopened.insert({ ...dev(2), serial: 'S1' })).rejects.toEqual(
        code(StoreErrorCode.DuplicateKey),
      );
    });

    it('reports an unreachable backend as Unavailable', async () => {
      const attempt = async () => {
        const unreachable = await harness.openUnreachable();
        try {
          const repo = await unreachable.collection<Device>('unreachable');
          await repo.count({});
        } finally {
          await unreachable.close();
        }
      };
      await expect(attempt()).rejects.toEqual(code(StoreErrorCode.Unavailable));
    });
  });
}
