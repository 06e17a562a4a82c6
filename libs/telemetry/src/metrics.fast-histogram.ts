import { diag, type Attributes, type Histogram, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { FastCounter } from './metrics.fast-counter';
import { descriptorOf, NO_LABELS, SeriesTable, type SeriesBase } from './metrics.fast-series';
import type { InstrumentDefinition } from './metrics.registry';
import { INSTRUMENTATION_SCOPE } from './span.helpers';

// Histograms are most of the ACS's metric records on the session path (bus publish/process and
// every Redis call: ~7 to 12 per session). The SDK's synchronous histogram hashes the attribute
// object on every record (sort its keys, JSON.stringify them) to find the series — measured as
// most of sdk-metrics' share of the gateway's CPU with telemetry on (docs/benchmarks.md,
// "Telemetry cost"). The ACS's callers pass frozen label objects built once per label set, so a
// series can be found by object identity instead. Same aggregation as the SDK's explicit-bucket
// histogram (cumulative, upper-inclusive buckets, sum/count/min/max, NaN ignored, negatives
// refused, 2,000 series then `otel.metric.overflow`); collected into every reader through a
// MetricProducer. Equal Prometheus output for equal records: metrics.fast-histogram.spec.ts.
// Counters do the same (metrics.fast-counter.ts); the series lookup is metrics.fast-series.ts.

interface Series extends SeriesBase {
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** First bucket whose upper bound is >= value (buckets are upper-inclusive, as the SDK's). */
function bucketOf(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  let found = boundaries.length;
  while (hi >= lo) {
    const mid = (lo + hi) >> 1;
    if ((boundaries[mid] as number) < value) lo = mid + 1;
    else {
      found = mid;
      hi = mid - 1;
    }
  }
  return found;
}

export class FastHistogram implements Histogram<Attributes> {
  private readonly series: SeriesTable<Series>;
  private readonly boundaries: readonly number[];

  constructor(
    readonly definition: InstrumentDefinition,
    now: () => number = Date.now,
  ) {
    const boundaries = [...(definition.buckets ?? [])];
    this.boundaries = boundaries;
    this.series = new SeriesTable<Series>(
      (attributes, startTime) => ({
        attributes,
        startTime,
        counts: new Array<number>(boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
      }),
      now,
    );
  }

  record(value: number, attributes: Attributes = NO_LABELS): void {
    if (typeof value !== 'number') {
      diag.warn(`non-number value provided to metric ${this.definition.name}: ${String(value)}`);
      return;
    }
    if (value < 0) {
      diag.warn(`negative value provided to histogram ${this.definition.name}: ${value}`);
      return;
    }
    const series = this.series.get(attributes);
    if (Number.isNaN(value)) return;
    series.count += 1;
    series.sum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    (series.counts[bucketOf(this.boundaries, value)] as number) += 1;
  }

  /** Cumulative data points, one per series (what the SDK's reader would report). */
  collect(endTime: HrTime): HistogramMetricData | undefined {
    if (this.series.size === 0) return undefined;
    return {
      descriptor: descriptorOf(this.definition),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.series.values()].map((s) => ({
        startTime: s.startTime,
        endTime,
        attributes: s.attributes,
        value: {
          buckets: { boundaries: [...this.boundaries], counts: [...s.counts] },
          sum: s.sum,
          count: s.count,
          ...(s.count === 0 ? {} : { min: s.min, max: s.max }),
        },
      })),
    };
  }
}

/**
 * Hands the FastHistograms' and FastCounters' data to a MetricReader (`metricProducers`),
 * alongside the SDK's own instruments, in the `acs` scope.
 */
export class FastHistogramProducer implements MetricProducer {
  private readonly instruments: Array<{ collect(endTime: HrTime): MetricData | undefined }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  create(definition: InstrumentDefinition): FastHistogram {
    const h = new FastHistogram(definition, this.now);
    this.instruments.push(h);
    return h;
  }

  /** A Counter (`monotonic`) or an UpDownCounter, as the SDK's, collected with the histograms. */
  createCounter(definition: InstrumentDefinition, monotonic: boolean): FastCounter {
    const c = new FastCounter(definition, monotonic, this.now);
    this.instruments.push(c);
    return c;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(this.now());
    const metrics = this.instruments
      .map((i) => i.collect(endTime))
      .filter((m): m is MetricData => m !== undefined);
    return {
      resourceMetrics: {
        // The reader keeps the SDK producer's resource and takes only scopeMetrics from here.
        resource: resourceFromAttributes({}),
        scopeMetrics:
          metrics.length === 0 ? [] : [{ scope: { name: INSTRUMENTATION_SCOPE }, metrics }],
      },
      errors: [],
    };
  }
}
