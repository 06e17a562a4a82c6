import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  METRICS,
  allPrometheusSeriesNames,
  cwmpEventCodeLabel,
  cwmpFaultCodeLabel,
  initTelemetry,
  missingFromScrape,
  prometheusLabel,
  prometheusName,
  prometheusSeriesNames,
  type AcsMetrics,
  type TelemetryHandle,
} from './index';

async function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** One measurement on every instrument, with every label of its label set. */
function recordEverything(m: AcsMetrics): void {
  m.sessionsStarted.add(1);
  m.sessionsCompleted.add(1);
  m.sessionsFailed.add(1, { reason: 'timeout' });
  m.sessionsActive.add(1);
  m.sessionDuration.record(1.5, { outcome: 'completed' });
  m.rpcDuration.record(0.2, { 'rpc.method': 'GetParameterValues', outcome: 'ok' });
  m.informs.add(1, { event_code: cwmpEventCodeLabel('1 BOOT') });
  m.faults.add(1, { fault_code: cwmpFaultCodeLabel(9005), 'rpc.method': 'SetParameterValues' });
  m.connreqRequests.add(1, { method: 'http', outcome: 'accepted' });
  m.connreqDuration.record(0.05, { method: 'udp', outcome: 'timeout' });
  m.stunBindings.add(1, { outcome: 'changed' });
  m.busPublishDuration.record(0.004, {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'publish',
    'messaging.destination.name': 'acs.cwmp.informs',
    'error.type': 'BUS_UNAVAILABLE',
  });
  m.busProcessDuration.record(0.01, {
    'messaging.system': 'kafka',
    'messaging.destination.name': 'acs.cwmp.informs',
    'messaging.consumer.group.name': 'provisioning',
    'error.type': 'Error',
  });
  m.busConsumerLag.record(42, {
    'messaging.destination.name': 'acs.cwmp.informs',
    'messaging.consumer.group.name': 'provisioning',
    'messaging.destination.partition.id': '3',
  });
  m.dbOperationDuration.record(0.0007, {
    'db.system.name': 'redis',
    'db.operation.name': 'findById',
    'db.collection.name': 'devices',
    'error.type': 'timeout',
  });
  m.apiCallDuration.record(0.03, {
    'rpc.system.name': 'grpc',
    'rpc.method': 'acs.v1.Devices/Get',
    'rpc.status_code': 'OK',
  });
}

