import type { DocumentRepository, Query, Sort } from '../document-repository.port';
import { StoreErrorCode } from '../store.error';
import { code, dev, ids, type Device } from './contract.fixtures';

/**
 * `$has` (array membership) with and without a multikey index; part of
 * describeDocumentStoreContract. Every check runs on both repositories and expects the same ids.
 */
export function describeMultikeyContract(
  devices: (multikey: boolean) => Promise<DocumentRepository<Device>>,
): void {
  describe('array membership ($has)', () => {
    let repos: DocumentRepository<Device>[];
    beforeEach(async () => {
      repos = [await devices(true), await devices(false)];
    });
    const each = async (work: (repo: DocumentRepository<Device>) => Promise<void>) => {
      for (const repo of repos) await work(repo);
    };
    const match = async (repo: DocumentRepository<Device>, query: Query<Device>) => {
      const found = ids((await repo.find(query)).items);
      expect(await repo.count(query)).toBe(found.length);
      return found;
    };

    it('matches arrays holding the value, compared within one type', async () => {
      await each(async (repo) => {
        await repo.insert(dev(1, { tags: ['gold', 'eu'], labels: ['1', true] }));
        await repo.insert(dev(2, { tags: ['silver'], labels: [1, 2.5] }));
        await repo.insert(dev(3, { tags: [], labels: [false] }));
        await repo.insert(dev(4));
        expect(await match(repo, { tags: { $has: 'gold' } })).toEqual(['d001']);
        expect(await match(repo, { tags: { $has: 'eu' }, oui: 'A1B2C3' })).toEqual(['d001']);
        expect(await match(repo, { tags: { $has: 'gol' } })).toEqual([]);
        expect(await match(repo, { labels: { $has: 1 } })).toEqual(['d002']);
        expect(await match(repo, { labels: { $has: '1' } })).toEqual(['d001']);
        expect(await match(repo, { labels: { $has: 2.5 } })).toEqual(['d002']);
        expect(await match(repo, { labels: { $has: true } })).toEqual(['d001']);
        expect(await match(repo, { labels: { $has: false } })).toEqual(['d003']);
        // Two memberships on different fields are ANDed.
        expect(await match(repo, { tags: { $has: 'gold' }, labels: { $has: true } })).toEqual([
          'd001',
        ]);
        expect(await match(repo, { tags: { $has: 'gold' }, labels: { $has: 1 } })).toEqual([]);
      });
    });

    it('keeps the index exact when updates add and remove elements, and on delete', async () => {
      await each(async (repo) => {
        await repo.insert(dev(1, { tags: ['a'] }));
        await repo.insert(dev(2, { tags: ['a', 'b'] }));
        await repo.update('d001', 1, { $set: { tags: ['a', 'b', 'c'] } });
        await repo.update('d002', 1, { $set: { tags: ['b'] } });
        expect(await match(repo, { tags: { $has: 'a' } })).toEqual(['d001']);
        expect(await match(repo, { tags: { $has: 'b' } })).toEqual(['d001', 'd002']);
        await repo.update('d001', 2, { $unset: ['tags'] });
        expect(await match(repo, { tags: { $has: 'c' } })).toEqual([]);
        await repo.update('d002', 2, { $replace: { oui: 'X', serial: 'S2', tags: ['c'] } });
        expect(await match(repo, { tags: { $has: 'b' } })).toEqual([]);
        expect(await match(repo, { tags: { $has: 'c' } })).toEqual(['d002']);
        await repo.upsert(dev(3, { tags: ['c'] }));
        await repo.upsert(dev(2, { tags: ['d'] }));
        expect(await match(repo, { tags: { $has: 'c' } })).toEqual(['d003']);
        expect(await match(repo, { tags: { $has: 'd' } })).toEqual(['d002']);
        await repo.delete('d002');
        expect(await match(repo, { tags: { $has: 'd' } })).toEqual([]);
        await repo.insert(dev(2, { tags: ['e'] }));
        expect(await match(repo, { tags: { $has: 'd' } })).toEqual([]);
        expect(await match(repo, { tags: { $has: 'e' } })).toEqual(['d002']);
      });
    });

    it('pages through the members exactly once, in order, with other conditions and sorts', async () => {
      await each(async (repo) => {
        for (let n = 1; n <= 30; n++)
          await repo.insert(dev(n, { tags: n % 3 === 0 ? ['x', `t${n}`] : ['y'], uptime: n % 4 }));
        for (const [query, sort] of [
          [{ tags: { $has: 'x' } }, {}],
          [{ tags: { $has: 'x' }, uptime: { $gte: 1 } }, {}],
          [{ tags: { $has: 'y' } }, { uptime: -1 }],
        ] as [Query<Device>, Sort<Device>][]) {
          const whole = ids((await repo.find(query, { sort })).items);
          const paged: string[] = [];
          let after: string | undefined;
          for (let round = 0; round < 30; round++) {
            const page = await repo.find(query, { sort, limit: 4, ...(after ? { after } : {}) });
            paged.push(...ids(page.items));
            if (page.next === undefined) break;
            after = page.next;
          }
          expect(paged).toEqual(whole);
          expect(whole.length).toBeGreaterThan(4);
        }
      });
    });

    it('matches fields whose names hold % and - (escaped data-model keys)', async () => {
      await each(async (repo) => {
        const odd = (n: number, v: string) =>
          ({ ...dev(n), nodes: { 'Device%2EX%2ESSID': { v }, 'a-b': v } }) as Device;
        await repo.insert(odd(1, 'guest'));
        await repo.insert(odd(2, 'home'));
        const q = (query: object) => match(repo, query);
        expect(await q({ 'nodes.Device%2EX%2ESSID.v': 'guest' })).toEqual(['d001']);
        expect(await q({ 'nodes.a-b': { $in: ['home', 5] } })).toEqual(['d002']);
      });
    });

    it('refuses $has without a scalar operand', async () => {
      await each(async (repo) => {
        for (const bad of [null, ['a'], { a: 1 }, Number.NaN])
          await expect(
            repo.find({ tags: { $has: bad } } as unknown as Query<Device>),
          ).rejects.toEqual(code(StoreErrorCode.InvalidQuery));
      });
    });
  });
}
