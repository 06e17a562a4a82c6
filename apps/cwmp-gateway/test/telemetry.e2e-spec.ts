import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { CpeTestClient, type CpeReply } from '@acs/gateway';
import { startProvisioning, type ProvisioningHandle } from '@acs/provisioning';
import { RedisSessionRegistry } from '@acs/sessions';
import { MongoDocumentStore } from '@acs/store';
import {
  ATTR,
  METRICS,
  SpanKind,
  TimedDocumentStore,
  TimedSessionRegistry,
  TraceStampingSessionRegistry,
  TracedEventBus,
  initAppTelemetry,
  missingFromScrape,
  telemetryConfigSchema,
  type TelemetryHandle,
} from '@acs/telemetry';
import { expectEventually } from '@acs/testing';
import { CWMP_GATEWAY_VERSION } from '../src/cwmp-gateway.config';
import type { GatewayRuntime } from '../src/gateway.runtime';
import { isolation, startPod, stopPod } from './support/e2e.harness';

// Issue 9 acceptance, gateway side: a full CWMP session through the gateway app's runtime and
// the provisioning service over the real Kafka and Redis (FerretDB for the store), traced into an
// in-memory exporter. Provisioning runs from @acs/provisioning with the adapters wrapped exactly
// as apps/provisioning/src/provisioning.runtime.ts wraps them (an app cannot import another app;
// apps/provisioning/test/telemetry.e2e-spec.ts runs that app's runtime itself).

jest.setTimeout(90_000);

const PROFILE = {
  name: 'telemetry',
  parameters: { 'Device.ManagementServer.PeriodicInformInterval': 321 },
};