/** Label keys of the series `name` in a Prometheus text exposition. */
function labelsOf(text: string, series: string): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${series}{`) && !line.startsWith(`${series} `)) continue;
    const m = /\{(.*)\}/.exec(line);
    for (const pair of m?.[1]?.match(/([a-zA-Z_][a-zA-Z0-9_]*)="/g) ?? [])
      keys.add(pair.slice(0, -2));
  }
  return keys;
}

describe('metrics registry', () => {
  let telemetry: TelemetryHandle;
  let port: number;

  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 'metrics-test',
      serviceVersion: '1.2.3',
      podName: 'gw-0',
      enabled: true,
      metrics: { prometheus: { port: 0, host: '127.0.0.1' } },
    });
    port = telemetry.metricsAddress!.port;
    recordEverything(telemetry.metrics);
  });
  afterAll(() => telemetry.shutdown());

  it('exposes every instrument under its documented Prometheus name and type', async () => {
    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    for (const def of Object.values(METRICS)) {
      const family = prometheusName(def);
      const type = {
        counter: 'counter',
        updowncounter: 'gauge',
        gauge: 'gauge',
        histogram: 'histogram',
      }[def.kind];
      expect(body).toContain(`# TYPE ${family} ${type}\n`);
      expect(body).toContain(`# UNIT ${family} ${def.unit}\n`);
      for (const series of prometheusSeriesNames(def)) {
        expect(body).toMatch(new RegExp(`^${series}[{ ]`, 'm'));
      }
    }
  });

  it('labels every series with exactly its instrument label set (dots become underscores)', async () => {
    const { body } = await get(port, '/metrics');
    for (const def of Object.values(METRICS)) {
      const series = prometheusSeriesNames(def)[def.kind === 'histogram' ? 2 : 0]!;
      expect([...labelsOf(body, series)].sort()).toEqual(def.labels.map(prometheusLabel).sort());
    }
    expect(body).toMatch(/acs_cwmp_informs_total\{event_code="1 BOOT"\} 1/);
    expect(body).toMatch(
      /acs_cwmp_faults_total\{fault_code="9005",rpc_method="SetParameterValues"\} 1/,
    );
    expect(body).toMatch(/acs_cwmp_session_duration_bucket\{outcome="completed",le="2.5"\} 1/);
  });

  it('publishes service name, version and pod in target_info', async () => {
    const { body } = await get(port, '/metrics');
    const info = body.split('\n').find((l) => l.startsWith('target_info{')) ?? '';
    expect(info).toContain('service_name="metrics-test"');
    expect(info).toContain('service_version="1.2.3"');
    expect(info).toContain('k8s_pod_name="gw-0"');
    expect(info).toContain('service_instance_id="gw-0"');
  });

  it('serves the same exposition through the handler an app mounts on its own server', async () => {
    const app = createServer((req, res) => telemetry.metricsHandler(req, res));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      const res = await get((app.address() as AddressInfo).port, '/anything-the-app-routes');
      expect(res.status).toBe(200);
      expect(res.body).toContain('# TYPE acs_cwmp_sessions_started_total counter');
    } finally {
      await new Promise<void>((r) => app.close(() => r()));
    }
  });

  it('finds nothing missing in a complete scrape, and names what an incomplete one lacks', async () => {
    const { body } = await get(port, '/metrics');
    expect(missingFromScrape(body)).toEqual([]);
    const withoutInforms = body
      .split('\n')
      .filter((l) => !l.startsWith('acs_cwmp_informs_total'))
      .join('\n');
    expect(missingFromScrape(withoutInforms)).toEqual([
      'acs_cwmp_informs_total (acs.cwmp.informs) is missing',
    ]);
    const wrongLabel = body.replace(
      /acs_stun_bindings_total\{outcome=/,
      'acs_stun_bindings_total{result=',
    );
    expect(missingFromScrape(wrongLabel)).toEqual([
      'acs_stun_bindings_total has labels [result], expected [outcome]',
    ]);
  });

  it('answers 404 off /metrics and 405 to a POST', async () => {
    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/metrics', 'POST')).status).toBe(405);
  });

  it('names every histogram series and counter family the way the scrape does', async () => {
    const { body } = await get(port, '/metrics');
    const scraped = new Set(
      body
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
    );
    scraped.delete('target_info');
    expect([...scraped].sort()).toEqual([...allPrometheusSeriesNames()].sort());
  });
});

describe(cwmpEventCodeLabel.name, () => {
  it.each([
    ['1 BOOT', '1 BOOT'],
    [' 2 PERIODIC ', '2 PERIODIC'],
    ['M Download', 'M Download'],
    ['X 00D09E Foo', 'X'],
    ['99 NEW', 'other'],
  ])('maps %j to %j', (code, label) => {
    expect(cwmpEventCodeLabel(code)).toBe(label);
  });

  it('maps an oversized code to other', () => {
    expect(cwmpEventCodeLabel('a'.repeat(10_000))).toBe('other');
  });
});

describe(cwmpFaultCodeLabel.name, () => {
  it.each([
    [9005, '9005'],
    ['8002', '8002'],
    [9850, '9850'],
    [9100, 'other'],
    ['9005; DROP', 'other'],
    [Number.NaN, 'other'],
    [8000.5, 'other'],
  ])('maps %j to %j', (code, label) => {
    expect(cwmpFaultCodeLabel(code)).toBe(label);
  });
});
