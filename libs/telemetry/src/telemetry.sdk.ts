import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  createNoopMeter,
  diag,
  logs,
  metrics,
  propagation,
  trace,
  type Meter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getBooleanFromEnv, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  detectResources,
  hostDetector,
  osDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider as SdkTracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { FastHistogramProducer } from './metrics.fast-histogram';
import { createMetrics, type AcsMetrics } from './metrics.registry';
import { MetricsServer, type MetricsAddress } from './metrics.server';
import { createOtlpTraceExporter } from './otlp.trace-exporter';
import { RedactingSpanProcessor } from './redacting.span-processor';
import { INSTRUMENTATION_SCOPE } from './span.helpers';
import type { OtlpProtocol, TelemetryConfig } from './telemetry.config';
import { TelemetryError, TelemetryErrorCode } from './telemetry.error';
import { setTracingActive } from './telemetry.state';
import { AcsTracerProvider } from './tracer.provider';

/** Serve /metrics from a server of its own (`port` 0 = ephemeral, for tests). */
export interface PrometheusServerOptions {
  readonly port: number;
  /** Default 0.0.0.0 (scraped from other pods); tests use 127.0.0.1. */
  readonly host?: string;
}
/** Serve /metrics through `handle.metricsHandler`, mounted by the app on its own node:http server. */
export interface PrometheusHandlerOptions {
  readonly handler: true;
}

export interface TelemetryOptions {
  /** `service.name`: `cwmp-gateway`, `provisioning`, `connection-request`, `stun`, `nbi`, `acs`… */
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Kubernetes pod name: `k8s.pod.name` and `service.instance.id` (else a random UUID). */
  readonly podName?: string;
  /** OTLP/HTTP collector base URL; spans are sent to `<url>/v1/traces` in batches. */
  readonly otlpEndpoint?: string;
  /** OTLP/HTTP body encoding. Default `http/protobuf` (the OTel default; the cheaper one to encode). */
  readonly otlpProtocol?: OtlpProtocol;
  /** false: nothing is started; the API's no-op tracer and meter are used. */
  readonly enabled: boolean;
  /** Export spans here synchronously (tests: InMemorySpanExporter from @opentelemetry/sdk-trace). */
  readonly spanExporter?: SpanExporter;
  /** Share of new traces sampled (parent-based). Default 1. */
  readonly samplerRatio?: number;
  /**
   * With neither `spanExporter` nor `otlpEndpoint` there is nowhere to send spans, so none is
   * recorded: spans still get ids and the sampling decision, and trace context propagates as
   * usual (logs keep their trace and span ids). true records them anyway (benchmarks measure
   * recording alone this way). The SDK's provider (`tracerProvider: 'sdk'`) always records.
   */
  readonly recordWithoutExport?: boolean;
  /**
   * Which tracer provider records spans: `acs` (default, AcsTracerProvider: the SDK's semantics at
   * a fraction of its cost per span) or `sdk` (the SDK's own TracerProvider; kept so benchmarks
   * can compare the two in one run). Both feed the same processors and exporters.
   */
  readonly tracerProvider?: 'acs' | 'sdk';
  /**
   * false: metrics only — no tracer provider, context manager or propagator is registered, so
   * spans, context and trace headers are the API's no-ops, as with telemetry off. Default true.
   * Benchmarks use it to split what telemetry costs into metrics and tracing.
   */
  readonly tracing?: boolean;
  readonly metrics?: {
    readonly prometheus?: PrometheusServerOptions | PrometheusHandlerOptions;
  };
}

