import { createSocket } from 'node:dgram';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import {
  CONNREQ_RESULTS_TOPIC,
  CONNREQ_WAKEUPS_TOPIC,
  CpeHttpServer,
  WAKEUP_SCHEMA_V1,
  parseConnreqResult,
  type ConnreqResult,
} from '@acs/connreq';
import { buildBindingRequest, decodeStunMessage } from '@acs/stun';
import {
  ATTR,
  METRICS,
  initAppTelemetry,
  missingFromScrape,
  telemetryConfigSchema,
  withSpan,
  type TelemetryHandle,
} from '@acs/telemetry';
import { expectEventually, uniqueName } from '@acs/testing';
import {
  CONNECTION_REQUEST_VERSION,
  loadConnectionRequestAppConfig,
} from '../src/connection-request.config';
import {
  startConnectionRequestApp,
  type ConnectionRequestApp,
} from '../src/connection-request.runtime';

// Issue 9 acceptance, connection-request side: the app's runtime (its own wiring) on the real
// Kafka, Redis and FerretDB wakes a device over HTTP and answers a STUN Binding Request on its
// embedded STUN server; /metrics then shows connection requests by method and outcome, STUN
// bindings, the bus, consumer lag and store latency, and the wake-up's handling joins the trace
// of whoever published it.

jest.setTimeout(90_000);

describe('connection-request telemetry (Kafka + Redis + FerretDB)', () => {
  const id = uniqueName('cr-telemetry');
  const prefix = `${id}.`;
  const exporter = new InMemorySpanExporter();
  const { KAFKA_BROKERS, REDIS_URL, MONGODB_URI } = loadInfraConfig();
  let telemetry: TelemetryHandle;
  let app: ConnectionRequestApp;
  let client: KafkaEventBus;
  const results: ConnreqResult[] = [];

  beforeAll(async () => {
    // What main.ts does, with an in-memory exporter and an ephemeral loopback /metrics port.
    telemetry = await initAppTelemetry(
      telemetryConfigSchema.parse({}),
      { serviceName: 'connection-request', serviceVersion: CONNECTION_REQUEST_VERSION },
      { spanExporter: exporter, metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    app = await startConnectionRequestApp(
      loadConnectionRequestAppConfig({
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        REDIS_URL,
        MONGODB_URI,
        ACS_TOPIC_PREFIX: prefix,
        ACS_REDIS_PREFIX: `${id}:`,
        ACS_DATABASE: id.replace(/[^A-Za-z0-9_]/g, '_'),
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        STUN_REQUIRE_AUTH: 'false',
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
      }),
    );
    client = new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId: 'cr-test', prefix });
    await client.subscribe({
      groupId: 'results',
      topics: [CONNREQ_RESULTS_TOPIC],
      handler: (m) => Promise.resolve(void results.push(parseConnreqResult(m.value))),
    });
  }, 90_000);

  afterAll(async () => {
    await app.stop();
    await client.close();
    await telemetry.shutdown();
  }, 60_000);

  it('records the wake-up by method and outcome, in the trace of the caller', async () => {
    const cpe = new CpeHttpServer({ host: '127.0.0.1', username: 'cr-user', password: 'cr-pass' });
    await cpe.listen();
    let callerTrace = '';
    try {
      // The caller (an NBI handler, say) publishes the wake-up inside a span of its own.
      await withSpan('WakeDevice', {}, async (span) => {
        callerTrace = span.spanContext().traceId;
        await client.publish(CONNREQ_WAKEUPS_TOPIC, [
          {
            key: 'dev-h',
            value: JSON.stringify({
              schema: WAKEUP_SCHEMA_V1,
              deviceId: 'dev-h',
              requestedAt: new Date().toISOString(),
              contact: {
                deviceId: 'dev-h',
                http: { url: cpe.url('/cr'), username: 'cr-user', password: 'cr-pass' },
              },
            }),
            // The client bus is not traced: pass the caller's context by hand.
            headers: {
              traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
            },
          },
        ]);
      });
      await expectEventually(
        () =>
          expect(results.find((r) => r.deviceId === 'dev-h')).toMatchObject({
            outcome: 'accepted',
            method: 'http',
          }),
        30_000,
      );
    } finally {
      await cpe.close();
    }
    await telemetry.forceFlush();
    const handled = exporter
      .getFinishedSpans()
      .filter(
        (s) => s.name === 'process acs.connreq.wakeups' && s.attributes[ATTR.deviceId] === 'dev-h',
      );
    expect(handled.map((s) => s.spanContext().traceId)).toEqual([callerTrace]);
  });

  it('serves connection-request, STUN, bus, lag and store metrics on /metrics', async () => {
    // One Binding Request (answered: STUN_REQUIRE_AUTH=false) and one datagram that is not STUN.
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      const stun = app.runtime.stun;
      if (stun === undefined) throw new Error('STUN is not embedded');
      const answered = new Promise<Buffer>((resolve) => udp.once('message', resolve));
      udp.send(buildBindingRequest({ transactionId: Buffer.alloc(12, 7) }), stun.port, '127.0.0.1');
      expect(decodeStunMessage(await answered).cls).toBe('success');
      udp.send(Buffer.from('not stun'), stun.port, '127.0.0.1');
      await expectEventually(() => expect(stun.counters.dropped).toBe(1));
    } finally {
      udp.close();
    }
    const address = telemetry.metricsAddress;
    if (address === undefined) throw new Error('no /metrics server');
    await expectEventually(async () => {
      const body = await (await fetch(`http://${address.host}:${address.port}/metrics`)).text();
      expect(
        missingFromScrape(body, [
          METRICS.connreqRequests,
          METRICS.connreqDuration,
          METRICS.stunBindings,
          METRICS.busPublishDuration,
          METRICS.busProcessDuration,
          METRICS.busConsumerLag,
          METRICS.dbOperationDuration,
        ]),
      ).toEqual([]);
      expect(body).toMatch(/acs_connreq_requests_total\{method="http",outcome="accepted"\} 1/);
      expect(body).toMatch(/acs_stun_bindings_total\{outcome="ok"\} 1/);
      expect(body).toMatch(/acs_stun_bindings_total\{outcome="invalid"\} 1/);
      expect(body).toMatch(
        /acs_bus_consumer_lag\{(?=[^}]*messaging_consumer_group_name="acs-connection-request")(?=[^}]*messaging_destination_name="acs\.connreq\.wakeups")/,
      );
    }, 20_000);
  });
});
