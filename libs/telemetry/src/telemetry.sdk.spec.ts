import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@acs/config';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  TelemetryError,
  TelemetryErrorCode,
  extractFromHeaders,
  initTelemetry,
  startSpan,
  telemetryConfigSchema,
  telemetryOptionsFromConfig,
  traceHeaders,
  withSpan,
} from './index';

const base = { serviceName: 'cwmp-gateway', serviceVersion: '1.4.0', enabled: true } as const;

describe(initTelemetry.name, () => {
  it('tags every span with service name, version and pod', async () => {
    const exporter = new InMemorySpanExporter();
    const t = await initTelemetry({ ...base, podName: 'gw-7f9c', spanExporter: exporter });
    try {
      startSpan('x').end();
      await t.forceFlush();
      const [span] = exporter.getFinishedSpans();
      expect(span!.resource.attributes).toMatchObject({
        'service.name': 'cwmp-gateway',
        'service.version': '1.4.0',
        'service.instance.id': 'gw-7f9c',
        'k8s.pod.name': 'gw-7f9c',
      });
      expect(span!.instrumentationScope.name).toBe('acs');
    } finally {
      await t.shutdown();
    }
  });

  it('refuses a second running instance, and starts again after shutdown', async () => {
    const first = await initTelemetry(base);
    await expect(initTelemetry(base)).rejects.toMatchObject({
      code: TelemetryErrorCode.AlreadyStarted,
    });
    await first.shutdown();
    await first.shutdown(); // idempotent
    const exporter = new InMemorySpanExporter();
    const second = await initTelemetry({ ...base, spanExporter: exporter });
    startSpan('after-restart').end();
    await second.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['after-restart']);
    await second.shutdown();
  });

  it('records no span without an exporter, but gives each its ids and the sampling decision', async () => {
    const t = await initTelemetry(base);
    try {
      await withSpan('parent', {}, async (parent) => {
        expect(parent.isRecording()).toBe(false);
        const header = traceHeaders()['traceparent'];
        // Sampled at ratio 1, as with an exporter: a downstream service that exports records.
        expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        expect(header).toContain(parent.spanContext().spanId);
        await withSpan('child', {}, (child) => {
          expect(child.isRecording()).toBe(false);
          expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
          expect(child.spanContext().spanId).not.toBe(parent.spanContext().spanId);
        });
      });
    } finally {
      await t.shutdown();
    }
    const unsampled = await initTelemetry({ ...base, samplerRatio: 0 });
    try {
      await withSpan('x', {}, () => {
        expect(traceHeaders()['traceparent']).toMatch(/-00$/);
      });
    } finally {
      await unsampled.shutdown();
    }
  });

  it('records without an exporter when asked to (recordWithoutExport)', async () => {
    const t = await initTelemetry({ ...base, recordWithoutExport: true });
    try {
      const span = startSpan('x');
      expect(span.isRecording()).toBe(true);
      span.end();
    } finally {
      await t.shutdown();
    }
  });

  it('samples no new trace at ratio 0 but still follows a sampled parent', async () => {
    const exporter = new InMemorySpanExporter();
    const t = await initTelemetry({ ...base, spanExporter: exporter, samplerRatio: 0 });
    startSpan('unsampled').end();
    const sampledParent = extractFromHeaders({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    startSpan('child of sampled', { parent: sampledParent }).end();
    await t.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child of sampled']);
    await t.shutdown();
  });

  it('is a no-op when disabled: nothing records, metrics answer 503', async () => {
    const t = await initTelemetry({
      ...base,
      enabled: false,
      metrics: { prometheus: { handler: true } },
    });
    const span = startSpan('x');
    expect(span.isRecording()).toBe(false);
    span.end();
    t.metrics.sessionsStarted.add(1);
    const server = createServer((req, res) => t.metricsHandler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    expect(res.status).toBe(503);
    await new Promise<void>((r) => server.close(() => r()));
    expect(t.metricsAddress).toBeUndefined();
    await t.shutdown();
  });

  it('is the disabled handle under OTEL_SDK_DISABLED=true: no span records, no header is written', async () => {
    process.env['OTEL_SDK_DISABLED'] = 'true';
    try {
      const exporter = new InMemorySpanExporter();
      const t = await initTelemetry({ ...base, spanExporter: exporter });
      expect(t.enabled).toBe(false);
      await withSpan('x', {}, () => {
        expect(traceHeaders()).toEqual({});
      });
      await t.forceFlush();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      await t.shutdown();
    } finally {
      delete process.env['OTEL_SDK_DISABLED'];
    }
  });

  it('records metrics but no span, context or trace header with tracing: false', async () => {
    const exporter = new InMemorySpanExporter();
    const t = await initTelemetry({
      ...base,
      tracing: false,
      spanExporter: exporter,
      metrics: { prometheus: { handler: true } },
    });
    try {
      await withSpan('x', {}, (span) => {
        expect(span.isRecording()).toBe(false);
        expect(traceHeaders()).toEqual({});
      });
      t.metrics.sessionsStarted.add(1);
      const server = createServer((req, res) => t.metricsHandler(req, res));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      await new Promise<void>((r) => server.close(() => r()));
      expect(await res.text()).toMatch(/^acs_cwmp_sessions_started_total\S* 1$/m);
      await t.forceFlush();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    } finally {
      await t.shutdown();
    }
  });

  it('fails with MetricsServerFailed on a port in use and leaves the process free to retry', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        initTelemetry({ ...base, metrics: { prometheus: { port, host: '127.0.0.1' } } }),
      ).rejects.toMatchObject({ code: TelemetryErrorCode.MetricsServerFailed });
      const retry = await initTelemetry({
        ...base,
        metrics: { prometheus: { port: 0, host: '127.0.0.1' } },
      });
      expect(retry.metricsAddress?.port).toBeGreaterThan(0);
      await retry.shutdown();
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it.each([
    [{ serviceName: ' ' }, 'serviceName'],
    [{ samplerRatio: 2 }, 'samplerRatio'],
    [{ metrics: { prometheus: { port: 70000 } } }, 'port'],
    [{ otlpEndpoint: 'tempo:4318' }, 'otlpEndpoint'],
  ])('rejects invalid options %j', async (bad, field) => {
    const run = initTelemetry({ ...base, ...bad });
    await expect(run).rejects.toBeInstanceOf(TelemetryError);
    await expect(run).rejects.toThrow(field);
  });
});

describe(telemetryOptionsFromConfig.name, () => {
  const app = { serviceName: 'provisioning', serviceVersion: '0.1.0' };

  it('turns the environment into options with defaults', () => {
    const options = telemetryOptionsFromConfig(loadConfig(telemetryConfigSchema, {}), app);
    expect(options).toEqual({
      serviceName: 'provisioning',
      serviceVersion: '0.1.0',
      enabled: true,
      samplerRatio: 1,
      metrics: { prometheus: { port: 9464, host: '0.0.0.0' } },
    });
  });

  it('honours every variable', () => {
    const config = loadConfig(telemetryConfigSchema, {
      OTEL_ENABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318',
      OTEL_SERVICE_NAME: 'prov-eu',
      OTEL_TRACES_SAMPLER_RATIO: '0.25',
      POD_NAME: 'prov-0',
      LOG_LEVEL: 'debug',
      METRICS_PORT: '0',
    });
    expect(config.LOG_LEVEL).toBe('debug');
    expect(telemetryOptionsFromConfig(config, app)).toEqual({
      serviceName: 'prov-eu',
      serviceVersion: '0.1.0',
      enabled: false,
      samplerRatio: 0.25,
      podName: 'prov-0',
      otlpEndpoint: 'http://tempo:4318',
      metrics: { prometheus: { handler: true } },
    });
  });

  it('lists every bad variable', () => {
    expect(() =>
      loadConfig(telemetryConfigSchema, {
        OTEL_ENABLED: 'yes',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x',
        LOG_LEVEL: 'loud',
        METRICS_PORT: '99999',
        OTEL_TRACES_SAMPLER_RATIO: '3',
      }),
    ).toThrow(
      /OTEL_ENABLED[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT[\s\S]*OTEL_TRACES_SAMPLER_RATIO[\s\S]*LOG_LEVEL[\s\S]*METRICS_PORT/,
    );
  });
});
