import { InMemoryEventBus, partitionOf } from './event-bus.memory';
import { describeEventBusContract } from './testing/event-bus.contract';

describeEventBusContract('in-process', async () => new InMemoryEventBus());

describe('partitionOf', () => {
  it('is stable and spreads keys over all partitions', () => {
    expect(partitionOf('OUI-Class-SN1', 8)).toBe(partitionOf('OUI-Class-SN1', 8));
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`dev-${i}`, 8)));
    expect(used.size).toBe(8);
  });
});
