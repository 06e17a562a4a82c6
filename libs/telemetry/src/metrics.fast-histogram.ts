import { ValueType, diag, type Attributes, type Histogram, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
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

/** The SDK's default cardinality limit per instrument (the last slot is the overflow series). */
const CARDINALITY_LIMIT = 2000;
const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const OVERFLOW_KEY = JSON.stringify([['otel.metric.overflow', true]]);

interface Series {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** The SDK's series key: the attributes' [key, value] pairs sorted by key, as JSON. */
function seriesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  return JSON.stringify(keys.map((k) => [k, attributes[k]]));
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
  // Frozen label objects (built once by the callers) → their series; bounded by the series count.
  private readonly byObject = new Map<Attributes, Series>();
  private readonly byKey = new Map<string, Series>();
  private readonly boundaries: readonly number[];

  constructor(
    readonly definition: InstrumentDefinition,
    private readonly now: () => number = Date.now,
  ) {
    this.boundaries = [...(definition.buckets ?? [])];
  }

  record(value: number, attributes: Attributes = {}): void {
    if (typeof value !== 'number') {
      diag.warn(`non-number value provided to metric ${this.definition.name}: ${String(value)}`);
      return;
    }
    if (value < 0) {
      diag.warn(`negative value provided to histogram ${this.definition.name}: ${value}`);
      return;
    }
    const series = this.byObject.get(attributes) ?? this.seriesOf(attributes);
    if (Number.isNaN(value)) return;
    series.count += 1;
    series.sum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    (series.counts[bucketOf(this.boundaries, value)] as number) += 1;
  }

  /** Cumulative data points, one per series (what the SDK's reader would report). */
  collect(endTime: HrTime): HistogramMetricData | undefined {
    if (this.byKey.size === 0) return undefined;
    return {
      descriptor: {
        name: this.definition.name,
        description: this.definition.description,
        unit: this.definition.unit,
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.byKey.values()].map((s) => ({
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

  private seriesOf(attributes: Attributes): Series {
    const key = seriesKey(attributes);
    let series = this.byKey.get(key);
    if (series === undefined) {
      if (this.byKey.size >= CARDINALITY_LIMIT - 1 && key !== OVERFLOW_KEY)
        return this.seriesOf(OVERFLOW);
      series = {
        attributes: { ...attributes },
        startTime: millisToHrTime(this.now()),
        counts: new Array<number>(this.boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
      };
      this.byKey.set(key, series);
    }
    // Only objects that cannot change may stand for their series; callers that build a fresh
    // object per record (error paths) pay the key computation, as with the SDK.
    if (Object.isFrozen(attributes) && this.byObject.size < CARDINALITY_LIMIT)
      this.byObject.set(attributes, series);
    return series;
  }
}

/**
 * Hands the FastHistograms' data to a MetricReader (`metricProducers`), alongside the SDK's own
 * instruments, in the `acs` scope.
 */
export class FastHistogramProducer implements MetricProducer {
  private readonly histograms: FastHistogram[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  create(definition: InstrumentDefinition): FastHistogram {
    const h = new FastHistogram(definition, this.now);
    this.histograms.push(h);
    return h;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(this.now());
    const metrics = this.histograms
      .map((h) => h.collect(endTime))
      .filter((m): m is HistogramMetricData => m !== undefined);
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
