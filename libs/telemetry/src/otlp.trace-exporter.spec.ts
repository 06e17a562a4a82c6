import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { loadConfig } from '@acs/config';
import { expectEventually } from '@acs/testing';
import { createOtlpTraceExporter } from './otlp.trace-exporter';
import { telemetryConfigSchema } from './telemetry.config';
import { telemetryOptionsFromConfig } from './telemetry.sdk';
import {
  decodeExportTraceServiceRequest,
  decodedSpans,
  type DecodedMessage,
} from './otlp.wire-decoder.testing';

interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A loopback OTLP/HTTP collector that answers every request with `status()`. */
async function collector(status: () => number): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      res.statusCode = status();
      // An empty ExportTraceServiceResponse: full success (no partial_success field).
      res.setHeader('content-type', req.headers['content-type'] ?? 'application/x-protobuf');
      res.end(req.headers['content-type'] === 'application/json' ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Three finished spans (a server span and two children) from a real tracer provider. */
function finishedSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'exporter-spec' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('acs');
  tracer.startActiveSpan('cwmp Inform', { kind: SpanKind.SERVER }, (server) => {
    tracer.startSpan('publish acs.cwmp.informs', { kind: SpanKind.PRODUCER }).end();
    tracer.startSpan('redis SET').end();
    server.end();
  });
  return memory.getFinishedSpans();
}

/**
 * The SDK's HTTP transport loads `http` with a dynamic import() on its first send, which Jest's
 * CommonJS VM refuses (docs/observability.md). Hand the transport what that import returns, so
 * everything else — the SDK's request code, retries, timeouts, our serializer — runs as in
 * production. Throws if the SDK's internals moved (the tests then fail instead of passing blind).
 */
function preloadHttp(exporter: SpanExporter, agents: Agent[]): void {
  const seen = new Set<object>();
  let found = false;
  const visit = (o: unknown): void => {
    if (typeof o !== 'object' || o === null || seen.has(o)) return;
    seen.add(o);
    const fields = o as Record<string, unknown>;
    if (fields['_utils'] === null && '_parameters' in fields) {
      const agent = new Agent({ keepAlive: true });
      agents.push(agent);
      fields['_utils'] = { agent, request };
      found = true;
      return;
    }
    for (const value of Object.values(fields)) visit(value);
  };
  visit(exporter);
  if (!found) throw new Error('no HTTP transport found inside the exporter');
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe(createOtlpTraceExporter.name, () => {
  const exporters: SpanExporter[] = [];
  const agents: Agent[] = [];
  const make = (url: string, protocol: 'http/protobuf' | 'http/json', timeoutMillis = 2_000) => {
    const e = createOtlpTraceExporter({ url, protocol, timeoutMillis });
    preloadHttp(e, agents);
    exporters.push(e);
    return e;
  };
  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
    for (const a of agents.splice(0)) a.destroy();
  });

  it('delivers a BatchSpanProcessor batch as OTLP protobuf with every span name and id', async () => {
    const sink = await collector(() => 200);
    try {
      const provider = new TracerProvider({
        spanProcessors: [
          new BatchSpanProcessor({
            exporter: make(sink.url, 'http/protobuf'),
            maxExportBatchSize: 64,
          }),
        ],
      });
      const tracer = provider.getTracer('acs', '1');
      const sent = ['cwmp Inform', 'publish acs.cwmp.informs', 'process acs.cwmp.informs'].map(
        (name) => {
          const span = tracer.startSpan(name, { attributes: { 'acs.device.id': 'D1' } });
          span.end();
          return span.spanContext();
        },
      );
      await provider.forceFlush();
      await expectEventually(() => expect(sink.received).toHaveLength(1));
      const [request] = sink.received;
      expect(request!.path).toBe('/v1/traces');
      expect(request!.contentType).toBe('application/x-protobuf');
      const spans = decodedSpans(decodeExportTraceServiceRequest(request!.body));
      expect(spans.map((s: DecodedMessage) => [s['name'], s['trace_id'], s['span_id']])).toEqual(
        ['cwmp Inform', 'publish acs.cwmp.informs', 'process acs.cwmp.informs'].map((name, i) => [
          [name],
          [sent[i]!.traceId],
          [sent[i]!.spanId],
        ]),
      );
      await provider.shutdown();
    } finally {
      await sink.close();
    }
  });

  it('sends the same spans as OTLP JSON with http/json', async () => {
    const sink = await collector(() => 200);
    try {
      const spans = finishedSpans();
      const result = await exportOnce(make(sink.url, 'http/json'), spans);
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      const [request] = sink.received;
      expect(request!.contentType).toBe('application/json');
      const body = JSON.parse(request!.body.toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: { name: string; spanId: string }[] }[] }[];
      };
      expect(body.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(
        spans.map((s) => s.name),
      );
    } finally {
      await sink.close();
    }
  });

  it.each([500, 503])(
    'reports a failed export, without throwing, when the collector answers %i',
    async (status) => {
      const sink = await collector(() => status);
      try {
        const result = await exportOnce(make(sink.url, 'http/protobuf', 1_500), finishedSpans());
        expect(result.code).toBe(ExportResultCode.FAILED);
        expect(sink.received.length).toBeGreaterThanOrEqual(1);
        // What arrived was still a well-formed request.
        expect(decodedSpans(decodeExportTraceServiceRequest(sink.received[0]!.body))).toHaveLength(
          3,
        );
      } finally {
        await sink.close();
      }
    },
  );

  it('reports a failed export, within its timeout, when nothing listens on the port', async () => {
    const gone = await collector(() => 200);
    await gone.close();
    const result = await exportOnce(make(gone.url, 'http/protobuf', 1_000), finishedSpans());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(String(result.error)).toMatch(/ECONNREFUSED/);
  });
});

describe('OTEL_EXPORTER_OTLP_PROTOCOL', () => {
  const app = { serviceName: 'gateway', serviceVersion: '0' };
  const options = (env: Record<string, string>) =>
    telemetryOptionsFromConfig(loadConfig(telemetryConfigSchema, env), app);

  it('defaults to http/protobuf, the OTLP default', () => {
    expect(loadConfig(telemetryConfigSchema, {}).OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(options({}).otlpProtocol ?? 'http/protobuf').toBe('http/protobuf');
  });

  it('passes http/json through to the telemetry options', () => {
    expect(options({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlpProtocol).toBe('http/json');
  });

  it('refuses a protocol the ACS does not export with', () => {
    expect(() =>
      loadConfig(telemetryConfigSchema, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });
});