export interface TelemetryHandle {
  readonly enabled: boolean;
  /** The `acs` meter (no-op when disabled or when no metrics were configured). */
  readonly meter: Meter;
  /** Every ACS instrument, typed (see METRICS). */
  readonly metrics: AcsMetrics;
  /** Where the own scrape server listens, when `metrics.prometheus` had a port. */
  readonly metricsAddress: MetricsAddress | undefined;
  /**
   * Prometheus text exposition of the current metrics, for an app to mount at GET /metrics on its
   * own server. 404 when no Prometheus exporter is configured, 503 when telemetry is off.
   */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Registers `hook` to run before every scrape (sampling counters kept elsewhere, consumer lag
   * queries). Hooks run together, bounded by {@link COLLECT_HOOK_TIMEOUT_MS}; a failing or slow
   * hook only leaves its instruments at their previous values. Returns the unregister function.
   */
  addCollectHook(hook: CollectHook): () => void;
  /** Exports buffered spans now. */
  forceFlush(): Promise<void>;
  /**
   * Flushes (at most ~5 s when the collector is unreachable; lost spans are reported through OTel
   * diag, never thrown), stops the scrape server, unregisters the SDK from the OTel API. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Work done before a scrape; see TelemetryHandle.addCollectHook. */
export type CollectHook = () => void | Promise<void>;
/** A scrape waits at most this long for the collect hooks. */
export const COLLECT_HOOK_TIMEOUT_MS = 2_000;

/** Runs every hook, never rejects, waits at most COLLECT_HOOK_TIMEOUT_MS. */
async function runHooks(hooks: ReadonlySet<CollectHook>): Promise<void> {
  if (hooks.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, COLLECT_HOOK_TIMEOUT_MS);
  });
  const all = Promise.allSettled([...hooks].map(async (h) => h()));
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}

let running = false;
let current: TelemetryHandle | undefined;
let disabled: TelemetryHandle | undefined;

/**
 * The handle `initTelemetry` started in this process, or a disabled one (no-op instruments) when
 * none runs. App runtimes take their instruments from here, so a test or `main` starts telemetry
 * once and every runtime created afterwards records into it (the OTel API is process-global too).
 */
export function currentTelemetry(): TelemetryHandle {
  return current ?? (disabled ??= disabledHandle());
}

function validate(o: TelemetryOptions): void {
  const bad = (why: string): never => {
    throw new TelemetryError(TelemetryErrorCode.InvalidOptions, why);
  };
  if (o.serviceName.trim() === '') bad('serviceName is empty');
  if (o.samplerRatio !== undefined && !(o.samplerRatio >= 0 && o.samplerRatio <= 1))
    bad(`samplerRatio ${o.samplerRatio} is not in [0, 1]`);
  const p = o.metrics?.prometheus;
  if (
    p !== undefined &&
    'port' in p &&
    !(Number.isInteger(p.port) && p.port >= 0 && p.port < 65536)
  )
    bad(`metrics port ${p.port} is not a TCP port`);
  if (o.otlpEndpoint !== undefined && !/^https?:\/\/[^/]/i.test(o.otlpEndpoint))
    bad(`otlpEndpoint ${o.otlpEndpoint} is not an http(s) URL`);
}

function plainStatus(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(text);
}

