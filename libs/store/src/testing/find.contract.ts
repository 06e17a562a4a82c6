import type { DocumentRepository, Query, Sort } from '../document-repository.port';
import { StoreErrorCode } from '../store.error';
import { code, dev, ids, type Device } from './contract.fixtures';

/** Query operators, sort and keyset pagination; part of describeDocumentStoreContract. */
export function describeFindContract(devices: () => Promise<DocumentRepository<Device>>): void {
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
      await expect(repo.find({}, { limit: 0 })).rejects.toEqual(code(StoreErrorCode.InvalidQuery));
    });
  });
}
