import fc from 'fast-check';
import { metricsComparison } from './metrics.comparison.testing';
import { FastHistogram } from './metrics.fast-histogram';
import type { InstrumentDefinition } from './metrics.registry';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const definition = (name: string): InstrumentDefinition => ({
  name,
  kind: 'histogram',
  unit: 's',
  description: 'test histogram',
  labels: ['op', 'error.type'],
  buckets: BUCKETS,
});

/** An SDK histogram and a FastHistogram on one Prometheus reader, fed the same records. */
function pair() {
  const rig = metricsComparison();
  const sdk = rig.meter.createHistogram('cmp.sdk', {
    unit: 's',
    description: 'test histogram',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  const fast = rig.producer.create(definition('cmp.fast'));
  /** The Prometheus text of each, with the names made equal. */
  const texts = (): Promise<{ sdk: string; fast: string }> =>
    rig.families({ sdk: ['cmp_sdk', 'cmp'], fast: ['cmp_fast', 'cmp'] });
  return { sdk, fast, texts, shutdown: () => rig.shutdown() };
}

// A small pool of label sets, some frozen (the identity fast path), some fresh per record.
const LABELS = [
  Object.freeze({ op: 'getRecord' }),
  Object.freeze({ op: 'putRecord' }),
  Object.freeze({}),
  Object.freeze({ op: 'getRecord', 'error.type': 'Unavailable' }),
];
const labelsArb = fc.oneof(
  fc.constantFrom(...LABELS),
  fc.constantFrom(...LABELS).map((l) => ({ ...l })),
  fc.record({ op: fc.constantFrom('a', 'b', 'c'), 'error.type': fc.constantFrom('X', 'Y') }),
);
const valueArb = fc.oneof(
  fc.double({ min: 0, max: 20, noNaN: true }),
  fc.constantFrom(...BUCKETS, 0, 1e9, -1, NaN),
);

describe(FastHistogram.name, () => {
  it('reports exactly what the SDK histogram reports for the same records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(valueArb, labelsArb), { maxLength: 200 }),
        async (records) => {
          const p = pair();
          try {
            for (const [value, labels] of records) {
              p.sdk.record(value, labels);
              p.fast.record(value, labels);
            }
            const { sdk, fast } = await p.texts();
            expect(fast).toEqual(sdk);
          } finally {
            await p.shutdown();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('folds series beyond the cardinality limit into otel.metric.overflow, as the SDK does', async () => {
    const p = pair();
    for (let i = 0; i < 2100; i++) {
      p.sdk.record(0.01, { op: `op-${i}` });
      p.fast.record(0.01, { op: `op-${i}` });
    }
    const { sdk, fast } = await p.texts();
    expect(fast).toContain('otel_metric_overflow="true"');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('keeps a frozen label object and an equal fresh one in one series', async () => {
    const p = pair();
    const frozen = Object.freeze({ op: 'x' });
    p.fast.record(0.002, frozen);
    p.fast.record(0.2, { op: 'x' });
    const { fast } = await p.texts();
    expect(fast).toContain('cmp_count{op="x"} 2');
    expect(fast).toContain('cmp_bucket{op="x",le="0.0025"} 1');
    await p.shutdown();
  });

  it('reports nothing before the first record', async () => {
    const p = pair();
    expect((await p.texts()).fast).toBe('');
    await p.shutdown();
  });
});
