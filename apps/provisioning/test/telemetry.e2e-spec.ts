import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  METRICS,
  SpanKind,
  initAppTelemetry,
  missingFromScrape,
  telemetryConfigSchema,
  type TelemetryHandle,
} from '@acs/telemetry';
import { expectEventually } from '@acs/testing';
import { PROVISIONING_VERSION, loadProvisioningAppConfig } from '../src/provisioning.config';
import { ProvisioningRuntime } from '../src/provisioning.runtime';
import { Cpes, GatewayNode, infraEnv, isolation } from './support/stack';

// Issue 9 acceptance, provisioning side: the provisioning app's runtime (its own wiring: traced
// Kafka bus, trace-stamping timed Redis registry, timed MongoDB store, consumer lag probe) serves
// a simulated CPE's session behind a gateway, over the real Kafka, Redis and FerretDB. Its spans
// continue the gateway's trace, the gateway's RPC spans continue its own, and its /metrics shows
// the bus, consumer lag, Redis and store metrics.

jest.setTimeout(90_000);

const PROFILE =
  'name: telemetry\nparameters:\n  Device.ManagementServer.PeriodicInformInterval: 321\n';

describe('provisioning telemetry (Kafka + Redis + FerretDB + gateway + simulated CPE)', () => {
  const iso = isolation('prov-telemetry');
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  let dir: string;
  let gateway: GatewayNode;
  let runtime: ProvisioningRuntime;
  let cpes: Cpes;

  beforeAll(async () => {
    // What main.ts does, with an in-memory exporter and an ephemeral loopback /metrics port.
    telemetry = await initAppTelemetry(
      telemetryConfigSchema.parse({}),
      { serviceName: 'provisioning', serviceVersion: PROVISIONING_VERSION },
      { spanExporter: exporter, metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    dir = await mkdtemp(join(tmpdir(), 'prov-telemetry-'));
    await writeFile(join(dir, 'telemetry.yaml'), PROFILE);
    gateway = await GatewayNode.start(iso);
    runtime = await ProvisioningRuntime.create(
      loadProvisioningAppConfig({
        ...infraEnv(),
        ACS_TOPIC_PREFIX: iso.topicPrefix,
        ACS_REDIS_PREFIX: iso.redisPrefix,
        ACS_MONGODB_DATABASE: iso.database,
        ACS_TOPIC_PARTITIONS: '3',
        ACS_LOG_LEVEL: 'silent',
        PROVISIONING_PROFILE_DIR: dir,
      }),
    );
    await runtime.onApplicationBootstrap();
    cpes = new Cpes(gateway.url);
  }, 90_000);

  afterAll(async () => {
    cpes.stop();
    await runtime.beforeApplicationShutdown();
    await runtime.onApplicationShutdown();
    await gateway.stop();
    await telemetry.shutdown();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('continues the gateway trace and hands it back to the gateway through the inbox', async () => {
    const cpe = cpes.add('PTEL');
    expect(await cpes.session(cpe, 'bootstrap')).toMatchObject({ ok: true });
    await expectEventually(async () => {
      await telemetry.forceFlush();
      const spans = exporter.getFinishedSpans();
      const inform = one(spans, (s) => s.name === 'cwmp Inform' && dev(s) === cpe.deviceId);
      const traceId = inform.spanContext().traceId;
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
      // Provisioning: the CONSUMER span of the Inform, a descendant of the gateway's root span.
      const consume = one(inTrace, (s) => s.name === 'process acs.cwmp.informs');
      expect(consume.kind).toBe(SpanKind.CONSUMER);
      expect(consume.attributes[ATTR.messagingConsumerGroup]).toBe('provisioning');
      expect(ancestors(inTrace, consume)).toContain(inform.spanContext().spanId);
      // The gateway again: the first RPC it sent is a child of that span (via the inbox entry).
      const rpcs = inTrace.filter((s) => s.kind === SpanKind.CLIENT && s.name.startsWith('cwmp '));
      expect(rpcs.length).toBeGreaterThan(0);
      expect(rpcs.map((s) => s.parentSpanContext?.spanId)).toContain(consume.spanContext().spanId);
      for (const r of rpcs) {
        expect(r.attributes[ATTR.sessionId]).toBe(inform.attributes[ATTR.sessionId]);
        expect(startNs(r)).toBeGreaterThanOrEqual(startNs(consume));
      }
      // The RPC results go back to provisioning in the same trace.
      expect(inTrace.map((s) => s.name)).toContain('process acs.cwmp.rpc-results');
    }, 20_000);
  });

  it('serves the bus, consumer lag, Redis and store metrics on /metrics', async () => {
    const address = telemetry.metricsAddress;
    if (address === undefined) throw new Error('no /metrics server');
    await expectEventually(async () => {
      const body = await (await fetch(`http://${address.host}:${address.port}/metrics`)).text();
      expect(
        missingFromScrape(body, [
          METRICS.busPublishDuration,
          METRICS.busProcessDuration,
          METRICS.busConsumerLag,
          METRICS.dbOperationDuration,
        ]),
      ).toEqual([]);
      expect(body).toMatch(
        /acs_bus_consumer_lag\{(?=[^}]*messaging_consumer_group_name="provisioning")(?=[^}]*messaging_destination_name="acs\.cwmp\.informs")/,
      );
      expect(body).toMatch(
        /messaging_process_duration_count\{[^}]*messaging_destination_name="acs\.cwmp\.informs"/,
      );
      expect(body).toMatch(
        /db_client_operation_duration_count\{[^}]*db_operation_name="pushInbox"/,
      );
      expect(body).toMatch(/db_client_operation_duration_count\{[^}]*db_system_name="mongodb"/);
    }, 20_000);
  });
});

function one(spans: readonly ReadableSpan[], p: (s: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(p);
  if (found.length !== 1) throw new Error(`expected one span, found ${found.length}`);
  return found[0] as ReadableSpan;
}
const dev = (s: ReadableSpan): unknown => s.attributes[ATTR.deviceId];
const startNs = (s: ReadableSpan): number => s.startTime[0] * 1e9 + s.startTime[1];

/** Span ids from `span`'s parent up to the root, within `spans`. */
function ancestors(spans: readonly ReadableSpan[], span: ReadableSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const out: string[] = [];
  let parent = span.parentSpanContext?.spanId;
  while (parent !== undefined && out.length < 64) {
    out.push(parent);
    parent = byId.get(parent)?.parentSpanContext?.spanId;
  }
  return out;
}
