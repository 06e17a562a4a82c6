import {
  Server,
  ServerCredentials,
  credentials,
  makeGenericClientConstructor,
  status,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  SpanKind,
  SpanStatusCode,
  grpcStatusName,
  grpcTraceInterceptor,
  initTelemetry,
  missingFromScrape,
  METRICS,
  traceContextField,
  tracedUnary,
  withSpan,
  type TelemetryHandle,
} from './index';

interface Msg {
  id: string;
}
const json = {
  serialize: (v: Msg) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString('utf8')) as Msg,
};
// A one-method service defined in code (no .proto), enough to exercise metadata and status.
const definition: ServiceDefinition = {
  get: {
    path: '/acs.test.Devices/Get',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

describe(tracedUnary.name, () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  let server: Server;
  let client: { get(req: Msg, cb: (e: ServiceError | null, r?: Msg) => void): void; close(): void };
  let seenInHandler: ReturnType<typeof traceContextField>;

  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 'nbi',
      serviceVersion: '0',
      enabled: true,
      spanExporter: exporter,
      metrics: { prometheus: { port: 0, host: '127.0.0.1' } },
    });
    server = new Server();
    server.addService(definition, {
      get: tracedUnary<Msg, Msg>(
        'acs.test.Devices/Get',
        (call, reply) => {
          seenInHandler = traceContextField();
          if (call.request.id === 'missing')
            reply({ code: status.NOT_FOUND, details: 'no device missing' });
          else reply(null, { id: call.request.id });
        },
        telemetry.metrics,
      ),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    const Client = makeGenericClientConstructor(definition, 'Devices');
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
      interceptors: [grpcTraceInterceptor],
    }) as unknown as typeof client;
  });
  afterAll(async () => {
    client.close();
    await new Promise<void>((r) => server.tryShutdown(() => r()));
    await telemetry.shutdown();
  });
  beforeEach(() => exporter.reset());

  const call = (id: string) =>
    new Promise<{ error: ServiceError | null; reply?: Msg }>((resolve) =>
      client.get({ id }, (error, reply) => resolve({ error, reply })),
    );

  it('continues the caller trace in a SERVER span that is active in the handler', async () => {
    let clientSpanId = '';
    const result = await withSpan('acsctl devices get', { kind: SpanKind.CLIENT }, async (span) => {
      clientSpanId = span.spanContext().spanId;
      return call('dev-1');
    });
    expect(result.reply).toEqual({ id: 'dev-1' });
    await telemetry.forceFlush();
    const serverSpan = exporter.getFinishedSpans().find((s) => s.name === 'acs.test.Devices/Get')!;
    expect(serverSpan.kind).toBe(SpanKind.SERVER);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(serverSpan.attributes).toMatchObject({
      [ATTR.rpcSystem]: 'grpc',
      [ATTR.rpcMethod]: 'acs.test.Devices/Get',
      [ATTR.rpcStatusCode]: 'OK',
    });
    expect(seenInHandler?.traceparent).toContain(serverSpan.spanContext().spanId);
  });

  it('marks a non-OK answer ERROR and counts it by status name', async () => {
    const { error } = await call('missing');
    expect(error?.code).toBe(status.NOT_FOUND);
    await telemetry.forceFlush();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'acs.test.Devices/Get')!;
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no device missing' });
    expect(span.attributes[ATTR.rpcStatusCode]).toBe('NOT_FOUND');
    const body = await (
      await fetch(`http://127.0.0.1:${telemetry.metricsAddress!.port}/metrics`)
    ).text();
    expect(body).toMatch(
      /rpc_server_call_duration_count\{rpc_system_name="grpc",rpc_method="acs.test.Devices\/Get",rpc_status_code="NOT_FOUND"\} 1\n/,
    );
    expect(missingFromScrape(body, [METRICS.apiCallDuration])).toEqual([]);
  });

  it.each([
    [0, 'OK'],
    [5, 'NOT_FOUND'],
    [16, 'UNAUTHENTICATED'],
    [99, 'UNKNOWN'],
  ])('names status %d %s', (code, name) => {
    expect(grpcStatusName(code)).toBe(name);
  });
});
