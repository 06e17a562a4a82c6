import { randomBytes } from 'node:crypto';
import type {
  DocumentRepository,
  DocumentStore,
  Query,
  Sort,
  Versioned,
} from '../document-repository.port';
import { StoreErrorCode } from '../store.error';

/** How the contract suite reaches one backend. */
export interface ContractHarness {
  /** Opens a store on the suite's own persistent location; opening again after close sees the same data. */
  open(): Promise<DocumentStore>;
  /** A store whose backend cannot be reached: opening it or its first operation fails with Unavailable. */
  openUnreachable(): Promise<DocumentStore>;
  /** Removes everything the suite stored. */
  dispose(): Promise<void>;
}

interface Device {
  _id: string;
  oui: string;
  serial: string;
  model?: string | null;
  uptime?: number;
  online?: boolean;
  firmware?: { version: string; build?: number };
  tags?: string[];
}

// Typed `unknown`: Jest's asymmetric matchers are `any`.
const code = (c: StoreErrorCode): unknown =>
  expect.objectContaining({ name: 'StoreError', code: c });
const ids = (docs: readonly { _id: string }[]) => docs.map((d) => d._id);

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
  const concurrent = capabilities.atomicConditionalWrites ? it : it.skip;
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
    const dev = (n: number, extra: Partial<Device> = {}): Device => ({
      _id: `d${String(n).padStart(3, '0')}`,
      oui: 'A1B2C3',
      serial: `S${n}`,
      ...extra,
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

    describe('queries', () => {
      let repo: DocumentRepository<Device>;
      const match = async (query: Query<Device>) => ids((await repo.find(query)).items);
      beforeAll(async () => {
        repo = await devices();
        await repo.insert(
          dev(1, {
            model: 'HG8245',
            uptime: 10,
            online: true,
            firmware: { version: '1.0', build: 7 },
          }),
        );
        await repo.insert(
          dev(2, {
            model: 'HG8245',
            uptime: 200,
            online: false,
            firmware: { version: '2.0', build: 9 },
          }),
        );
        await repo.insert(dev(3, { model: 'F660', uptime: 1, online: true }));
        await repo.insert(dev(4, { model: null }));
        await repo.insert(dev(5, { oui: 'FFFFFF', model: '10', uptime: 10 }));
      });

      it('matches equality on top-level and dotted fields', async () => {
        expect(await match({ model: 'HG8245' })).toEqual(['d001', 'd002']);
        expect(await match({ 'firmware.version': '2.0' })).toEqual(['d002']);
        expect(await match({ 'firmware.build': { $eq: 7 } })).toEqual(['d001']);
        expect(await match({ _id: 'd003' })).toEqual(['d003']);
      });

      it('compares within one type: 10 is not "10", true is not 1', async () => {
        expect(await match({ uptime: 10 })).toEqual(['d001', 'd005']);
        expect(await match({ model: '10' })).toEqual(['d005']);
        expect(await match({ online: true })).toEqual(['d001', 'd003']);
        expect(await match({ uptime: { $gt: 5 } })).toEqual(['d001', 'd002', 'd005']);
        expect(await match({ model: { $gte: 'G' } })).toEqual(['d001', 'd002']);
      });

      it('treats null as "null or missing"', async () => {
        expect(await match({ model: null })).toEqual(['d004']);
        expect(await match({ uptime: null })).toEqual(['d004']);
        expect(await match({ 'firmware.build': null })).toEqual(['d003', 'd004', 'd005']);
        expect(await match({ model: { $ne: null } })).toEqual(['d001', 'd002', 'd003', 'd005']);
      });

      it('supports $in, $ne, $exists and range operators', async () => {
        expect(await match({ model: { $in: ['F660', '10', null] } })).toEqual([
          'd003',
          'd004',
          'd005',
        ]);
        expect(await match({ uptime: { $in: [] } })).toEqual([]);
        expect(await match({ model: { $ne: 'HG8245' } })).toEqual(['d003', 'd004', 'd005']);
        expect(await match({ model: { $exists: true } })).toEqual([
          'd001',
          'd002',
          'd003',
          'd004',
          'd005',
        ]);
        expect(await match({ uptime: { $exists: false } })).toEqual(['d004']);
        expect(await match({ uptime: { $gte: 10, $lt: 200 } })).toEqual(['d001', 'd005']);
        expect(await match({ uptime: { $lte: 1 } })).toEqual(['d003']);
      });

      it('ANDs all conditions', async () => {
        expect(await match({ model: 'HG8245', uptime: { $gt: 50 }, online: false })).toEqual([
          'd002',
        ]);
        expect(await match({ oui: 'A1B2C3', online: { $ne: true } })).toEqual(['d002', 'd004']);
      });

      it('counts matching documents', async () => {
        expect(await repo.count({})).toBe(5);
        expect(await repo.count({ model: 'HG8245' })).toBe(2);
        expect(await repo.count({ uptime: { $gt: 1000 } })).toBe(0);
      });

      it.each([
        ['an unknown operator', { model: { $regex: '^HG' } }],
        ['a top-level $or', { $or: [{ model: 'F660' }] }],
        ['equality on an object', { firmware: { version: '1.0' } }],
        ['equality on an array', { tags: ['a'] }],
        ['a bad field path', { 'a..b': 1 }],
        ['an array-position path', { 'tags.0': 'a' }],
        ['$gt on a boolean', { online: { $gt: false } }],
        ['an undefined condition', { model: undefined }],
      ])('rejects %s with InvalidQuery', async (_label, query) => {
        await expect(repo.find(query as Query<Device>)).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
        await expect(repo.count(query as Query<Device>)).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
      });
    });

    describe('sort and pagination', () => {
      let repo: DocumentRepository<Device>;
      const all: Device[] = [];
      beforeAll(async () => {
        repo = await devices();
        for (let n = 0; n < 23; n++) {
          // Repeated values and missing fields, so ties are broken by _id.
          const d = dev(n, n % 5 === 0 ? {} : { model: ['B', 'A', 'C'][n % 3], uptime: n % 4 });
          all.push(d);
          await repo.insert(d);
        }
      });

      async function pages(
        sort: Sort<Device>,
        limit: number,
        query: Query<Device> = {},
      ): Promise<string[][]> {
        const result: string[][] = [];
        let after: string | undefined;
        do {
          const page = await repo.find(query, {
            sort,
            limit,
            ...(after === undefined ? {} : { after }),
          });
          result.push(ids(page.items));
          after = page.next;
        } while (after !== undefined && result.length < 50);
        return result;
      }

      it('sorts by the given fields, then _id, nulls first ascending', async () => {
        const { items } = await repo.find({}, { sort: { model: 1 } });
        const expected = [...all].sort(
          (a, b) => (a.model ?? '').localeCompare(b.model ?? '') || a._id.localeCompare(b._id),
        );
        expect(ids(items)).toEqual(ids(expected));
        const desc = await repo.find({}, { sort: { uptime: -1, model: 1 }, limit: 4 });
        expect(desc.items.map((d) => d.uptime)).toEqual([3, 3, 3, 3]);
        expect(desc.items.map((d) => d.model)).toEqual(['A', 'A', 'B', 'C']);
      });

      it('pages through every document exactly once, in order', async () => {
        for (const sort of [
          {},
          { model: 1 },
          { uptime: -1, model: 1 },
          { model: -1, uptime: 1 },
        ] as Sort<Device>[]) {
          const whole = ids((await repo.find({}, { sort })).items);
          const paged = await pages(sort, 4);
          expect(paged.flat()).toEqual(whole);
          expect(paged.slice(0, -1).every((p) => p.length === 4)).toBe(true);
        }
        expect((await pages({ model: 1 }, 3, { uptime: { $gte: 2 } })).flat()).toEqual(
          ids((await repo.find({ uptime: { $gte: 2 } }, { sort: { model: 1 } })).items),
        );
      });

      it('keeps later pages stable when documents are added before the cursor', async () => {
        const first = await repo.find({}, { sort: { model: 1 }, limit: 5 });
        const second = await repo.find({}, { sort: { model: 1 }, limit: 5, after: first.next! });
        // No model (null sorts first) and a smaller _id: lands before the cursor.
        await repo.insert({ _id: 'a000', oui: 'A1B2C3', serial: 'S-new' });
        const again = await repo.find({}, { sort: { model: 1 }, limit: 5, after: first.next! });
        await repo.delete('a000');
        expect(ids(first.items)).not.toContain('a000');
        expect(ids(again.items)).toEqual(ids(second.items));
      });

      it('ends with no cursor and refuses a cursor made for another sort', async () => {
        const last = await repo.find({}, { limit: 100 });
        expect(last.items).toHaveLength(23);
        expect(last.next).toBeUndefined();
        const page = await repo.find({}, { sort: { model: 1 }, limit: 2 });
        await expect(repo.find({}, { sort: { uptime: 1 }, after: page.next! })).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
        await expect(repo.find({}, { after: 'garbage' })).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
        await expect(repo.find({}, { limit: 0 })).rejects.toEqual(
          code(StoreErrorCode.InvalidQuery),
        );
      });
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
      const indexes = [{ fields: { serial: 1 as const }, unique: true }];
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
