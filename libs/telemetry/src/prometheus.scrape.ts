import {
  METRICS,
  prometheusLabel,
  prometheusSeriesNames,
  type InstrumentDefinition,
} from './metrics.registry';

/** Series name → the label keys seen on it, from a Prometheus text exposition. */
export type ScrapedSeries = ReadonlyMap<string, ReadonlySet<string>>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/;
const LABEL_KEY = /([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g;

/** Parses the sample lines of a text exposition (comments skipped). */
export function parsePrometheusText(body: string): ScrapedSeries {
  const series = new Map<string, Set<string>>();
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const name = m[1] as string;
    let keys = series.get(name);
    if (keys === undefined) series.set(name, (keys = new Set()));
    for (const k of (m[3] ?? '').matchAll(LABEL_KEY)) keys.add(k[1] as string);
  }
  return series;
}

/**
 * What an app's /metrics lacks: for each instrument in `defs` (default: all), its series must be
 * present, and (ignoring `le` and optional `error.type`/`db.collection.name`) carry exactly the
 * instrument's labels. Returns human-readable problems; empty means complete. For the "scrape
 * every app after a session" acceptance test.
 */
export function missingFromScrape(
  body: string,
  defs: readonly InstrumentDefinition[] = Object.values(METRICS),
): string[] {
  const scraped = parsePrometheusText(body);
  const optional = new Set([
    'le',
    prometheusLabel('error.type'),
    prometheusLabel('db.collection.name'),
  ]);
  const problems: string[] = [];
  for (const def of defs) {
    const expected = def.labels.map(prometheusLabel).filter((l) => !optional.has(l));
    for (const series of prometheusSeriesNames(def)) {
      const keys = scraped.get(series);
      if (keys === undefined) {
        problems.push(`${series} (${def.name}) is missing`);
        continue;
      }
      const seen = [...keys].filter((k) => !optional.has(k)).sort();
      if (seen.join(',') !== [...expected].sort().join(','))
        problems.push(
          `${series} has labels [${seen.join(', ')}], expected [${expected.join(', ')}]`,
        );
    }
  }
  return problems;
}
