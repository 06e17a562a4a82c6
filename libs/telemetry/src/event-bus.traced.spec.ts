import { InMemoryEventBus, type DeliveredMessage } from '@acs/bus';
import { InMemorySessionRegistry } from '@acs/sessions';
import { expectEventually } from '@acs/testing';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  SpanKind,
  SpanStatusCode,
  TimedSessionRegistry,
  TracedEventBus,
  extractFromHeaders,
  extractFromTraceContext,
  initTelemetry,
  traceContextField,
  withSpan,
  type TelemetryHandle,
} from './index';

async function scrape(t: TelemetryHandle): Promise<string> {
  const port = t.metricsAddress!.port;
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

// A clock that advances 0.25 s per reading, so durations are known without real time.
function steppingClock(): () => number {
  let now = 0;
  return () => (now += 0.25);
}

describe(TracedEventBus.name, () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      spanExporter: exporter,
      metrics: { prometheus: { port: 0, host: '127.0.0.1' } },
    });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exporter.reset());
  const finished = async (): Promise<ReadableSpan[]> => {
    await telemetry.forceFlush();
    return exporter.getFinishedSpans();
  };

  it('keeps gateway → bus → provisioning → inbox → gateway in one trace, in order', async () => {
    const bus = new TracedEventBus(
      new InMemoryEventBus(2),
      telemetry.metrics,
      'in_process',
      steppingClock(),
    );
    const registry = new TimedSessionRegistry(
      new InMemorySessionRegistry(),
      telemetry.metrics,
      'redis',
    );
    // Provisioning: consumes Informs and pushes an RPC for the session, in the consumer's trace.
    let delivered: DeliveredMessage | undefined;
    const sub = await bus.subscribe({
      groupId: 'provisioning',
      topics: ['acs.cwmp.informs'],
      handler: async (m: DeliveredMessage) => {
        await withSpan('provision', {}, () =>
          registry.pushInbox(
            's1',
            [JSON.stringify({ kind: 'rpc', rpcId: 'r1', trace: traceContextField() })],
            60_000,
          ),
        );
        delivered = m;
      },
    });
    // Gateway: the Inform request publishes, then (empty POST) pops the inbox entry.
    await withSpan(
      'cwmp Inform',
      { kind: SpanKind.SERVER, attributes: { [ATTR.deviceId]: 'dev-1' } },
      () =>
        bus.publish('acs.cwmp.informs', [
          { key: 'dev-1', value: '{}', headers: { 'x-event-schema': 'cwmp.inform.v1' } },
        ]),
    );
    const text = await registry.popInbox('s1', 5_000);
    const entry = JSON.parse(text!) as { trace?: { traceparent: string } };
    await withSpan(
      'cwmp GetParameterValues',
      { parent: extractFromTraceContext(entry.trace) },
      () => undefined,
    );
    await sub.stop();
    await bus.close();
    expect(delivered?.headers['x-event-schema']).toBe('cwmp.inform.v1'); // caller headers kept
    expect(delivered?.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const spans = await expectEventually(async () => {
      const s = await finished();
      if (!s.some((x) => x.name === 'cwmp GetParameterValues')) throw new Error('not yet');
      return s;
    });
    const order = [
      'cwmp Inform',
      'publish acs.cwmp.informs',
      'process acs.cwmp.informs',
      'provision',
      'cwmp GetParameterValues',
    ];
    const chain = order.map((n) => spans.find((s) => s.name === n)!);
    expect(chain.every((s) => s !== undefined)).toBe(true);
    expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1);
    for (let i = 1; i < chain.length; i++)
      expect(chain[i]!.parentSpanContext?.spanId).toBe(chain[i - 1]!.spanContext().spanId);
    expect(chain[1]!.kind).toBe(SpanKind.PRODUCER);
    expect(chain[2]!.kind).toBe(SpanKind.CONSUMER);
    expect(chain[2]!.attributes).toMatchObject({
      [ATTR.messagingDestination]: 'acs.cwmp.informs',
      [ATTR.messagingConsumerGroup]: 'provisioning',
      [ATTR.deviceId]: 'dev-1',
    });
  });

  describe('in-process span context', () => {
    /** Publishes one message inside a span `cwmp Inform` and returns what the consumer got. */
    async function roundTrip(
      system: 'in_process' | 'kafka',
      headers: Record<string, string> = {},
    ): Promise<{ message: DeliveredMessage; spans: ReadableSpan[] }> {
      const bus = new TracedEventBus(
        new InMemoryEventBus(1),
        telemetry.metrics,
        system,
        undefined,
        {
          producerSpans: false,
        },
      );
      let message: DeliveredMessage | undefined;
      const sub = await bus.subscribe({
        groupId: 'g',
        topics: ['t'],
        handler: async (m) => {
          message = m;
        },
      });
      await withSpan('cwmp Inform', { kind: SpanKind.SERVER }, () =>
        bus.publish('t', [{ key: 'dev-1', value: '{}', headers }]),
      );
      await expectEventually(() => expect(message).toBeDefined());
      await sub.stop();
      await bus.close();
      const spans = await expectEventually(async () => {
        const s = await finished();
        if (!s.some((x) => x.name === 'process t')) throw new Error('not yet');
        return s;
      });
      return { message: message!, spans };
    }

    it('hands the consumer the span context its headers carry, and the consumer uses it', async () => {
      const { message, spans } = await roundTrip('in_process');
      const inform = spans.find((s) => s.name === 'cwmp Inform')!;
      const consumer = spans.find((s) => s.name === 'process t')!;
      // Equal to what extraction from the traceparent header gives: a remote span context.
      expect(message.localContext).toEqual({
        ...trace.getSpanContext(extractFromHeaders(message.headers, ROOT_CONTEXT)),
      });
      expect(message.localContext).toMatchObject({
        traceId: inform.spanContext().traceId,
        spanId: inform.spanContext().spanId,
        isRemote: true,
      });
      expect(consumer.parentSpanContext?.spanId).toBe(inform.spanContext().spanId);
      expect(consumer.parentSpanContext?.isRemote).toBe(true);
    });

    it('takes the consumer span’s parent from a delivered local span context', async () => {
      const inner = new InMemoryEventBus(1);
      const bus = new TracedEventBus(inner, telemetry.metrics, 'in_process');
      const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} });
      const local = {
        traceId: '11111111111111111111111111111111',
        spanId: '2222222222222222',
        traceFlags: 1,
        isRemote: true,
      };
      // Headers of another trace: the local context must win (it is what the publisher had).
      await inner.publish('t', [
        {
          key: 'dev-1',
          value: '{}',
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          localContext: local,
        },
      ]);
      const spans = await expectEventually(async () => {
        const s = await finished();
        if (!s.some((x) => x.name === 'process t')) throw new Error('not yet');
        return s;
      });
      await sub.stop();
      await bus.close();
      const consumer = spans.find((x) => x.name === 'process t')!;
      expect(consumer.spanContext().traceId).toBe(local.traceId);
      expect(consumer.parentSpanContext?.spanId).toBe(local.spanId);
    });

    it('follows the headers when the caller set a traceparent of another trace', async () => {
      // A traceparent of another trace set by the caller wins in the headers (a relayed message);
      // then no local context is attached and the consumer follows the headers.
      const relayed = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const { message, spans } = await roundTrip('in_process', { traceparent: relayed });
      expect(message.headers['traceparent']).toBe(relayed);
      expect(message).not.toHaveProperty('localContext');
      const consumer = spans.find((s) => s.name === 'process t')!;
      expect(consumer.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(consumer.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    });

    it('attaches nothing for a Kafka bus (headers only)', async () => {
      const { message, spans } = await roundTrip('kafka');
      expect(message).not.toHaveProperty('localContext');
      const inform = spans.find((s) => s.name === 'cwmp Inform')!;
      const consumer = spans.find((s) => s.name === 'process t')!;
      expect(consumer.parentSpanContext?.spanId).toBe(inform.spanContext().spanId);
    });
  });

  it('marks a failing handler ERROR, records error.type and lets the bus retry', async () => {
    const bus = new TracedEventBus(
      new InMemoryEventBus(1),
      telemetry.metrics,
      'in_process',
      steppingClock(),
    );
    let attempts = 0;
    const sub = await bus.subscribe({
      groupId: 'g-fail',
      topics: ['t-fail'],
      maxAttempts: 2,
      retryBackoffMs: 1,
      handler: async () => {
        attempts++;
        throw new Error('no');
      },
    });
    await bus.publish('t-fail', [{ key: 'k', value: 'v' }]);
    await expectEventually(() => attempts === 2);
    await sub.stop();
    await bus.close();
    const processed = (await finished()).filter((s) => s.name === 'process t-fail');
    expect(processed.length).toBeGreaterThanOrEqual(2);
    expect(processed[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(processed[0]!.attributes[ATTR.errorType]).toBe('Error');
    const body = await scrape(telemetry);
    expect(body).toMatch(
      /messaging_process_duration_count\{messaging_system="in_process",messaging_destination_name="t-fail",messaging_consumer_group_name="g-fail",error_type="Error"\} [2-9]/,
    );
  });

  it('records publish and registry latency with the injected clock', async () => {
    const bus = new TracedEventBus(
      new InMemoryEventBus(1),
      telemetry.metrics,
      'in_process',
      steppingClock(),
    );
    await bus.publish('t-lat', [{ key: 'k', value: 'v' }]);
    await bus.close();
    const registry = new TimedSessionRegistry(
      new InMemorySessionRegistry(),
      telemetry.metrics,
      'redis',
      steppingClock(),
    );
    await registry.acquireLock('dev-9', 'tok', 1_000);
    await expect(registry.acquireLock('', 'tok', 1_000)).rejects.toThrow();
    await registry.close();
    const body = await scrape(telemetry);
    expect(body).toContain(
      'messaging_client_operation_duration_sum{messaging_system="in_process",messaging_operation_name="publish",messaging_destination_name="t-lat"} 0.25',
    );
    expect(body).toContain(
      'db_client_operation_duration_sum{db_system_name="redis",db_operation_name="acquireLock"} 0.25',
    );
    expect(body).toMatch(
      /db_client_operation_duration_count\{db_system_name="redis",db_operation_name="acquireLock",error_type="SESSIONS_[A-Z_]+"\} 1/,
    );
  });
});
