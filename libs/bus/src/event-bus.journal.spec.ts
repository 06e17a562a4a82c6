import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectEventually } from '@acs/testing';
import { SqliteBusJournal } from './bus-journal.sqlite';
import { InMemoryEventBus } from './event-bus.memory';
import type { DeliveredMessage } from './event-bus.port';
import { describeEventBusContract } from './testing/event-bus.contract';

const dir = mkdtempSync(path.join(tmpdir(), 'acs-bus-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const openBus = (file: string) => new InMemoryEventBus(1, new SqliteBusJournal(file));

describeEventBusContract('in-process with SQLite journal', async () =>
  openBus(path.join(dir, `c${files++}.db`)),
);

describe(SqliteBusJournal.name, () => {
  it('keeps published messages and committed offsets across a restart', async () => {
    const file = path.join(dir, 'restart.db');
    const first = openBus(file);
    const seen: string[] = [];
    const sub = await first.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (m) => void seen.push(m.value.toString()),
    });
    await first.publish('t', [{ key: 'k', value: 'one' }]);
    await expectEventually(() => expect(seen).toEqual(['one']));
    await sub.stop();
    // localContext is in-process only: it is not journaled.
    await first.publish('t', [
      { key: 'k', value: 'two', headers: { h: '1' }, localContext: { x: 1 } },
    ]);
    await first.close();

    const second = openBus(file);
    const after: DeliveredMessage[] = [];
    const sub2 = await second.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (m) => void after.push(m),
    });
    await expectEventually(() => expect(after).toHaveLength(1));
    expect(after[0]!.value.toString()).toBe('two');
    expect(after[0]!.headers).toEqual({ h: '1' });
    expect(after[0]).not.toHaveProperty('localContext');
    expect(after[0]!.offset).toBe('1');
    await second.publish('t', [{ key: 'k', value: 'three' }]);
    await expectEventually(() => expect(after.map((m) => m.offset)).toEqual(['1', '2']));
    await sub2.stop();
    await second.close();
  });

  it('restores topic partitioning so keys keep their partition', async () => {
    const file = path.join(dir, 'parts.db');
    const first = openBus(file);
    await first.ensureTopics([{ name: 'p', partitions: 4 }]);
    await first.publish('p', [{ key: 'dev-1', value: 'a' }]);
    await first.close();
    const second = openBus(file);
    const got: DeliveredMessage[] = [];
    await second.publish('p', [{ key: 'dev-1', value: 'b' }]);
    const sub = await second.subscribe({
      groupId: 'g',
      topics: ['p'],
      handler: async (m) => void got.push(m),
    });
    await expectEventually(() => expect(got).toHaveLength(2));
    expect(new Set(got.map((m) => m.partition)).size).toBe(1);
    await sub.stop();
    await second.close();
  });
});

describe('InMemoryEventBus retention', () => {
  it('drops the oldest messages beyond the retention of a partition, in memory and in the journal', async () => {
    const file = path.join(dir, 'retention.db');
    const bus = new InMemoryEventBus(1, new SqliteBusJournal(file), 5);
    for (let i = 0; i < 8; i++) await bus.publish('r', [{ key: 'k', value: `m${i}` }]);
    await bus.close();
    const reopened = new InMemoryEventBus(1, new SqliteBusJournal(file), 5);
    const got: string[] = [];
    const sub = await reopened.subscribe({
      groupId: 'late',
      topics: ['r'],
      handler: async (m) => void got.push(m.value.toString()),
    });
    await expectEventually(() => expect(got).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']));
    await sub.stop();
    await reopened.close();
  });
});
