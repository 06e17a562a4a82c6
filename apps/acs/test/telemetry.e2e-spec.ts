import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { CONNREQ_WAKEUPS_TOPIC, CpeHttpServer, WAKEUP_SCHEMA_V1 } from '@acs/connreq';
import { CpeTestClient } from '@acs/gateway';
import { buildBindingRequest, decodeStunMessage } from '@acs/stun';
import {
  ATTR,
  METRICS,
  SpanKind,
  initAppTelemetry,
  missingFromScrape,
  traceHeaders,
  withSpan,
  type TelemetryHandle,
} from '@acs/telemetry';
import { expectEventually } from '@acs/testing';
import { ACS_VERSION, loadAcsConfig } from '../src/acs.config';
import { AcsRuntime } from '../src/acs.runtime';

// Issue 9 acceptance, all-in-one: the acs app's runtime (gateway, provisioning, connection
// requests and STUN in one process on the journalled in-process bus and SQLite) after a session
// with a CPE fault, a wake-up over HTTP and a STUN binding: one trace per session through the
// in-process bus, and every metric of the issue on /metrics. (Consumer lag is measured on Kafka
// only; the in-process bus has no lag metric.)

jest.setTimeout(60_000);

describe('acs (all-in-one) telemetry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-telemetry-'));
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  let acs: AcsRuntime;

  beforeAll(async () => {
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    writeFileSync(
      join(profiles, 'periodic.yaml'),
      'name: periodic\nparameters:\n  Device.ManagementServer.PeriodicInformInterval: 321\n',
    );
    const config = loadAcsConfig({
      ACS_DATA_DIR: join(dir, 'data'),
      ACS_PROFILE_DIR: profiles,
      GATEWAY_PORT: '0',
      GATEWAY_BIND: '127.0.0.1',
      GATEWAY_AUTH: 'none',
      STUN_HOST: '127.0.0.1',
      STUN_PORT: '0',
      STUN_REQUIRE_AUTH: 'false',
      CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
      CONNREQ_DENY_CIDRS: '',
      METRICS_HOST: '127.0.0.1',
    });
    // What main.ts does, with an in-memory exporter and an ephemeral /metrics port.
    telemetry = await initAppTelemetry(
      config.telemetry,
      { serviceName: 'acs', serviceVersion: ACS_VERSION },
      { spanExporter: exporter, metrics: { prometheus: { port: 0, host: '127.0.0.1' } } },
    );
    acs = await AcsRuntime.create(config, pino({ level: 'silent' }));
    await acs.onApplicationBootstrap();
  });

  afterAll(async () => {
    await acs.beforeApplicationShutdown();
    await acs.onApplicationShutdown();
    await telemetry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('traces a session with a CPE fault, links the session a wake-up caused to the API call, and serves every metric', async () => {
    const cpe = new CpeTestClient({
      url: `http://127.0.0.1:${acs.address?.port}/`,
      root: 'Device',
      identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'ALL', serialNumber: 'T1' },
    });
    const deviceId = '00D09E-ALL-T1';
    // Session: Inform, empty POST → the profile's first RPC, answered with fault 9005, then 204s.
    await cpe.send(cpe.informMessage(['0 BOOTSTRAP', '1 BOOT']));
    let reply = await cpe.send(null);
    const first = reply.envelope?.body.type;
    expect(first).toBeDefined();
    for (let i = 0; i < 10 && reply.status === 200; i++)
      reply = await cpe.send({
        type: 'Fault',
        faultCode: 'Client',
        faultString: 'CWMP fault',
        detail: { faultCode: 9005, faultString: 'Invalid parameter name' },
      });
    expect(reply.status).toBe(204);
    // A second Inform of a device already in a session is refused (lock held).
    const again = new CpeTestClient({ ...cpe.options });
    await cpe.send(cpe.informMessage(['2 PERIODIC']));
    expect((await again.send(again.informMessage(['2 PERIODIC']))).status).toBe(503);
    expect((await cpe.send(null)).status).toBeLessThan(300);
    cpe.close();
    again.close();

    // A wake-up over HTTP (TR-069 3.2.2) to a CPE stand-in on loopback, asked for inside a span
    // (an API call); the CPE's next session (6 CONNECTION REQUEST) links to that span.
    const cr = new CpeHttpServer({ host: '127.0.0.1', username: 'cr', password: 'pw' });
    await cr.listen();
    let apiCall = { traceId: '', spanId: '' };
    try {
      await withSpan('WakeDevice', {}, async (span) => {
        apiCall = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
        await acs.bus.publish(CONNREQ_WAKEUPS_TOPIC, [
          {
            key: deviceId,
            value: JSON.stringify({
              schema: WAKEUP_SCHEMA_V1,
              deviceId,
              requestedAt: new Date().toISOString(),
              contact: { deviceId, http: { url: cr.url('/cr'), username: 'cr', password: 'pw' } },
            }),
            headers: traceHeaders(),
          },
        ]);
      });
      await expectEventually(() => expect(cr.counts.accepted).toBe(1), 15_000);
    } finally {
      await cr.close();
    }
    const woken = new CpeTestClient({ ...cpe.options });
    expect((await woken.send(woken.informMessage(['6 CONNECTION REQUEST']))).status).toBe(200);
    expect((await woken.send(null)).status).toBeLessThan(300);
    woken.close();

    // A STUN Binding Request to the embedded server.
    const stun = acs.connreq?.stun;
    if (stun === undefined) throw new Error('no STUN server');
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const answered = new Promise<Buffer>((resolve) => udp.once('message', resolve));
    udp.send(buildBindingRequest({ transactionId: Buffer.alloc(12, 1) }), stun.port, '127.0.0.1');
    expect(decodeStunMessage(await answered).cls).toBe('success');
    udp.close();

    // One trace: the gateway's Inform → provisioning's CONSUMER span → the RPC the gateway sent.
    await telemetry.forceFlush();
    const spans = exporter.getFinishedSpans();
    const inform = spans.find(
      (s) =>
        s.name === 'cwmp Inform' &&
        s.attributes[ATTR.deviceId] === deviceId &&
        (s.attributes[ATTR.eventCodes] as string[]).includes('1 BOOT'),
    );
    if (inform === undefined) throw new Error('no Inform span');
    const inTrace = spans.filter((s) => s.spanContext().traceId === inform.spanContext().traceId);
    const consume = inTrace.find(
      (s) =>
        s.name === 'process acs.cwmp.informs' &&
        s.attributes[ATTR.messagingConsumerGroup] === 'provisioning',
    );
    const rpc = inTrace.find((s) => s.name === `cwmp ${first}` && s.kind === SpanKind.CLIENT);
    expect(consume?.kind).toBe(SpanKind.CONSUMER);
    expect(rpc?.parentSpanContext?.spanId).toBe(consume?.spanContext().spanId);
    const fault = inTrace.find((s: ReadableSpan) => s.name === 'cwmp Fault');
    expect(fault?.attributes[ATTR.faultCode]).toBe('9005');

    // The session the wake-up caused is a new trace whose root links to the API call.
    const crSession = spans.find(
      (s) =>
        s.name === 'cwmp Inform' &&
        (s.attributes[ATTR.eventCodes] as string[]).includes('6 CONNECTION REQUEST'),
    );
    expect(crSession?.spanContext().traceId).not.toBe(apiCall.traceId);
    // The link points into the API call's trace: at the wake-up's handling, a child of the call.
    const handled = spans.find((s) => s.name === 'process acs.connreq.wakeups');
    expect(handled?.parentSpanContext?.spanId).toBe(apiCall.spanId);
    expect(crSession?.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [apiCall.traceId, handled?.spanContext().spanId],
    ]);
    expect(crSession?.links[0]?.attributes).toEqual({ [ATTR.linkReason]: 'connection-request' });

    const address = telemetry.metricsAddress;
    if (address === undefined) throw new Error('no /metrics server');
    await expectEventually(async () => {
      const body = await (await fetch(`http://${address.host}:${address.port}/metrics`)).text();
      const { busConsumerLag: _kafkaOnly, apiCallDuration: _nbiOnly, ...acsMetrics } = METRICS;
      expect(missingFromScrape(body, Object.values(acsMetrics))).toEqual([]);
      expect(body).toMatch(/acs_cwmp_faults_total\{fault_code="9005",rpc_method="\w+"\} [1-9]/);
      expect(body).toMatch(/acs_cwmp_sessions_failed_total\{reason="lock_held"\} 1/);
      expect(body).toMatch(/acs_connreq_requests_total\{method="http",outcome="accepted"\} 1/);
      expect(body).toMatch(/acs_stun_bindings_total\{outcome="ok"\} 1/);
      expect(body).toMatch(/messaging_process_duration_count\{[^}]*messaging_system="in_process"/);
      expect(body).toMatch(/db_client_operation_duration_count\{[^}]*db_system_name="sqlite"/);
    }, 15_000);
  });
});