describe('cwmp-gateway telemetry (Kafka + Redis + FerretDB)', () => {
  const iso = isolation('gw-telemetry');
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  let pod: { runtime: GatewayRuntime; url: string };
  let provisioning: ProvisioningHandle;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // What main.ts does, with an in-memory exporter and an ephemeral loopback /metrics port.
    telemetry = await initAppTelemetry(
      telemetryConfigSchema.parse({ METRICS_HOST: '127.0.0.1' }),
      { serviceName: 'cwmp-gateway', serviceVersion: CWMP_GATEWAY_VERSION },
      { spanExporter: exporter, metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    pod = await startPod(iso, { GATEWAY_PROVISIONING: 'inbox', GATEWAY_INBOX_WAIT_MS: '10000' });
    const infra = loadInfraConfig();
    const { metrics } = telemetry;
    const bus = new TracedEventBus(
      new KafkaEventBus({
        brokers: infra.KAFKA_BROKERS,
        clientId: 'provisioning',
        prefix: iso.topicPrefix,
        defaultPartitions: 3,
      }),
      metrics,
      'kafka',
    );
    const registry = new TimedSessionRegistry(
      new TraceStampingSessionRegistry(
        new RedisSessionRegistry({ url: infra.REDIS_URL, keyPrefix: iso.redisPrefix }),
      ),
      metrics,
      'redis',
    );
    const store = new TimedDocumentStore(
      await MongoDocumentStore.connect({ uri: infra.MONGODB_URI, database: iso.database }),
      metrics,
      'mongodb',
    );
    provisioning = await startProvisioning({
      bus,
      sessions: registry,
      store,
      topicPartitions: 3,
      profiles: [PROFILE],
      retryBackoffMs: 50,
    });
    closers.push(
      () => bus.close(),
      () => registry.close(),
      () => store.close(),
    );
  }, 90_000);

  afterAll(async () => {
    await stopPod(pod.runtime);
    await provisioning.stop();
    for (const close of closers) await close();
    await telemetry.shutdown();
  }, 60_000);

  const cpe = (serial: string): CpeTestClient =>
    new CpeTestClient({
      url: pod.url,
      root: 'Device',
      identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'TEL', serialNumber: serial },
    });

  /** Empty POST, then answer every RPC: the first with fault 9005, the rest with `answer`. */
  async function runSession(
    c: CpeTestClient,
  ): Promise<{ rpcs: string[]; last: CpeReply; faulted: string }> {
    await c.send(c.informMessage(['0 BOOTSTRAP', '1 BOOT']));
    let reply = await c.send(null);
    const rpcs: string[] = [];
    let faulted = '';
    for (let i = 0; i < 20 && reply.status === 200; i++) {
      const body = reply.envelope?.body;
      if (body === undefined) break;
      rpcs.push(body.type);
      if (i === 0) {
        faulted = body.type;
        reply = await c.send({
          type: 'Fault',
          faultCode: 'Client',
          faultString: 'CWMP fault',
          detail: { faultCode: 9005, faultString: 'Invalid parameter name' },
        });
      } else reply = await c.send(answer(body.type));
    }
    return { rpcs, last: reply, faulted };
  }

  it('keeps the session in one trace: gateway → Kafka → provisioning → Redis inbox → gateway', async () => {
    const c = cpe('TRACE1');
    const { rpcs, last, faulted } = await runSession(c);
    c.close();
    expect(last.status).toBe(204);
    expect(rpcs.length).toBeGreaterThan(0);
    const deviceId = '00D09E-TEL-TRACE1';
    // Provisioning handles the fault's result after the CPE got its 204: wait for that span.
    await expectEventually(async () => {
      await telemetry.forceFlush();
      const names = exporter.getFinishedSpans().filter((s) => dev(s) === deviceId);
      expect(names.map((s) => s.name)).toContain('process acs.cwmp.rpc-results');
    }, 20_000);
    const spans = exporter.getFinishedSpans();

    const inform = one(spans, (s) => s.name === 'cwmp Inform' && dev(s) === deviceId);
    const traceId = inform.spanContext().traceId;
    const sessionId = inform.attributes[ATTR.sessionId];
    expect(inform.kind).toBe(SpanKind.SERVER);
    expect(inform.parentSpanContext).toBeUndefined();
    expect(inform.attributes).toMatchObject({
      [ATTR.deviceId]: deviceId,
      [ATTR.rpcSystem]: 'cwmp',
      [ATTR.rpcMethod]: 'Inform',
      [ATTR.eventCodes]: ['0 BOOTSTRAP', '1 BOOT'],
    });
    expect(typeof sessionId).toBe('string');

    // Gateway → Kafka → provisioning: the CONSUMER span continues the trace from the Kafka
    // headers, as a child of the Inform's span (the gateway's bus writes no PRODUCER spans).
    const consume = one(
      spans,
      (s) => s.name === 'process acs.cwmp.informs' && parentOf(s) === id(inform),
    );
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.attributes[ATTR.deviceId]).toBe(deviceId);
    // Provisioning → inbox → gateway: the RPC the gateway sends is a child of that span.
    const rpc = one(spans, (s) => s.name === `cwmp ${faulted}` && s.kind === SpanKind.CLIENT);
    expect(parentOf(rpc)).toBe(id(consume));
    expect(rpc.attributes).toMatchObject({
      [ATTR.deviceId]: deviceId,
      [ATTR.sessionId]: sessionId,
      [ATTR.rpcMethod]: faulted,
    });
    // The CPE's fault: a request span of the session, with the fault code.
    const fault = one(spans, (s) => s.name === 'cwmp Fault' && dev(s) === deviceId);
    expect(parentOf(fault)).toBe(id(inform));
    expect(fault.attributes).toMatchObject({
      [ATTR.sessionId]: sessionId,
      [ATTR.faultCode]: '9005',
      [ATTR.errorType]: '9005',
    });
    // … whose result goes back to provisioning in the same trace.
    const result = one(
      spans,
      (s) =>
        s.name === 'process acs.cwmp.rpc-results' &&
        s.spanContext().traceId === traceId &&
        dev(s) === deviceId,
    );
    expect(result.kind).toBe(SpanKind.CONSUMER);

    const chain = [inform, consume, rpc, fault, result];
    for (const s of chain) expect(s.spanContext().traceId).toBe(traceId);
    for (let i = 1; i < chain.length; i++)
      expect(startNs(chain[i]!)).toBeGreaterThanOrEqual(startNs(chain[i - 1]!));
    // Every span of this device's session is in that one trace.
    const mine = spans.filter((s) => dev(s) === deviceId);
    expect(new Set(mine.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  });

  it('serves every gateway metric on /metrics with its labels after a session', async () => {
    const c = cpe('METRICS1');
    const { last } = await runSession(c);
    c.close();
    expect(last.status).toBe(204);
    // A refused Inform (device already in a session) → sessions failed {reason}.
    const a = cpe('BUSY1');
    const b = cpe('BUSY1');
    await a.send(a.informMessage(['2 PERIODIC']));
    expect((await b.send(b.informMessage(['2 PERIODIC']))).status).toBe(503);
    a.close();
    b.close();
    const address = telemetry.metricsAddress;
    if (address === undefined) throw new Error('no /metrics server');
    const want = [
      METRICS.sessionsStarted,
      METRICS.sessionsCompleted,
      METRICS.sessionsFailed,
      METRICS.sessionsActive,
      METRICS.sessionDuration,
      METRICS.rpcDuration,
      METRICS.informs,
      METRICS.faults,
      METRICS.busPublishDuration,
      METRICS.busProcessDuration,
      METRICS.dbOperationDuration,
    ];
    await expectEventually(async () => {
      const res = await fetch(`http://${address.host}:${address.port}/metrics`);
      const body = await res.text();
      expect(missingFromScrape(body, want)).toEqual([]);
      expect(body).toMatch(/acs_cwmp_informs_total\{event_code="1 BOOT"\} [1-9]/);
      expect(body).toMatch(/acs_cwmp_faults_total\{fault_code="9005",rpc_method="\w+"\} [1-9]/);
      expect(body).toMatch(/acs_cwmp_sessions_failed_total\{reason="lock_held"\} [1-9]/);
      expect(body).toMatch(/db_client_operation_duration_count\{[^}]*db_system_name="redis"/);
      expect(body).toMatch(/db_client_operation_duration_count\{[^}]*db_system_name="mongodb"/);
    }, 20_000);
  });
});

function one(spans: readonly ReadableSpan[], p: (s: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(p);
  if (found.length !== 1)
    throw new Error(
      `expected one span, found ${found.length} among ${spans.map((s) => s.name).join(', ')}`,
    );
  return found[0] as ReadableSpan;
}
const id = (s: ReadableSpan): string => s.spanContext().spanId;
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;
const dev = (s: ReadableSpan): unknown => s.attributes[ATTR.deviceId];
const startNs = (s: ReadableSpan): number => s.startTime[0] * 1e9 + s.startTime[1];

/** A plausible answer to an ACS RPC (enough for provisioning to move on). */
function answer(type: string): Parameters<CpeTestClient['send']>[0] {
  switch (type) {
    case 'SetParameterValues':
      return { type: 'SetParameterValuesResponse', status: 0 };
    case 'GetParameterValues':
      return { type: 'GetParameterValuesResponse', parameterList: [] };
    case 'GetParameterNames':
      return { type: 'GetParameterNamesResponse', parameterList: [] };
    default:
      return {
        type: 'Fault',
        faultCode: 'Client',
        faultString: 'CWMP fault',
        detail: { faultCode: 9000, faultString: 'Method not supported' },
      };
  }
}
