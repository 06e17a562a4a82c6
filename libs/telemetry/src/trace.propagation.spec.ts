import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata } from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  SpanKind,
  extractFromGrpcMetadata,
  extractFromHeaders,
  extractFromTraceContext,
  initTelemetry,
  injectIntoGrpcMetadata,
  injectIntoHeaders,
  startSpan,
  traceContextField,
  traceHeaders,
  withSpan,
  type TelemetryHandle,
} from './index';

/** Sends `headers` over a real loopback HTTP request and returns what the server received. */
async function httpHop(headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  let received: IncomingHttpHeaders = {};
  const server = createServer((req, res) => {
    received = req.headers;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  await new Promise<void>((r) => server.close(() => r()));
  return received;
}

/** A bus message as Kafka carries it: headers survive as strings, the value as bytes. */
function throughBus(headers: Record<string, string>): Record<string, string> {
  const message = JSON.parse(JSON.stringify({ key: 'dev-1', value: 'x', headers })) as {
    headers: Record<string, string>;
  };
  return message.headers;
}

const byName = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const s = spans.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(',')}`);
  return s;
};

describe('trace propagation', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;

  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 'test',
      serviceVersion: '0.0.0',
      enabled: true,
      spanExporter: exporter,
    });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exporter.reset());
  // The SDK exports asynchronously even through SimpleSpanProcessor.
  const finished = async (): Promise<ReadableSpan[]> => {
    await telemetry.forceFlush();
    return exporter.getFinishedSpans();
  };

  it('continues a trace across a real HTTP request', async () => {
    await withSpan('connreq.send', { kind: SpanKind.CLIENT }, async () => {
      const received = await httpHop(injectIntoHeaders({ 'content-type': 'text/xml' }));
      const server = startSpan('cwmp.request', {
        kind: SpanKind.SERVER,
        parent: extractFromHeaders(received),
      });
      server.end();
    });
    const spans = await finished();
    const client = byName(spans, 'connreq.send');
    const server = byName(spans, 'cwmp.request');
    expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  });

  it('runs one trace from gateway through the bus and provisioning back to the gateway via the inbox', async () => {
    // Gateway: the Inform request span publishes the Inform with trace headers.
    let busHeaders: Record<string, string> = {};
    await withSpan(
      'cwmp.inform',
      { kind: SpanKind.SERVER, attributes: { [ATTR.deviceId]: 'dev-1' } },
      () =>
        withSpan('publish acs.cwmp.informs', { kind: SpanKind.PRODUCER }, () => {
          busHeaders = throughBus(traceHeaders());
        }),
    );
    // Provisioning: consumes the message in the producer's trace and pushes an inbox entry.
    let inboxText = '';
    await withSpan(
      'process acs.cwmp.informs',
      { kind: SpanKind.CONSUMER, parent: extractFromHeaders(busHeaders, context.active()) },
      () => {
        inboxText = JSON.stringify({ kind: 'rpc', rpcId: 'r1', trace: traceContextField() });
      },
    );
    // Gateway (any pod): pops the entry and sends the RPC in the same trace.
    const entry = JSON.parse(inboxText) as { trace?: { traceparent: string; tracestate?: string } };
    await withSpan(
      'cwmp.rpc GetParameterValues',
      { parent: extractFromTraceContext(entry.trace) },
      () => {},
    );

    const spans = await finished();
    const chain = [
      'cwmp.inform',
      'publish acs.cwmp.informs',
      'process acs.cwmp.informs',
      'cwmp.rpc GetParameterValues',
    ].map((n) => byName(spans, n));
    const traceIds = new Set(chain.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.parentSpanContext?.spanId).toBe(chain[i - 1]!.spanContext().spanId);
    }
    expect(chain[0]!.parentSpanContext).toBeUndefined();
  });

  it('continues a trace through gRPC metadata', async () => {
    const metadata = new Metadata();
    await withSpan('acsctl call', { kind: SpanKind.CLIENT }, () => {
      injectIntoGrpcMetadata(metadata);
    });
    const server = startSpan('nbi call', {
      kind: SpanKind.SERVER,
      parent: extractFromGrpcMetadata(metadata),
    });
    server.end();
    const spans = await finished();
    expect(byName(spans, 'nbi call').parentSpanContext?.spanId).toBe(
      byName(spans, 'acsctl call').spanContext().spanId,
    );
  });

  it('keeps tracestate across a hop', async () => {
    const parent = extractFromHeaders({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=abc',
    });
    const span = startSpan('child', { parent });
    const headers = traceHeaders(trace.setSpan(context.active(), span));
    span.end();
    expect(headers['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(headers['tracestate']).toBe('vendor=abc');
  });

  it('reads a traceparent header whatever its case', () => {
    const ctx = extractFromHeaders({
      TraceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(trace.getSpanContext(ctx)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['oversized', '00-' + 'a'.repeat(1_000_000)],
    ['wrong version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ])('starts a new root instead of failing on a %s traceparent', async (_what, traceparent) => {
    const ctx = extractFromHeaders({ traceparent, tracestate: 'x'.repeat(10_000) });
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    const span = startSpan('root', { parent: ctx });
    span.end();
    expect(byName(await finished(), 'root').parentSpanContext).toBeUndefined();
  });

  it('writes no trace field for an inbox entry made outside any span', () => {
    expect(traceContextField(context.active())).toBeUndefined();
    expect(extractFromTraceContext(undefined)).toBe(context.active());
  });
});

describe('trace propagation with telemetry off', () => {
  it('injects nothing and extracts nothing', async () => {
    const telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: false,
    });
    await withSpan('x', {}, (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceHeaders()).toEqual({});
      expect(traceContextField()).toBeUndefined();
    });
    const ctx = extractFromHeaders({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    await telemetry.shutdown();
  });
});

describe('trace propagation of baggage', () => {
  it('does not carry a baggage header to the next hop', async () => {
    const telemetry = await initTelemetry({ serviceName: 't', serviceVersion: '0', enabled: true });
    const parent = extractFromHeaders({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      baggage: 'user=admin,' + 'k=v,'.repeat(1000),
    });
    expect(Object.keys(traceHeaders(parent))).toEqual(['traceparent']);
    await telemetry.shutdown();
  });
});
