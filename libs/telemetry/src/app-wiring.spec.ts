import { InMemoryEventBus } from '@acs/bus';
import { decodeInboxEntry, encodeInboxEntry } from '@acs/events';
import { InMemorySessionRegistry } from '@acs/sessions';
import { expectEventually } from '@acs/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  ConnreqMetricsEventBus,
  RegistryWakeupTraceStore,
  WakeupTraceRecordingBus,
  StunBindingsMetricsBridge,
  TimedBindingStore,
  TraceStampingSessionRegistry,
  TracedEventBus,
  currentTelemetry,
  initTelemetry,
  recordConnreqResult,
  withSpan,
  type TelemetryHandle,
} from './index';

// The pieces the apps wire around their adapters (docs/observability.md, "Wiring an app"):
// inbox trace stamping, connection-request and STUN metrics, the timed binding store, collect
// hooks, the process-wide handle, and the traced bus's choice of trace headers.

async function scrape(t: TelemetryHandle): Promise<string> {
  const port = t.metricsAddress!.port;
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

const RPC = encodeInboxEntry({
  kind: 'rpc',
  rpcId: 'r1',
  request: { type: 'GetParameterValues', parameterNames: ['Device.'] },
});

describe('app wiring helpers', () => {
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

  describe(TraceStampingSessionRegistry.name, () => {
    it('writes the active span into every inbox entry pushed inside it', async () => {
      const registry = new TraceStampingSessionRegistry(new InMemorySessionRegistry());
      let spanId = '';
      await withSpan('process acs.cwmp.informs', {}, async (span) => {
        spanId = span.spanContext().spanId;
        await registry.pushInbox('s1', [RPC, encodeInboxEntry({ kind: 'done' })], 10_000);
      });
      const first = decodeInboxEntry((await registry.popInbox('s1', 1000)) ?? '');
      expect(first).toMatchObject({ kind: 'rpc', rpcId: 'r1' });
      expect(first.kind === 'rpc' && first.trace?.traceparent.split('-')[2]).toBe(spanId);
      expect(decodeInboxEntry((await registry.popInbox('s1', 1000)) ?? '')).toEqual({
        kind: 'done',
      });
    });

    it('keeps a trace the producer set itself and leaves entries alone outside a span', async () => {
      const registry = new TraceStampingSessionRegistry(new InMemorySessionRegistry());
      const own = encodeInboxEntry({
        kind: 'rpc',
        rpcId: 'r2',
        request: { type: 'GetParameterValues', parameterNames: ['Device.'] },
        trace: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
      });
      await withSpan('x', {}, () => registry.pushInbox('s2', [own], 10_000));
      await registry.pushInbox('s2', [RPC], 10_000);
      const a = decodeInboxEntry((await registry.popInbox('s2', 1000)) ?? '');
      expect(a.kind === 'rpc' && a.trace?.traceparent).toContain('a'.repeat(32));
      expect(await registry.popInbox('s2', 1000)).toBe(RPC);
    });
  });

  describe(TracedEventBus.name, () => {
    it("refines a caller's traceparent of its own trace and keeps one of another trace", async () => {
      const inner = new InMemoryEventBus(1);
      const bus = new TracedEventBus(inner, telemetry.metrics, 'in_process');
      const seen: Record<string, string>[] = [];
      await inner.subscribe({
        groupId: 'g',
        topics: ['t'],
        handler: async (m) => void seen.push({ ...m.headers }),
      });
      const foreign = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
      let trace = '';
      let caller = '';
      await withSpan('request', {}, async (span) => {
        trace = span.spanContext().traceId;
        caller = `00-${trace}-${span.spanContext().spanId}-01`;
        await bus.publish('t', [{ key: 'k', value: 'same', headers: { traceparent: caller } }]);
        await bus.publish('t', [{ key: 'k', value: 'dlq', headers: { traceparent: foreign } }]);
      });
      await expectEventually(() => expect(seen).toHaveLength(2));
      expect(seen[0]?.['traceparent']).toContain(trace);
      expect(seen[0]?.['traceparent']).not.toBe(caller);
      expect(seen[1]?.['traceparent']).toBe(foreign);
      await inner.close();
    });
  });

  describe(`${TracedEventBus.name} without PRODUCER spans`, () => {
    it("makes the consumer's span a child of the publishing caller's span", async () => {
      exporter.reset();
      const bus = new TracedEventBus(
        new InMemoryEventBus(1),
        telemetry.metrics,
        'in_process',
        undefined,
        {
          producerSpans: false,
        },
      );
      let handled = false;
      await bus.subscribe({
        groupId: 'g',
        topics: ['t2'],
        handler: async () => void (handled = true),
      });
      let caller = '';
      await withSpan('cwmp Inform', {}, async (span) => {
        caller = span.spanContext().spanId;
        await bus.publish('t2', [{ key: 'k', value: 'v' }]);
      });
      await expectEventually(() => expect(handled).toBe(true));
      await telemetry.forceFlush();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).not.toContain('publish t2');
      const consumer = spans.find((s) => s.name === 'process t2');
      expect(consumer?.parentSpanContext?.spanId).toBe(caller);
      expect(await scrape(telemetry)).toMatch(
        /messaging_client_operation_duration_count\{[^}]*messaging_destination_name="t2"/,
      );
      await bus.close();
    });
  });

  describe(WakeupTraceRecordingBus.name, () => {
    it("keeps each wake-up's trace context by device, from inside the consumer span", async () => {
      const registry = new InMemorySessionRegistry();
      const store = new RegistryWakeupTraceStore(registry);
      const inner = new InMemoryEventBus(1);
      const bus = new WakeupTraceRecordingBus(
        new TracedEventBus(inner, telemetry.metrics, 'in_process'),
        store,
        'wakeups',
      );
      let handled = false;
      await bus.subscribe({
        groupId: 'cr',
        topics: ['wakeups'],
        handler: async () => void (handled = true),
      });
      let caller = '';
      await withSpan('WakeDevice', {}, async (span) => {
        caller = span.spanContext().traceId;
        await bus.publish('wakeups', [{ key: 'dev-1', value: '{}' }]);
      });
      await expectEventually(() => expect(handled).toBe(true));
      expect((await store.get('dev-1'))?.traceparent).toContain(caller);
      expect(await store.get('dev-2')).toBeUndefined();
      // Whatever else sits under the key is not a trace context.
      await registry.putRecord('wakeup-trace:dev-3', 'not json', 1000);
      expect(await store.get('dev-3')).toBeUndefined();
      await bus.close();
    });
  });

  describe('connection-request and STUN metrics', () => {
    it('counts every attempt by method and mapped outcome, and ignores what is not a result', async () => {
      const result = {
        schema: 'acs.connreq.result/1',
        deviceId: 'd1',
        outcome: 'accepted',
        method: 'http',
        attempts: [
          { method: 'udp', outcome: 'unreachable', at: '2026-11-29T10:00:01.000Z' },
          { method: 'http', outcome: 'busy', at: '2026-11-29T10:00:02.000Z' },
          { method: 'http', outcome: 'accepted', at: '2026-11-29T10:00:03.000Z' },
        ],
        coalesced: 0,
        requestedAt: '2026-11-29T10:00:00.000Z',
        finishedAt: '2026-11-29T10:00:03.000Z',
      };
      const inner = new InMemoryEventBus(1);
      const bus = new ConnreqMetricsEventBus(inner, telemetry.metrics, 'acs.connreq.results');
      await bus.publish('acs.connreq.results', [{ key: 'd1', value: JSON.stringify(result) }]);
      // Another topic, and junk on the results topic: nothing counted, nothing thrown.
      await bus.publish('other', [{ key: 'd1', value: JSON.stringify(result) }]);
      recordConnreqResult(telemetry.metrics, 'not json');
      recordConnreqResult(telemetry.metrics, JSON.stringify({ attempts: [{ method: 'smtp' }] }));
      const body = await scrape(telemetry);
      expect(body).toContain('acs_connreq_requests_total{method="udp",outcome="unreachable"} 1');
      expect(body).toContain('acs_connreq_requests_total{method="http",outcome="rate_limited"} 1');
      expect(body).toContain('acs_connreq_requests_total{method="http",outcome="accepted"} 1');
      expect(body).toContain('acs_connreq_duration_sum{method="http",outcome="accepted"} 3');
      await inner.close();
    });

    it('adds what the STUN counters gained since the last sync', async () => {
      const counters = { answered: 0, rejected: 0, dropped: 0, shed: 0, failed: 0 };
      const bridge = new StunBindingsMetricsBridge(telemetry.metrics, counters);
      const remove = telemetry.addCollectHook(() => bridge.sync());
      Object.assign(counters, { answered: 3, rejected: 1, dropped: 1 });
      let body = await scrape(telemetry);
      expect(body).toContain('acs_stun_bindings_total{outcome="ok"} 3');
      expect(body).toContain('acs_stun_bindings_total{outcome="invalid"} 2');
      Object.assign(counters, { answered: 5, failed: 1 });
      body = await scrape(telemetry);
      expect(body).toContain('acs_stun_bindings_total{outcome="ok"} 5');
      expect(body).toContain('acs_stun_bindings_total{outcome="error"} 1');
      remove();
    });
  });

  describe('collect hooks', () => {
    it('serves the scrape even when a hook fails or never finishes', async () => {
      const removeFailing = telemetry.addCollectHook(() => Promise.reject(new Error('down')));
      const removeStuck = telemetry.addCollectHook(() => new Promise<void>(() => undefined));
      let ran = 0;
      const removeCounting = telemetry.addCollectHook(() => void ran++);
      const res = await fetch(`http://127.0.0.1:${telemetry.metricsAddress!.port}/metrics`);
      expect(res.status).toBe(200);
      expect(ran).toBe(1);
      for (const remove of [removeFailing, removeStuck, removeCounting]) remove();
    });
  });

  describe(TimedBindingStore.name, () => {
    it('records the latency of every binding store call, failures with error.type', async () => {
      const store = new TimedBindingStore<string>(
        {
          put: async () => undefined,
          get: async () => 'b',
          delete: async () => {
            throw Object.assign(new Error('gone'), { code: 'UNAVAILABLE' });
          },
          close: async () => undefined,
        },
        telemetry.metrics,
        'redis',
      );
      await store.put('b', 1000);
      expect(await store.get('d')).toBe('b');
      await expect(store.delete('d')).rejects.toThrow('gone');
      const body = await scrape(telemetry);
      expect(body).toMatch(
        /db_client_operation_duration_count\{[^}]*db_operation_name="putBinding"[^}]*\} 1/,
      );
      expect(body).toMatch(
        /db_client_operation_duration_count\{[^}]*db_operation_name="deleteBinding",error_type="UNAVAILABLE"\} 1/,
      );
    });
  });

  it('hands the running telemetry to every runtime through currentTelemetry()', () => {
    expect(currentTelemetry()).toBe(telemetry);
    expect(currentTelemetry().enabled).toBe(true);
  });
});

describe('currentTelemetry() without a running SDK', () => {
  it('is a disabled handle with no-op instruments', () => {
    const t = currentTelemetry();
    expect(t.enabled).toBe(false);
    expect(() => t.metrics.sessionsStarted.add(1)).not.toThrow();
    expect(t.addCollectHook(() => undefined)).toEqual(expect.any(Function));
  });
});
