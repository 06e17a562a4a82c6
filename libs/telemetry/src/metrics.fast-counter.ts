import {
  diag,
  type Attributes,
  type Counter,
  type HrTime,
  type UpDownCounter,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { descriptorOf, NO_LABELS, SeriesTable, type SeriesBase } from './metrics.fast-series';
import type { InstrumentDefinition } from './metrics.registry';

// The session counters (sessions started/completed/active, informs, faults…) recorded through the
// SDK's synchronous Counter hash their attribute object on every add, as its histogram does
// (metrics.fast-histogram.ts). FastCounter finds the series by identity of the callers' frozen
// label objects instead, with the SDK's semantics for a Counter (`monotonic`) or an UpDownCounter
// created with the registry's options (no valueType, so DOUBLE): non-numbers warned and ignored,
// a Counter warns about and ignores negative values, NaN is added (the series then reports NaN,
// as the SDK's sum does), cumulative temporality, 2,000 series then `otel.metric.overflow`.
// Equal Prometheus output for equal records: metrics.fast-counter.spec.ts.

interface Series extends SeriesBase {
  value: number;
}

export class FastCounter implements Counter<Attributes>, UpDownCounter<Attributes> {
  private readonly series: SeriesTable<Series>;

  constructor(
    readonly definition: InstrumentDefinition,
    /** A Counter (negative values refused) rather than an UpDownCounter. */
    readonly monotonic: boolean,
    now: () => number = Date.now,
  ) {
    this.series = new SeriesTable<Series>(
      (attributes, startTime) => ({ attributes, startTime, value: 0 }),
      now,
    );
  }

  add(value: number, attributes: Attributes = NO_LABELS): void {
    if (typeof value !== 'number') {
      diag.warn(`non-number value provided to metric ${this.definition.name}: ${String(value)}`);
      return;
    }
    if (this.monotonic && value < 0) {
      diag.warn(`negative value provided to counter ${this.definition.name}: ${value}`);
      return;
    }
    this.series.get(attributes).value += value;
  }

  /** Cumulative data points, one per series (what the SDK's reader would report). */
  collect(endTime: HrTime): SumMetricData | undefined {
    if (this.series.size === 0) return undefined;
    return {
      descriptor: descriptorOf(this.definition),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: this.monotonic,
      dataPoints: [...this.series.values()].map((s) => ({
        startTime: s.startTime,
        endTime,
        attributes: s.attributes,
        value: s.value,
      })),
    };
  }
}
