import { diag, DiagLogLevel, type Attributes, type DiagLogger } from '@opentelemetry/api';
import { DataPointType, MeterProvider, type SumMetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { metricsComparison } from './metrics.comparison.testing';
import { FastCounter } from './metrics.fast-counter';
import { FastHistogramProducer } from './metrics.fast-histogram';
import { createMetrics, METRICS, type InstrumentDefinition } from './metrics.registry';

const definition = (name: string, monotonic: boolean): InstrumentDefinition => ({
  name,
  kind: monotonic ? 'counter' : 'updowncounter',
  unit: '{session}',
  description: 'test counter',
  labels: ['op', 'error.type'],
});

/**
 * An SDK Counter and UpDownCounter and their FastCounters on one Prometheus reader, fed the same
 * records.
 */
function pair() {
  const rig = metricsComparison();
  const options = { unit: '{session}', description: 'test counter' };
  const sdk = {
    counter: rig.meter.createCounter('cmp.sdk', options),
    upDown: rig.meter.createUpDownCounter('upd.sdk', options),
  };
  const fast = {
    counter: rig.producer.createCounter(definition('cmp.fast', true), true),
    upDown: rig.producer.createCounter(definition('upd.fast', false), false),
  };
  /** The Prometheus text of each, with the names made equal. */
  const texts = async () => {
    const t = await rig.families({
      sdkCounter: ['cmp_sdk', 'cmp'],
      sdkUpDown: ['upd_sdk', 'upd'],
      fastCounter: ['cmp_fast', 'cmp'],
      fastUpDown: ['upd_fast', 'upd'],
    });
    return {
      sdk: { counter: t.sdkCounter, upDown: t.sdkUpDown },
      fast: { counter: t.fastCounter, upDown: t.fastUpDown },
    };
  };
  return { sdk, fast, producer: rig.producer, texts, shutdown: () => rig.shutdown() };
}

/** Runs `fn` with diag warnings captured. */
function withWarnings(fn: () => void): string[] {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: () => undefined,
    warn: (message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    fn();
  } finally {
    diag.disable();
  }
  return warnings;
}

// A small pool of label sets, some frozen (the identity fast path), some fresh per record.
const LABELS: readonly Attributes[] = [
  Object.freeze({ op: 'getRecord' }),
  Object.freeze({ op: 'putRecord' }),
  Object.freeze({}),
  Object.freeze({ op: 'getRecord', 'error.type': 'Unavailable' }),
  Object.freeze({ 'otel.metric.overflow': true }),
  Object.freeze({ op: 1 }),
];
/** Record with the run's one mutable label object, after setting its `op` to this value. */
class Mutate {
  constructor(readonly op: string) {}
}
const labelsArb: fc.Arbitrary<Attributes | Mutate | undefined> = fc.oneof(
  fc.constantFrom('a', 'b', 'getRecord').map((op) => new Mutate(op)),
  fc.constantFrom(...LABELS),
  fc.constantFrom(...LABELS).map((l) => ({ ...l })),
  fc.record({ op: fc.constantFrom('a', 'b', 'c'), 'error.type': fc.constantFrom('X', 'Y') }),
  fc.nat({ max: 2100 }).map((i) => ({ op: `op-${i}` })),
  fc.constant(undefined),
);
// Numbers of every sign, NaN and infinities, and what a JS caller might pass instead of a number.
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 10 }),
  fc.double({ min: -20, max: 20, noNaN: true }),
  fc.constantFrom(0, -0, 1e9, NaN, Infinity, -Infinity),
  fc.constantFrom('3', '-2', null, undefined, true, {}, 5n),
);

