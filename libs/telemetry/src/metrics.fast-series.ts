import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { MetricDescriptor } from '@opentelemetry/sdk-metrics';
import type { InstrumentDefinition } from './metrics.registry';

// The series lookup shared by FastHistogram and FastCounter: a series is found by the identity of
// a frozen label object (built once by the callers), else by the SDK's series key, with the SDK's
// cardinality limit. See metrics.fast-histogram.ts for why.

/** The SDK's default cardinality limit per instrument (the last slot is the overflow series). */
const CARDINALITY_LIMIT = 2000;
const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });
/** The label set of a record without attributes: one frozen object, found by identity. */
export const NO_LABELS: Attributes = Object.freeze({});
const OVERFLOW_KEY = JSON.stringify([['otel.metric.overflow', true]]);

/** The SDK's series key: the attributes' [key, value] pairs sorted by key, as JSON. */
function seriesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  return JSON.stringify(keys.map((k) => [k, attributes[k]]));
}

/** The descriptor the SDK reports for an instrument created with `options(definition)`. */
export function descriptorOf(definition: InstrumentDefinition): MetricDescriptor {
  return {
    name: definition.name,
    description: definition.description,
    unit: definition.unit,
    valueType: ValueType.DOUBLE,
  };
}

export interface SeriesBase {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
}

/** One instrument's series, at most CARDINALITY_LIMIT of them, in order of creation. */
export class SeriesTable<S extends SeriesBase> {
  // Frozen label objects → their series; bounded by the series count.
  private readonly byObject = new Map<Attributes, S>();
  private readonly byKey = new Map<string, S>();

  constructor(
    /** A new series (no records yet) for a copy of the label set and its start time. */
    private readonly create: (attributes: Attributes, startTime: HrTime) => S,
    private readonly now: () => number,
  ) {}

  /** The series of `attributes`, created on first use (or the overflow series past the limit). */
  get(attributes: Attributes): S {
    return this.byObject.get(attributes) ?? this.seriesOf(attributes);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<S> {
    return this.byKey.values();
  }

  private seriesOf(attributes: Attributes): S {
    const key = seriesKey(attributes);
    let series = this.byKey.get(key);
    if (series === undefined) {
      if (this.byKey.size >= CARDINALITY_LIMIT - 1 && key !== OVERFLOW_KEY)
        return this.seriesOf(OVERFLOW);
      series = this.create({ ...attributes }, millisToHrTime(this.now()));
      this.byKey.set(key, series);
    }
    // Only objects that cannot change may stand for their series; callers that build a fresh
    // object per record (error paths) pay the key computation, as with the SDK.
    if (Object.isFrozen(attributes) && this.byObject.size < CARDINALITY_LIMIT)
      this.byObject.set(attributes, series);
    return series;
  }
}
