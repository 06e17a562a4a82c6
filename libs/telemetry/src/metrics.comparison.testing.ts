import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Meter } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { FastHistogramProducer } from './metrics.fast-histogram';

/**
 * SDK instruments (on `meter`) and fast ones (from `producer`) on one Prometheus reader, so the
 * specs can feed both the same records and compare their Prometheus text.
 */
export interface MetricsComparison {
  readonly producer: FastHistogramProducer;
  readonly meter: Meter;
  /**
   * One collection's Prometheus text, per metric family: `{ key: [family, as] }` gives the lines
   * that mention `family`, with it renamed `as` (so an SDK and a fast family compare equal).
   */
  families<K extends string>(names: Record<K, readonly [string, string]>): Promise<Record<K, string>>;
  shutdown(): Promise<void>;
}

export function metricsComparison(): MetricsComparison {
  const producer = new FastHistogramProducer();
  const reader = new PrometheusExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    metricProducers: [producer],
  });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    producer,
    meter: provider.getMeter('acs'),
    families: async (names) => {
      const { resourceMetrics } = await reader.collect();
      const text = new PrometheusSerializer('', false, undefined, true, true).serialize(
        resourceMetrics,
      );
      const family = ([name, as]: readonly [string, string]): string =>
        text
          .split('\n')
          .filter((l) => l.includes(name))
          .join('\n')
          .replaceAll(name, as);
      return Object.fromEntries(
        Object.entries<readonly [string, string]>(names).map(([k, v]) => [k, family(v)]),
      ) as Record<keyof typeof names, string>;
    },
    shutdown: () => provider.shutdown(),
  };
}
