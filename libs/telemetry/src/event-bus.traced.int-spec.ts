import { loadInfraConfig } from '@acs/config';
import { KafkaEventBus } from '@acs/bus';
import { RedisSessionRegistry } from '@acs/sessions';
import { expectEventually, uniqueName } from '@acs/testing';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  SpanKind,
  TimedSessionRegistry,
  TracedEventBus,
  extractFromTraceContext,
  initTelemetry,
  traceContextField,
  withSpan,
  type TelemetryHandle,
} from './index';

// The trace of one session through the real Kafka and Redis: gateway pod A takes the Inform and
// publishes it, provisioning consumes it and pushes an RPC into the session inbox, gateway pod B
// (another Redis connection, as another pod) pops it and sends the RPC — one trace, in order.

const { KAFKA_BROKERS, REDIS_URL } = loadInfraConfig();
const prefix = uniqueName('telemetry-test');

jest.setTimeout(60_000);

describe(`${TracedEventBus.name} on Kafka and Redis`, () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      spanExporter: exporter,
    });
  });
  afterAll(() => telemetry.shutdown());

  it('keeps one CWMP session in one trace across pods, the broker and the inbox', async () => {
    const kafka = new KafkaEventBus({
      brokers: KAFKA_BROKERS,
      clientId: 'telemetry-test',
      prefix: `${prefix}.`,
      sessionTimeoutMs: 6_000,
    });
    const bus = new TracedEventBus(kafka, telemetry.metrics, 'kafka');
    const podA = new TimedSessionRegistry(
      new RedisSessionRegistry({ url: REDIS_URL, keyPrefix: `${prefix}:` }),
      telemetry.metrics,
      'redis',
    );
    const podB = new TimedSessionRegistry(
      new RedisSessionRegistry({ url: REDIS_URL, keyPrefix: `${prefix}:` }),
      telemetry.metrics,
      'redis',
    );
    const sessionId = uniqueName('sess');
    try {
      await bus.ensureTopics([{ name: 'acs.cwmp.informs', partitions: 2 }]);
      const sub = await bus.subscribe({
        groupId: 'provisioning',
        topics: ['acs.cwmp.informs'],
        handler: () =>
          withSpan('provision', {}, () =>
            podA.pushInbox(
              sessionId,
              [JSON.stringify({ kind: 'rpc', rpcId: 'r1', trace: traceContextField() })],
              60_000,
            ),
          ),
      });
      await withSpan(
        'cwmp Inform',
        {
          kind: SpanKind.SERVER,
          attributes: { [ATTR.deviceId]: 'dev-1', [ATTR.sessionId]: sessionId },
        },
        () => bus.publish('acs.cwmp.informs', [{ key: 'dev-1', value: '{}' }]),
      );
      const text = await expectEventually(async () => {
        const t = await podB.popInbox(sessionId, 1_000);
        if (t === null) throw new Error('inbox still empty');
        return t;
      }, 30_000);
      const entry = JSON.parse(text) as { trace?: { traceparent: string } };
      await withSpan(
        'cwmp GetParameterValues',
        { kind: SpanKind.SERVER, parent: extractFromTraceContext(entry.trace) },
        () => undefined,
      );
      await sub.stop();
    } finally {
      await bus.close();
      await Promise.all([podA.close(), podB.close()]);
    }

    await telemetry.forceFlush();
    const spans: ReadableSpan[] = exporter.getFinishedSpans();
    const order = [
      'cwmp Inform',
      'publish acs.cwmp.informs',
      'process acs.cwmp.informs',
      'provision',
      'cwmp GetParameterValues',
    ];
    const chain = order.map((n) => spans.find((s) => s.name === n));
    expect(chain.map((s) => s?.name)).toEqual(order);
    expect(new Set(chain.map((s) => s!.spanContext().traceId)).size).toBe(1);
    for (let i = 1; i < chain.length; i++)
      expect(chain[i]!.parentSpanContext?.spanId).toBe(chain[i - 1]!.spanContext().spanId);
    expect(chain[2]!.attributes).toMatchObject({
      [ATTR.messagingSystem]: 'kafka',
      [ATTR.deviceId]: 'dev-1',
    });
  });
});
