import { expectEventually } from '@acs/testing';
import { BusErrorCode } from '../bus.error';
import { DLQ_HEADER, type DeliveredMessage, type EventBus } from '../event-bus.port';

/**
 * The behaviour every EventBus adapter must show. Each test uses its own
 * topics and groups (a counter plus the run id), so nothing leaks between tests.
 */
export function describeEventBusContract(name: string, create: () => Promise<EventBus>): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let n = 0;
    const run = `${Date.now().toString(36)}${process.pid}`;
    const unique = (kind: string) => `${kind}-${run}-${n++}`;

    beforeEach(async () => {
      bus = await create();
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers key, value and headers as published', async () => {
      const topic = unique('t');
      const got: DeliveredMessage[] = [];
      const sub = await bus.subscribe({ groupId: unique('g'), topics: [topic], handler: async (m) => void got.push(m) });
      await bus.publish(topic, [{ key: 'dev-1', value: '{"a":1}', headers: { 'x-trace': 'abc', 'x-schema': 'inform.v1' } }]);
      await expectEventually(() => expect(got).toHaveLength(1), 20_000);
      expect(got[0]).toMatchObject({ topic, key: 'dev-1', headers: { 'x-trace': 'abc', 'x-schema': 'inform.v1' }, attempt: 1 });
      expect(got[0]!.value.toString()).toBe('{"a":1}');
      await sub.stop();
    });

    it('gives every group all messages and shares them within a group', async () => {
      const topic = unique('t');
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      const groupA = unique('g');
      const seenA1: string[] = [];
      const seenA2: string[] = [];
      const seenB: string[] = [];
      const a1 = await bus.subscribe({ groupId: groupA, topics: [topic], handler: async (m) => void seenA1.push(m.value.toString()) });
      const a2 = await bus.subscribe({ groupId: groupA, topics: [topic], handler: async (m) => void seenA2.push(m.value.toString()) });
      const b = await bus.subscribe({ groupId: unique('g'), topics: [topic], handler: async (m) => void seenB.push(m.value.toString()) });
      const values = Array.from({ length: 40 }, (_, i) => `m${i}`);
      await bus.publish(topic, values.map((v, i) => ({ key: `dev-${i}`, value: v })));
      await expectEventually(() => {
        expect(new Set([...seenA1, ...seenA2])).toEqual(new Set(values));
        expect(new Set(seenB)).toEqual(new Set(values));
      }, 30_000);
      await Promise.all([a1.stop(), a2.stop(), b.stop()]);
    });

    it('keeps per-key order across partitions', async () => {
      const topic = unique('t');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const perKey = new Map<string, number[]>();
      const sub = await bus.subscribe({
        groupId: unique('g'),
        topics: [topic],
        handler: async (m) => {
          const list = perKey.get(m.key) ?? [];
          list.push(Number(m.value.toString()));
          perKey.set(m.key, list);
        },
      });
      const keys = ['a', 'b', 'c', 'd', 'e'];
      for (let batch = 0; batch < 4; batch++) {
        await bus.publish(topic, Array.from({ length: 50 }, (_, i) => ({ key: keys[i % 5]!, value: String(batch * 50 + i) })));
      }
      await expectEventually(() => expect([...perKey.values()].flat()).toHaveLength(200), 30_000);
      for (const list of perKey.values()) expect(list).toEqual([...list].sort((x, y) => x - y));
      await sub.stop();
    });

    it('retries a failing handler and then succeeds', async () => {
      const topic = unique('t');
      const attempts: number[] = [];
      const sub = await bus.subscribe({
        groupId: unique('g'),
        topics: [topic],
        retryBackoffMs: 10,
        handler: async (m) => {
          attempts.push(m.attempt);
          if (m.attempt < 2) throw new Error('transient');
        },
      });
      await bus.publish(topic, [{ key: 'k', value: 'v' }]);
      await expectEventually(() => expect(attempts).toEqual([1, 2]), 20_000);
      await sub.stop();
    });

    it('dead-letters a message its handler keeps failing, and moves on', async () => {
      const topic = unique('t');
      const ok: string[] = [];
      const dead: DeliveredMessage[] = [];
      const sub = await bus.subscribe({
        groupId: unique('g'),
        topics: [topic],
        maxAttempts: 2,
        retryBackoffMs: 10,
        handler: async (m) => {
          if (m.value.toString() === 'poison') throw new Error('cannot parse');
          ok.push(m.value.toString());
        },
      });
      const dlq = await bus.subscribe({ groupId: unique('g'), topics: [`${topic}.dlq`], handler: async (m) => void dead.push(m) });
      await bus.publish(topic, [
        { key: 'k', value: 'before' },
        { key: 'k', value: 'poison', headers: { 'x-trace': 't1' } },
        { key: 'k', value: 'after' },
      ]);
      await expectEventually(() => {
        expect(ok).toEqual(['before', 'after']);
        expect(dead).toHaveLength(1);
      }, 30_000);
      expect(dead[0]!.value.toString()).toBe('poison');
      expect(dead[0]!.headers).toMatchObject({ 'x-trace': 't1', [DLQ_HEADER.topic]: topic });
      expect(dead[0]!.headers[DLQ_HEADER.error]).toContain('cannot parse');
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('loses no message when a group rebalances', async () => {
      const topic = unique('t');
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      const groupId = unique('g');
      const seen = new Set<string>();
      const handler = async (m: DeliveredMessage) => {
        await new Promise((r) => setTimeout(r, 2));
        seen.add(m.value.toString());
      };
      const first = await bus.subscribe({ groupId, topics: [topic], handler });
      const all = Array.from({ length: 300 }, (_, i) => `v${i}`);
      await bus.publish(topic, all.slice(0, 100).map((v, i) => ({ key: `d${i}`, value: v })));
      await expectEventually(() => expect(seen.size).toBeGreaterThan(10), 20_000);
      const second = await bus.subscribe({ groupId, topics: [topic], handler });
      await bus.publish(topic, all.slice(100, 200).map((v, i) => ({ key: `d${i}`, value: v })));
      await first.stop();
      await bus.publish(topic, all.slice(200).map((v, i) => ({ key: `d${i}`, value: v })));
      await expectEventually(() => expect(seen.size).toBe(300), 60_000);
      await second.stop();
    });

    it('resumes a group from its committed offset after all members stopped', async () => {
      const topic = unique('t');
      const groupId = unique('g');
      const seen: string[] = [];
      const first = await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void seen.push(m.value.toString()) });
      await bus.publish(topic, [{ key: 'k', value: 'one' }]);
      await expectEventually(() => expect(seen).toEqual(['one']), 20_000);
      await first.stop();
      await bus.publish(topic, [{ key: 'k', value: 'two' }]);
      const second = await bus.subscribe({ groupId, topics: [topic], handler: async (m) => void seen.push(m.value.toString()) });
      await expectEventually(() => expect(seen).toEqual(['one', 'two']), 20_000);
      await second.stop();
    });

    it('rejects a message without key or a bad topic name with a typed error', async () => {
      await expect(bus.publish('bad topic!', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({
        code: BusErrorCode.InvalidArgument,
      });
      await expect(bus.publish(unique('t'), [{ key: '', value: 'v' }])).rejects.toMatchObject({
        code: BusErrorCode.InvalidArgument,
      });
    });
  });
}