function disabledHandle(): TelemetryHandle {
  const meter = createNoopMeter();
  return {
    enabled: false,
    meter,
    metrics: createMetrics(meter),
    metricsAddress: undefined,
    metricsHandler: (_req, res) =>
      plainStatus(res, 503, 'telemetry disabled (OTEL_ENABLED=false)\n'),
    addCollectHook: () => () => undefined,
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

function spanProcessors(o: TelemetryOptions): SpanProcessor[] {
  // Redaction first: it edits the span in onEnding, before any exporter sees it.
  const processors: SpanProcessor[] = [new RedactingSpanProcessor()];
  if (o.spanExporter !== undefined)
    processors.push(new SimpleSpanProcessor({ exporter: o.spanExporter }));
  if (o.otlpEndpoint !== undefined) {
    const url = `${o.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    // The defaults (queue 2048, batch 512, every 5 s) drop spans above ~20k spans/s per process
    // (bench/telemetry.bench.ts); a gateway pod in a boot storm produces more. Bigger, more
    // frequent batches keep up; the queue bounds memory (~8192 spans) if the collector is down.
    processors.push(
      new BatchSpanProcessor({
        // Bounded so shutdown (SIGTERM) finishes inside a pod's grace period if the collector is gone.
        exporter: createOtlpTraceExporter({
          url,
          protocol: o.otlpProtocol ?? 'http/protobuf',
          timeoutMillis: 5_000,
        }),
        maxQueueSize: 8192,
        maxExportBatchSize: 2048,
        scheduledDelayMillis: 500,
        exportTimeoutMillis: 5_000,
      }),
    );
  }
  return processors;
}

/**
 * Starts OpenTelemetry for this process, the same way in every app: resource (service name,
 * version, pod), W3C trace-context propagation, AsyncLocalStorage context, traces to
 * OTLP and/or a test exporter, metrics to a Prometheus scrape endpoint. One running handle per
 * process (the OTel API is global); shut it down before starting another.
 *
 * Everything is passed explicitly, so the OTEL_* variables the SDK would otherwise read (exporter
 * choice, OTLP log export) do not change behaviour; OTEL_SDK_DISABLED=true still turns it off: the
 * handle is then the disabled one, as with `enabled: false`.
 */
export async function initTelemetry(options: TelemetryOptions): Promise<TelemetryHandle> {
  validate(options);
  if (!options.enabled || getBooleanFromEnv('OTEL_SDK_DISABLED')) return disabledHandle();
  if (running)
    throw new TelemetryError(
      TelemetryErrorCode.AlreadyStarted,
      'telemetry is already running in this process; shut the previous handle down first',
    );
  running = true;

  const instanceId = options.podName ?? randomUUID();
  const prom = options.metrics?.prometheus;
  // The exporter's own server cannot listen on an ephemeral port (it treats 0 as "default 9464")
  // nor report its address, so it never starts; MetricsServer serves its request handler instead.
  // Histograms and counters bypass the SDK's per-record attribute hashing (metrics.fast-*.ts).
  const histograms = new FastHistogramProducer();
  const exporter =
    prom === undefined
      ? undefined
      : new PrometheusExporter({
          preventServerStart: true,
          withoutScopeInfo: true,
          metricProducers: [histograms],
        });
  const ratio = options.samplerRatio ?? 1;
  const rootSampler: Sampler =
    ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  const tracing = options.tracing !== false;
  const processors = tracing ? spanProcessors(options) : [];
  // Built here, not by NodeSDK, so the tracer provider and the meter provider share one object.
  // No process detector: it would publish the command line (which may hold secrets) in target_info.
  const resource: Resource = resourceFromAttributes({
    'service.name': options.serviceName,
    'service.version': options.serviceVersion,
    'service.instance.id': instanceId,
    ...(options.podName === undefined ? {} : { 'k8s.pod.name': options.podName }),
  })
    .merge(detectResources({ detectors: [hostDetector, osDetector] }))
    .merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  const tracerProvider = !tracing
    ? undefined
    : options.tracerProvider === 'sdk'
      ? new SdkTracerProvider({
          resource,
          sampler: new ParentBasedSampler({ root: rootSampler }),
          spanProcessors: processors,
        })
      : new AcsTracerProvider({
          resource,
          rootSampler,
          processors,
          record:
            options.spanExporter !== undefined ||
            options.otlpEndpoint !== undefined ||
            options.recordWithoutExport === true,
        });
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    // null: NodeSDK registers none (metrics only). Its setupContextManager honours null; the
    // option's type leaves it out.
    contextManager: tracing
      ? new AsyncLocalStorageContextManager()
      : (null as unknown as AsyncLocalStorageContextManager),
    // Trace context only: the ACS uses no baggage, and not propagating it means a header a client
    // sends cannot ride along into Kafka headers and inbox entries.
    textMapPropagator: tracing ? new W3CTraceContextPropagator() : null,
    // None here: NodeSDK then registers no tracer provider of its own; ours is registered below.
    spanProcessors: [],
    metricReaders: exporter === undefined ? [] : [exporter],
    // Logs go through pino (createLogger), not the OTel logs SDK.
    logRecordProcessors: [],
  });
  sdk.start();
  if (tracerProvider !== undefined) trace.setGlobalTracerProvider(tracerProvider);
  setTracingActive(tracing);

  let server: MetricsServer | undefined;
  let stopped = false;
  const hooks = new Set<CollectHook>();
  const beforeCollect = () => runHooks(hooks);
  const shutdown = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    hooks.clear();
    try {
      await server?.close();
      // Spans that cannot reach the collector within the export timeout are lost; that must not
      // turn a pod's SIGTERM into a crash, so it is reported through OTel diag, not thrown.
      await tracerProvider?.shutdown().catch((e: unknown) => {
        diag.warn(`telemetry: final span export failed: ${(e as Error).message}`);
      });
      await sdk.shutdown().catch((e: unknown) => {
        diag.warn(`telemetry: shutdown failed: ${(e as Error).message}`);
      });
    } finally {
      setTracingActive(false);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      logs.disable();
      running = false;
      current = undefined;
    }
  };

  if (exporter !== undefined && prom !== undefined && 'port' in prom) {
    try {
      server = await MetricsServer.listen(
        exporter,
        prom.host ?? '0.0.0.0',
        prom.port,
        beforeCollect,
      );
    } catch (e) {
      await shutdown();
      throw new TelemetryError(
        TelemetryErrorCode.MetricsServerFailed,
        `cannot serve /metrics on ${prom.host ?? '0.0.0.0'}:${prom.port}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  const meter =
    exporter === undefined ? createNoopMeter() : metrics.getMeter(INSTRUMENTATION_SCOPE);
  current = {
    enabled: true,
    meter,
    metrics: exporter === undefined ? createMetrics(meter) : createMetrics(meter, histograms),
    metricsAddress: server?.address,
    metricsHandler: (req, res) => {
      if (exporter === undefined) plainStatus(res, 404, 'no Prometheus exporter configured\n');
      else MetricsServer.serve(exporter, req, res, beforeCollect);
    },
    addCollectHook: (hook) => {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    forceFlush: async () => {
      await tracerProvider?.forceFlush();
    },
    shutdown,
  };
  return current;
}

/**
 * What every app's `main` calls first: `initTelemetry` with the options from its config, plus
 * `overrides` (tests: an in-memory span exporter, an ephemeral loopback /metrics port).
 */
export function initAppTelemetry(
  config: TelemetryConfig,
  app: { readonly serviceName: string; readonly serviceVersion: string },
  overrides: Partial<TelemetryOptions> = {},
): Promise<TelemetryHandle> {
  return initTelemetry({ ...telemetryOptionsFromConfig(config, app), ...overrides });
}

/**
 * TelemetryOptions from the parsed telemetry config: OTEL_SERVICE_NAME overrides the app's own
 * name; METRICS_PORT 0 means the app mounts `metricsHandler` on its own HTTP server.
 */
export function telemetryOptionsFromConfig(
  config: TelemetryConfig,
  app: { readonly serviceName: string; readonly serviceVersion: string },
): TelemetryOptions {
  return {
    serviceName: config.OTEL_SERVICE_NAME ?? app.serviceName,
    serviceVersion: app.serviceVersion,
    enabled: config.OTEL_ENABLED,
    samplerRatio: config.OTEL_TRACES_SAMPLER_RATIO,
    // Left out at its default, like the other optional options.
    ...(config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/protobuf'
      ? {}
      : { otlpProtocol: config.OTEL_EXPORTER_OTLP_PROTOCOL }),
    ...(config.POD_NAME === undefined ? {} : { podName: config.POD_NAME }),
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? {}
      : { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }),
    metrics: {
      prometheus:
        config.METRICS_PORT === 0
          ? { handler: true }
          : { port: config.METRICS_PORT, host: config.METRICS_HOST },
    },
  };
}
