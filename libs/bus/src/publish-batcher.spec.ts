import { PublishBatcher, type TopicBatch } from './publish-batcher';

describe(PublishBatcher.name, () => {
  it('sends calls made in the same tick as one request, grouped by topic', async () => {
    const sent: TopicBatch[][] = [];
    const batcher = new PublishBatcher(async (b) => void sent.push(b));
    await Promise.all([
      batcher.add('a', [{ key: '1', value: 'x' }]),
      batcher.add('b', [{ key: '2', value: 'y' }]),
      batcher.add('a', [{ key: '3', value: 'z' }]),
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((b) => [b.topic, b.messages.map((m) => m.key)])).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('rejects every caller whose messages were in a failed request', async () => {
    const batcher = new PublishBatcher(async () => {
      throw new Error('broker down');
    });
    const results = await Promise.allSettled([batcher.add('a', [{ key: '1', value: 'x' }]), batcher.add('a', [{ key: '2', value: 'y' }])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('does not resolve a caller before its request is acknowledged', async () => {
    let ack: () => void = () => undefined;
    const batcher = new PublishBatcher(() => new Promise<void>((r) => (ack = r)));
    let done = false;
    const p = batcher.add('a', [{ key: '1', value: 'x' }]).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    ack();
    await p;
    expect(done).toBe(true);
  });

  it('flushes early when the batch reaches its size cap', async () => {
    const sent: number[] = [];
    const batcher = new PublishBatcher(async (b) => void sent.push(b[0]!.messages.length), 0, 3);
    await Promise.all([1, 2, 3, 4].map((i) => batcher.add('a', [{ key: String(i), value: 'v' }])));
    expect(sent).toEqual([3, 1]);
  });
});
