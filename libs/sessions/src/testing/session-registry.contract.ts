import type { SessionRegistry } from '../session-registry.port';
import { SessionsError, SessionsErrorCode } from '../sessions.error';

/**
 * The behaviour every SessionRegistry adapter must show. Run against the
 * in-process adapter (unit) and against real Redis (integration).
 */
export function describeSessionRegistryContract(
  name: string,
  create: () => Promise<SessionRegistry>,
): void {
  describe(`SessionRegistry contract: ${name}`, () => {
    let registry: SessionRegistry;
    let n = 0;
    const id = (kind: string) => `${kind}-${process.pid}-${Date.now()}-${n++}`;

    beforeEach(async () => {
      registry = await create();
    });
    afterEach(async () => {
      await registry.close();
    });

    it('refuses a lock held by another token and releases only for its holder', async () => {
      const dev = id('dev');
      expect(await registry.acquireLock(dev, 'session-a', 10_000)).toBe(true);
      expect(await registry.acquireLock(dev, 'session-b', 10_000)).toBe(false);
      expect(await registry.lockHolder(dev)).toBe('session-a');
      expect(await registry.releaseLock(dev, 'session-b')).toBe(false);
      expect(await registry.lockHolder(dev)).toBe('session-a');
      expect(await registry.releaseLock(dev, 'session-a')).toBe(true);
      expect(await registry.lockHolder(dev)).toBeNull();
      expect(await registry.acquireLock(dev, 'session-b', 10_000)).toBe(true);
    });

    it('lets a lock expire after its TTL', async () => {
      const dev = id('dev');
      expect(await registry.acquireLock(dev, 'a', 100)).toBe(true);
      await sleep(250);
      expect(await registry.lockHolder(dev)).toBeNull();
      expect(await registry.acquireLock(dev, 'b', 10_000)).toBe(true);
    });

    it('refreshes a lock only for its holder', async () => {
      const dev = id('dev');
      await registry.acquireLock(dev, 'a', 200);
      expect(await registry.refreshLock(dev, 'b', 10_000)).toBe(false);
      expect(await registry.refreshLock(dev, 'a', 10_000)).toBe(true);
      await sleep(350);
      expect(await registry.lockHolder(dev)).toBe('a');
    });

    it('gives exactly one of many concurrent acquirers the lock', async () => {
      const dev = id('dev');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => registry.acquireLock(dev, `s${i}`, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('stores, replaces, expires and deletes session records', async () => {
      const sid = id('sess');
      expect(await registry.getRecord(sid)).toBeNull();
      await registry.putRecord(sid, '{"state":"inform"}', 10_000);
      expect(await registry.getRecord(sid)).toBe('{"state":"inform"}');
      await registry.putRecord(sid, '{"state":"rpc"}', 100);
      expect(await registry.getRecord(sid)).toBe('{"state":"rpc"}');
      await sleep(250);
      expect(await registry.getRecord(sid)).toBeNull();
      await registry.putRecord(sid, 'x', 10_000);
      await registry.deleteRecord(sid);
      expect(await registry.getRecord(sid)).toBeNull();
    });

    it('pops inbox entries in push order', async () => {
      const sid = id('sess');
      await registry.pushInbox(sid, ['a', 'b'], 10_000);
      await registry.pushInbox(sid, ['c'], 10_000);
      expect(await registry.popInbox(sid, 100)).toBe('a');
      expect(await registry.popInbox(sid, 100)).toBe('b');
      expect(await registry.popInbox(sid, 100)).toBe('c');
    });

    it('times out an empty inbox with null', async () => {
      const started = Date.now();
      expect(await registry.popInbox(id('sess'), 150)).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('wakes a blocked pop when an entry is pushed', async () => {
      const sid = id('sess');
      const pending = registry.popInbox(sid, 5_000);
      await sleep(50);
      await registry.pushInbox(sid, ['rpc-1'], 10_000);
      expect(await pending).toBe('rpc-1');
    });

    it('delivers each entry to exactly one of several waiters', async () => {
      const sid = id('sess');
      const waiters = [1, 2, 3].map(() => registry.popInbox(sid, 1_000));
      await sleep(50);
      await registry.pushInbox(sid, ['x', 'y'], 10_000);
      const got = await Promise.all(waiters);
      expect(got.filter((v) => v !== null).sort()).toEqual(['x', 'y']);
      expect(got.filter((v) => v === null)).toHaveLength(1);
    });

    it('drops the inbox on clear and after its TTL', async () => {
      const a = id('sess');
      await registry.pushInbox(a, ['x'], 10_000);
      await registry.clearInbox(a);
      expect(await registry.popInbox(a, 50)).toBeNull();
      const b = id('sess');
      await registry.pushInbox(b, ['x'], 100);
      await sleep(250);
      expect(await registry.popInbox(b, 50)).toBeNull();
    });

    it('rejects invalid arguments with a typed error', async () => {
      await expect(registry.acquireLock('', 't', 1000)).rejects.toMatchObject({
        code: SessionsErrorCode.InvalidArgument,
      });
      await expect(registry.putRecord('s', 'r', -5)).rejects.toBeInstanceOf(SessionsError);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