describe(FastCounter.name, () => {
  it('reports exactly what the SDK Counter and UpDownCounter report for the same records', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Distinct label sets recorded first, often around the cardinality limit (2,000).
        fc.oneof(fc.constant(0), fc.integer({ min: 1990, max: 2010 })),
        fc.array(fc.tuple(valueArb, labelsArb), { maxLength: 200 }),
        async (prefill, records) => {
          const p = pair();
          try {
            for (let i = 0; i < prefill; i++) {
              const labels = i % 2 === 0 ? Object.freeze({ op: `op-${i}` }) : { op: `op-${i}` };
              for (const c of [p.sdk.counter, p.sdk.upDown, p.fast.counter, p.fast.upDown])
                c.add(1, labels);
            }
            const mutable: Attributes = {};
            withWarnings(() => {
              for (const [value, labels] of records) {
                if (labels instanceof Mutate) mutable['op'] = labels.op;
                // The SDK keeps the first object of a series as its labels (a later change to
                // it would relabel the series), so it gets a snapshot; the FastCounters get the
                // object itself and must count it into the series of its current labels.
                const sdkLabels = labels instanceof Mutate ? { ...mutable } : labels;
                const fastLabels = labels instanceof Mutate ? mutable : labels;
                for (const c of [p.sdk.counter, p.sdk.upDown]) c.add(value as number, sdkLabels);
                for (const c of [p.fast.counter, p.fast.upDown]) c.add(value as number, fastLabels);
              }
            });
            const { sdk, fast } = await p.texts();
            expect(fast).toEqual(sdk);
          } finally {
            await p.shutdown();
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ignores a negative value on a Counter with a warning, as the SDK does', async () => {
    const p = pair();
    const warnings = withWarnings(() => {
      for (const c of [p.sdk.counter, p.fast.counter]) {
        c.add(2, { op: 'x' });
        c.add(-1, { op: 'x' });
        c.add(-1, { op: 'y' });
      }
    });
    expect(warnings).toEqual([
      'negative value provided to counter cmp.sdk: -1',
      'negative value provided to counter cmp.sdk: -1',
      'negative value provided to counter cmp.fast: -1',
      'negative value provided to counter cmp.fast: -1',
    ]);
    const { sdk, fast } = await p.texts();
    expect(fast.counter).toContain('cmp_total{op="x"} 2');
    expect(fast.counter).not.toContain('op="y"');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('adds a negative value on an UpDownCounter', async () => {
    const p = pair();
    const warnings = withWarnings(() => {
      p.fast.upDown.add(1);
      p.fast.upDown.add(1);
      p.fast.upDown.add(-3);
    });
    expect(warnings).toEqual([]);
    const { fast } = await p.texts();
    expect(fast.upDown).toContain('# TYPE upd gauge');
    expect(fast.upDown).toContain('upd -1');
    await p.shutdown();
  });

  it('warns about and ignores a non-number value, as the SDK does', async () => {
    const p = pair();
    const warnings = withWarnings(() => {
      for (const c of [p.sdk.upDown, p.fast.upDown]) c.add('3' as unknown as number);
    });
    expect(warnings).toEqual([
      'non-number value provided to metric upd.sdk: 3',
      'non-number value provided to metric upd.fast: 3',
    ]);
    const { sdk, fast } = await p.texts();
    expect(fast.upDown).toBe('');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('adds NaN, so the series reports NaN from then on, as the SDK does', async () => {
    const p = pair();
    for (const c of [p.sdk.counter, p.fast.counter]) {
      c.add(1, { op: 'x' });
      c.add(NaN, { op: 'x' });
      c.add(1, { op: 'x' });
    }
    const { sdk, fast } = await p.texts();
    expect(fast.counter).toContain('cmp_total{op="x"} NaN');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('folds series beyond the cardinality limit into otel.metric.overflow, as the SDK does', async () => {
    const p = pair();
    for (let i = 0; i < 2100; i++) {
      for (const c of [p.sdk.counter, p.fast.counter]) c.add(1, { op: `op-${i}` });
    }
    const { sdk, fast } = await p.texts();
    expect(fast.counter).toContain('cmp_total{otel_metric_overflow="true"} 101');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('keeps a frozen label object and an equal fresh one in one series', async () => {
    const p = pair();
    const frozen = Object.freeze({ op: 'x' });
    p.fast.counter.add(1, frozen);
    p.fast.counter.add(2, { op: 'x' });
    p.fast.counter.add(4, frozen);
    const { fast } = await p.texts();
    expect(fast.counter).toBe(
      ['# HELP cmp_total test counter', '# UNIT cmp_total {session}', '# TYPE cmp_total counter']
        .concat('cmp_total{op="x"} 7')
        .join('\n'),
    );
    await p.shutdown();
  });

  it('stays cumulative across collections', async () => {
    const p = pair();
    for (const c of [p.sdk.counter, p.fast.counter]) c.add(3, { op: 'x' });
    expect((await p.texts()).fast.counter).toContain('cmp_total{op="x"} 3');
    for (const c of [p.sdk.counter, p.fast.counter]) c.add(4, { op: 'x' });
    const { sdk, fast } = await p.texts();
    expect(fast.counter).toContain('cmp_total{op="x"} 7');
    expect(fast).toEqual(sdk);
    await p.shutdown();
  });

  it('collects SUM data: monotonic for a Counter, not for an UpDownCounter, DOUBLE values', async () => {
    const now = 1_700_000_000_000;
    const counter = new FastCounter(definition('c', true), true, () => now);
    const upDown = new FastCounter(definition('u', false), false, () => now);
    counter.add(1);
    upDown.add(-1);
    const end: [number, number] = [1_700_000_001, 0];
    const c = counter.collect(end) as SumMetricData;
    const u = upDown.collect(end) as SumMetricData;
    expect(c).toMatchObject({
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      descriptor: { name: 'c', unit: '{session}', valueType: 1 },
      aggregationTemporality: 1,
      dataPoints: [{ startTime: [1_700_000_000, 0], endTime: end, value: 1, attributes: {} }],
    });
    expect(u).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: false });
    expect(u.dataPoints[0]?.value).toBe(-1);
  });

  it('reports nothing before the first record', async () => {
    const p = pair();
    expect((await p.texts()).fast).toEqual({ counter: '', upDown: '' });
    await p.shutdown();
  });
});

describe('createMetrics with a producer', () => {
  it('takes the counters and the up-down counter from it, the SDK instruments without', () => {
    const producer = new FastHistogramProducer();
    const meter = new MeterProvider().getMeter('acs');
    const fast = createMetrics(meter, producer);
    expect(fast.sessionsStarted).toBeInstanceOf(FastCounter);
    expect(fast.informs).toMatchObject({ monotonic: true, definition: METRICS.informs });
    expect(fast.sessionsActive).toMatchObject({
      monotonic: false,
      definition: METRICS.sessionsActive,
    });
    const plain = createMetrics(meter);
    expect(plain.sessionsStarted).not.toBeInstanceOf(FastCounter);
    expect(plain.sessionsActive).not.toBeInstanceOf(FastCounter);
  });
});
