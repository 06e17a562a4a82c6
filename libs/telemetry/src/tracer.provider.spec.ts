import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type HrTime,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider as SdkTracerProvider,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { RedactingSpanProcessor } from './redacting.span-processor';
import { newSpanId, newTraceId } from './tracer.ids';
import { AcsTracerProvider } from './tracer.provider';

// AcsTracerProvider must export what the SDK's TracerProvider exports for the same calls: each
// scenario runs once through each provider (same resource, sampler, processors) and the exported
// spans are compared with ids replaced by their roles and times by their order.

const resource = resourceFromAttributes({ 'service.name': 'spec' });

interface Rig {
  readonly provider: TracerProvider & { shutdown(): Promise<void> };
  readonly exporter: InMemorySpanExporter;
}

function rigs(rootSampler: Sampler): { sdk: Rig; acs: Rig } {
  const make = (kind: 'sdk' | 'acs'): Rig => {
    const exporter = new InMemorySpanExporter();
    const processors = [new RedactingSpanProcessor(), new SimpleSpanProcessor({ exporter })];
    const provider =
      kind === 'sdk'
        ? new SdkTracerProvider({
            resource,
            sampler: new ParentBasedSampler({ root: rootSampler }),
            spanProcessors: processors,
          })
        : new AcsTracerProvider({ resource, rootSampler, processors });
    return { provider, exporter };
  };
  return { sdk: make('sdk'), acs: make('acs') };
}

const REMOTE: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};

const ns = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** Exported spans with ids as roles (span n of the list, or the literal remote id) and times as order. */
function normalise(spans: readonly ReadableSpan[]): unknown[] {
  const role = (id: string | undefined): string | undefined => {
    if (id === undefined) return undefined;
    const i = spans.findIndex((s) => s.spanContext().spanId === id);
    return i >= 0 ? `span ${i}` : id;
  };
  const traces = [...new Set(spans.map((s) => s.spanContext().traceId))];
  const traceRole = (id: string): string => {
    const i = traces.indexOf(id);
    return id === REMOTE.traceId ? id : `trace ${i}`;
  };
  return spans.map((s) => {
    const ctx = s.spanContext();
    const start = ns(s.startTime);
    const end = ns(s.endTime);
    return {
      name: s.name,
      kind: s.kind,
      trace: traceRole(ctx.traceId),
      traceFlags: ctx.traceFlags,
      traceState: ctx.traceState?.serialize(),
      parent: role(s.parentSpanContext?.spanId),
      parentRemote: s.parentSpanContext?.isRemote,
      attributes: s.attributes,
      droppedAttributesCount: s.droppedAttributesCount,
      status: s.status,
      events: s.events.map((e) => ({
        name: e.name,
        attributes: e.attributes,
        dropped: e.droppedAttributesCount,
        inSpan: ns(e.time) >= start - 1_000_000n && ns(e.time) <= end + 1_000_000n,
      })),
      droppedEventsCount: s.droppedEventsCount,
      links: s.links.map((l) => ({
        trace: traceRole(l.context.traceId),
        span: role(l.context.spanId),
        attributes: l.attributes,
        dropped: l.droppedAttributesCount,
      })),
      droppedLinksCount: s.droppedLinksCount,
      ended: s.ended,
      ordered: end >= start,
      durationMatches: ns(s.duration) === end - start,
      scope: s.instrumentationScope,
      sameResource: s.resource === resource,
    };
  });
}

/** Runs `scenario` through both providers and expects the same exported spans. */
function expectSame(rootSampler: Sampler, scenario: (tracer: Tracer) => void): ReadableSpan[] {
  const { sdk, acs } = rigs(rootSampler);
  scenario(sdk.provider.getTracer('acs', '1.2.3'));
  scenario(acs.provider.getTracer('acs', '1.2.3'));
  const got = acs.exporter.getFinishedSpans();
  expect(normalise(got)).toEqual(normalise(sdk.exporter.getFinishedSpans()));
  return [...got];
}

