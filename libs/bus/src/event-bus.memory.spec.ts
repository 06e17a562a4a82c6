import { expectEventually } from '@acs/testing';
import { InMemoryEventBus, partitionOf } from './event-bus.memory';
import type { DeliveredMessage } from './event-bus.port';
import { describeEventBusContract } from './testing/event-bus.contract';

describeEventBusContract('in-process', async () => new InMemoryEventBus());

describe('partitionOf', () => {
  it('is stable and spreads keys over all partitions', () => {
    expect(partitionOf('OUI-Class-SN1', 8)).toBe(partitionOf('OUI-Class-SN1', 8));
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`dev-${i}`, 8)));
    expect(used.size).toBe(8);
  });
});

describe('InMemoryEventBus localContext', () => {
  it('hands the publisher’s localContext to the consumer, and only to an in-process one', async () => {
    const bus = new InMemoryEventBus(2);
    const got: DeliveredMessage[] = [];
    const sub = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (m) => {
        got.push(m);
      },
    });
    const local = { span: 'the publisher’s' };
    await bus.publish('t', [
      { key: 'a', value: '1', localContext: local },
      { key: 'b', value: '2' },
    ]);
    await expectEventually(() => expect(got).toHaveLength(2));
    expect(got.find((m) => m.key === 'a')?.localContext).toBe(local);
    expect(got.find((m) => m.key === 'b')).not.toHaveProperty('localContext');
    await sub.stop();
    await bus.close();
  });
});
