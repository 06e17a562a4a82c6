import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, allPrometheusSeriesNames, prometheusSeriesNames } from './index';

// Checks deploy/grafana/*.json: the Grafana dashboard fields provisioning needs, datasource
// variables (Prometheus + Tempo), a trace link on every panel, and that every metric a PromQL
// query names is one the apps register (by its Prometheus name, see prometheusName).

const DIR = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const PANEL_TYPES = new Set([
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'heatmap',
  'text',
  'row',
]);
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);
// Series every Prometheus has besides the registry: the resource metric and scrape health.
const BUILTIN_SERIES = new Set(['target_info', 'up']);

interface Target {
  refId?: unknown;
  expr?: unknown;
  datasource?: { type?: unknown; uid?: unknown };
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { x?: unknown; y?: unknown; w?: unknown; h?: unknown };
  datasource?: { type?: unknown; uid?: unknown };
  targets?: Target[];
  links?: { url?: unknown }[];
  fieldConfig?: { defaults?: { links?: { url?: unknown }[] } };
  panels?: Panel[];
}
interface Dashboard {
  uid?: unknown;
  title?: unknown;
  schemaVersion?: unknown;
  panels?: Panel[];
  templating?: { list?: { name?: unknown; type?: unknown; query?: unknown }[] };
}

/** Metric names a PromQL expression selects: identifiers outside strings, label matchers, ranges and grouping clauses, not called as functions. */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice((m.index ?? 0) + word.length).trimStart();
    const before = stripped[(m.index ?? 0) - 1] ?? '';
    if (after.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase()) || /[0-9.]/.test(before))
      continue;
    names.push(word);
  }
  return names;
}

function flatten(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...flatten(p.panels ?? [])]);
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const dashboards = files.map(
  (f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Dashboard] as const,
);

describe('Grafana dashboards', () => {
  it('has the five issue-9 dashboards', () => {
    expect(files.sort()).toEqual([
      'api.json',
      'connection-requests.json',
      'fleet-overview.json',
      'provisioning-bus.json',
      'session-health.json',
    ]);
  });

  it('gives every dashboard a unique uid', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(dashboards)('%s', (_file, d) => {
    const panels = flatten(d.panels ?? []);
    const queryPanels = panels.filter((p) => p.type !== 'row' && p.type !== 'text');

    it('has the top-level Grafana fields', () => {
      expect(typeof d.title).toBe('string');
      expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(Number.isInteger(d.schemaVersion)).toBe(true);
      expect(d.schemaVersion as number).toBeGreaterThanOrEqual(36);
      expect(queryPanels.length).toBeGreaterThan(0);
    });

    it('declares Prometheus and Tempo datasource variables', () => {
      const vars = d.templating?.list ?? [];
      expect(vars).toContainEqual(
        expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
      );
      expect(vars).toContainEqual(
        expect.objectContaining({ name: 'tempo', type: 'datasource', query: 'tempo' }),
      );
    });

    it('gives every panel a unique id, a known type and a grid position inside 24 columns', () => {
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        expect(Number.isInteger(p.id)).toBe(true);
        expect(PANEL_TYPES.has(p.type as string)).toBe(true);
        const g = p.gridPos ?? {};
        for (const k of ['x', 'y', 'w', 'h'] as const) expect(Number.isInteger(g[k])).toBe(true);
        expect((g.x as number) + (g.w as number)).toBeLessThanOrEqual(24);
        expect(g.h as number).toBeGreaterThan(0);
      }
    });

    it('queries the Prometheus datasource variable from every panel and target', () => {
      for (const p of queryPanels) {
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets?.length ?? 0).toBeGreaterThan(0);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const t of p.targets ?? []) {
          expect(typeof t.refId).toBe('string');
          expect(typeof t.expr).toBe('string');
          expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        }
      }
    });

    it('links every panel to its traces in Tempo', () => {
      for (const p of queryPanels) {
        const urls = [...(p.links ?? []), ...(p.fieldConfig?.defaults?.links ?? [])].map(
          (l) => l.url,
        );
        expect(
          urls.some(
            (u) => typeof u === 'string' && u.startsWith('/explore?') && u.includes('${tempo}'),
          ),
        ).toBe(true);
      }
    });

    it('queries only metrics the apps register', () => {
      const known = allPrometheusSeriesNames();
      for (const p of queryPanels) {
        for (const t of p.targets ?? []) {
          const names = promqlMetricNames(t.expr as string);
          expect(names.length).toBeGreaterThan(0);
          for (const n of names) {
            if (!BUILTIN_SERIES.has(n))
              expect({ panel: p.title, metric: n, known: known.has(n) }).toEqual({
                panel: p.title,
                metric: n,
                known: true,
              });
          }
        }
      }
    });
  });

  it('shows every registered instrument on some dashboard', () => {
    const used = new Set(
      dashboards.flatMap(([, d]) =>
        flatten(d.panels ?? []).flatMap((p) =>
          (p.targets ?? []).flatMap((t) => promqlMetricNames(String(t.expr))),
        ),
      ),
    );
    const unused = Object.values(METRICS).filter(
      (def) => !prometheusSeriesNames(def).some((n) => used.has(n)),
    );
    expect(unused.map((d) => d.name)).toEqual([]);
  });
});

describe(promqlMetricNames.name, () => {
  it.each([
    [
      'sum(rate(acs_cwmp_informs_total{job=~"$job"}[$__rate_interval]))',
      ['acs_cwmp_informs_total'],
    ],
    [
      'histogram_quantile(0.95, sum by (le, rpc_method) (rate(acs_cwmp_rpc_duration_bucket{a="b{c}"}[5m])))',
      ['acs_cwmp_rpc_duration_bucket'],
    ],
    ['a_total / on(instance) group_left(x) b_total > bool 1e-9', ['a_total', 'b_total']],
    ['sum without (pod) (up) offset 5m', ['up']],
  ])('finds the metrics of %s', (expr, names) => {
    expect(promqlMetricNames(expr)).toEqual(names);
  });

  it('finds a metric the registry does not know', () => {
    const known = allPrometheusSeriesNames();
    expect(
      promqlMetricNames('rate(acs_cwmp_sessions_started{job="x"}[1m])').filter(
        (n) => !known.has(n),
      ),
    ).toEqual(['acs_cwmp_sessions_started']);
  });
});