describe('AcsTracerProvider against the SDK TracerProvider', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    context.disable();
  });

  it('exports the same span tree: kinds, parents, attributes, status, events, links', () => {
    const timeout = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
    const spans = expectSame(new AlwaysOnSampler(), (tracer) => {
      const root = tracer.startSpan('cwmp Inform', {
        kind: SpanKind.SERVER,
        attributes: { 'acs.device.id': 'OUI-PC-SN', n: 3, ok: true, list: ['a', 'b'] },
      });
      const child = tracer.startSpan(
        'publish',
        { kind: SpanKind.PRODUCER, links: [{ context: REMOTE, attributes: { why: 'woke' } }] },
        trace.setSpan(ROOT_CONTEXT, root),
      );
      child.setAttribute('messaging.destination.name', 'acs.cwmp.informs');
      child.setAttributes({ a: 1, b: 'x', c: undefined });
      child.addEvent('queued', { depth: 2 });
      child.addEvent('timed', Date.now());
      child.addLink({ context: root.spanContext() });
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
      child.recordException(timeout);
      child.recordException('plain text');
      child.updateName('publish acs.cwmp.informs');
      child.end();
      root.setStatus({ code: SpanStatusCode.OK });
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored after OK' });
      root.end();
    });
    expect(spans).toHaveLength(2);
  });

  it('redacts credentials through the same processor chain', () => {
    const [span] = expectSame(new AlwaysOnSampler(), (tracer) => {
      const s = tracer.startSpan('auth', { attributes: { password: 'hunter2', user: 'u' } });
      s.setAttribute('http.request.header.authorization', 'Basic dXNlcjpwdw==');
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'GET http://admin:hunter2@cpe.example/ refused' });
      s.end();
    });
    expect(JSON.stringify(span!.attributes)).not.toContain('hunter2');
    expect(span!.status.message).not.toContain('hunter2');
  });

  it('applies the same limits: 128 attributes, events and links; invalid values dropped', () => {
    expectSame(new AlwaysOnSampler(), (tracer) => {
      const many = Array.from({ length: 140 }, (_, i) => ({ context: REMOTE, attributes: { i } }));
      const s = tracer.startSpan('limits', { links: many });
      for (let i = 0; i < 140; i++) s.setAttribute(`k${i}`, i);
      s.setAttribute('k5', 'overwritten at the limit');
      s.setAttribute('', 'empty key');
      s.setAttribute('bad', { nested: { deep: [1, 'two'] } });
      s.setAttribute('fn', (() => 1));
      s.setAttribute('mixed', [1, 'a'] as unknown);
      for (let i = 0; i < 130; i++) s.addEvent(`e${i}`, { i, bad: {} });
      for (let i = 0; i < 130; i++) s.addLink({ context: REMOTE, attributes: { i } });
      s.end();
    });
  });

  it('copies array attribute values as the SDK does (a later change to the caller’s array is not exported)', () => {
    const [span] = expectSame(new AlwaysOnSampler(), (tracer) => {
      const list = ['a'];
      const s = tracer.startSpan('copy', { attributes: { list } });
      s.setAttribute('later', list);
      list.push('b');
      s.end();
    });
    expect(span!.attributes['list']).toEqual(['a']);
    expect(span!.attributes['later']).toEqual(['a']);
  });

  it('ignores calls on an ended span and a second end', () => {
    expectSame(new AlwaysOnSampler(), (tracer) => {
      const s = tracer.startSpan('once');
      s.end();
      s.setAttribute('late', 1);
      s.addEvent('late');
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'late' });
      s.updateName('renamed late');
      s.end();
      expect(s.isRecording()).toBe(false);
    });
  });

  it('follows a remote parent, starts a new trace for root spans and invalid parents', () => {
    expectSame(new AlwaysOnSampler(), (tracer) => {
      const remote = trace.setSpanContext(ROOT_CONTEXT, REMOTE);
      tracer.startSpan('remote child', {}, remote).end();
      tracer.startSpan('forced root', { root: true }, remote).end();
      const invalid = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: 'not-hex',
        spanId: 'zz',
        traceFlags: TraceFlags.SAMPLED,
      });
      tracer.startSpan('invalid parent', {}, invalid).end();
    });
  });

  it('samples by the parent: an unsampled parent gives non-recording children of its trace', () => {
    const { acs } = rigs(new AlwaysOnSampler());
    const tracer = acs.provider.getTracer('acs');
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { ...REMOTE, traceFlags: 0 });
    const child = tracer.startSpan('child', {}, unsampled);
    expect(child.isRecording()).toBe(false);
    expect(child.spanContext().traceId).toBe(REMOTE.traceId);
    expect(child.spanContext().spanId).not.toBe(REMOTE.spanId);
    child.end();
    expect(acs.exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('asks the root sampler for root spans only', () => {
    const { acs } = rigs(new AlwaysOffSampler());
    const tracer = acs.provider.getTracer('acs');
    expect(tracer.startSpan('root').isRecording()).toBe(false);
    const sampledParent = trace.setSpanContext(ROOT_CONTEXT, REMOTE);
    const child = tracer.startSpan('child', {}, sampledParent);
    expect(child.isRecording()).toBe(true);
    child.end();
    expect(acs.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child']);
  });

  it('records without sampling when the root sampler says RECORD, as the SDK does', () => {
    const recordOnly: Sampler = {
      shouldSample: () => ({ decision: SamplingDecision.RECORD }),
      toString: () => 'RecordOnly',
    };
    const { sdk, acs } = rigs(recordOnly);
    for (const rig of [sdk, acs]) {
      const span = rig.provider.getTracer('acs').startSpan('recorded, not sampled');
      expect(span.isRecording()).toBe(true);
      expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
      span.end();
      // The exporters' processors skip unsampled spans.
      expect(rig.exporter.getFinishedSpans()).toHaveLength(0);
    }
  });

  it('makes the same ratio decisions as the SDK for the same trace ids', () => {
    const ratio = new TraceIdRatioBasedSampler(0.3);
    const sdkSampler = new ParentBasedSampler({ root: ratio });
    const { acs } = rigs(ratio);
    const tracer = acs.provider.getTracer('acs');
    let sampled = 0;
    for (let i = 0; i < 2_000; i++) {
      const span = tracer.startSpan('root');
      const traceId = span.spanContext().traceId;
      const expected = sdkSampler.shouldSample(ROOT_CONTEXT, traceId, 'root', SpanKind.INTERNAL, {}, []);
      expect(span.isRecording()).toBe(expected.decision === SamplingDecision.RECORD_AND_SAMPLED);
      expect((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0).toBe(span.isRecording());
      if (span.isRecording()) sampled++;
      span.end();
    }
    // About 30 % (binomial, n = 2,000: ±5 points is more than 4 standard deviations).
    expect(sampled).toBeGreaterThan(500);
    expect(sampled).toBeLessThan(700);
  });

  it('records nothing while tracing is suppressed (the exporter’s own HTTP calls)', () => {
    const { acs } = rigs(new AlwaysOnSampler());
    const span = acs.provider
      .getTracer('acs')
      .startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('startActiveSpan makes the span active for every overload', () => {
    const { acs } = rigs(new AlwaysOnSampler());
    const tracer = acs.provider.getTracer('acs');
    const active = (): string | undefined => trace.getActiveSpan()?.spanContext().spanId;
    const ids: Array<[string | undefined, string]> = [];
    const record = (s: Span): void => {
      ids.push([active(), s.spanContext().spanId]);
      s.end();
    };
    tracer.startActiveSpan('a', record);
    tracer.startActiveSpan('b', { kind: SpanKind.CLIENT }, record);
    tracer.startActiveSpan('c', {}, ROOT_CONTEXT, record);
    expect(ids).toHaveLength(3);
    for (const [activeId, own] of ids) expect(activeId).toBe(own);
    expect(acs.exporter.getFinishedSpans().map((s) => [s.name, s.kind])).toEqual([
      ['a', SpanKind.INTERNAL],
      ['b', SpanKind.CLIENT],
      ['c', SpanKind.INTERNAL],
    ]);
  });

  it('starts and ends spans at the wall-clock time, ends never before starts', () => {
    const { acs } = rigs(new AlwaysOnSampler());
    const before = Date.now();
    const span = acs.provider.getTracer('acs').startSpan('t');
    span.end();
    const after = Date.now();
    const [s] = acs.exporter.getFinishedSpans();
    const startMs = s!.startTime[0] * 1e3 + s!.startTime[1] / 1e6;
    expect(startMs).toBeGreaterThanOrEqual(before - 2);
    expect(startMs).toBeLessThanOrEqual(after + 2);
    expect(s!.endTime[1]).toBeLessThan(1e9);
    expect(ns(s!.endTime) >= ns(s!.startTime)).toBe(true);
  });

  it('uses given start and end times as the SDK does', () => {
    expectSame(new AlwaysOnSampler(), (tracer) => {
      const s = tracer.startSpan('given', { startTime: new Date(1_700_000_000_000) });
      s.end([1_700_000_001, 500]);
      const backwards = tracer.startSpan('backwards', { startTime: [1_700_000_002, 0] });
      backwards.end([1_700_000_001, 0]);
    });
  });
});

describe('trace and span ids', () => {
  it('are lower-case hex of the W3C lengths, never all zero, and do not repeat', () => {
    const spans = new Set<string>();
    const traces = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const s = newSpanId();
      const t = newTraceId();
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).not.toBe('0000000000000000');
      spans.add(s);
      traces.add(t);
    }
    expect(spans.size).toBe(20_000);
    expect(traces.size).toBe(20_000);
  });

  it('parent/child relations hold for any tree shape (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (parents) => {
        expectSame(new AlwaysOnSampler(), (tracer) => {
          const made: Span[] = [];
          for (const [i, p] of parents.entries()) {
            const parent = i === 0 ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, made[p % i]!);
            made.push(tracer.startSpan(`s${i}`, {}, parent));
          }
          for (const s of [...made].reverse()) s.end();
        });
      }),
      { numRuns: 50 },
    );
  });
});
