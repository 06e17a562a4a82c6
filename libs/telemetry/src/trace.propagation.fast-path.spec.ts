import {
  ROOT_CONTEXT,
  TraceFlags,
  defaultTextMapSetter,
  trace,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { TraceState, W3CTraceContextPropagator, suppressTracing } from '@opentelemetry/core';
import fc from 'fast-check';
import {
  extractFromHeaders,
  extractFromTraceContext,
  initTelemetry,
  injectIntoHeaders,
  type TelemetryHandle,
} from './index';

// trace.propagation.ts parses and writes the common traceparent itself instead of going through
// the W3C propagator (a hot path). These properties hold it to exactly the propagator's results.
const w3c = new W3CTraceContextPropagator();

// Header names are matched case-insensitively (HTTP; producers may capitalise Kafka headers).
const anyCase: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) =>
    carrier[key] ?? Object.entries(carrier).find(([k]) => k.toLowerCase() === key)?.[1],
};

function viaPropagator(headers: Record<string, string>): SpanContext | undefined {
  return trace.getSpanContext(w3c.extract(ROOT_CONTEXT, headers, anyCase));
}
function injectedByPropagator(sc: SpanContext): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpanContext(ROOT_CONTEXT, sc), carrier, defaultTextMapSetter);
  return carrier;
}
const plain = (sc: SpanContext | undefined): unknown =>
  sc === undefined ? undefined : { ...sc, traceState: sc.traceState?.serialize() };

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
// Mostly well-formed values, some zeros, some wrong characters, lengths or separators.
const idOf = (n: number) =>
  fc.oneof(
    { weight: 6, arbitrary: hex(n) },
    { weight: 1, arbitrary: fc.constant('0'.repeat(n)) },
    { weight: 1, arbitrary: hex(n).map((s) => s.toUpperCase()) },
    { weight: 1, arbitrary: fc.string({ minLength: n - 1, maxLength: n + 1 }) },
  );
const traceparent = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom('00', '01', 'ff', 'zz'),
        idOf(32),
        idOf(16),
        fc.oneof(hex(2), fc.constant('0g')),
      )
      .map(([v, t, s, f]) => `${v}-${t}-${s}-${f}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hex(32), hex(16), fc.constantFrom(' ', '-extra', ' \t'))
      .map(([t, s, tail]) => `00-${t}-${s}-01${tail}`),
  },
);

describe('trace propagation fast path', () => {
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({ serviceName: 'test', serviceVersion: '0', enabled: true });
  });
  afterAll(() => telemetry.shutdown());

  it('extracts from bus and HTTP headers exactly what the W3C propagator extracts', () => {
    fc.assert(
      fc.property(
        traceparent,
        fc.option(fc.constantFrom('a=1', 'x=y,z=w')),
        fc.constantFrom('tracestate', 'TraceState', 'TRACESTATE'),
        (tp, ts, tsKey) => {
          const headers: Record<string, string> = { traceparent: tp, 'x-event-schema': 'v1' };
          if (ts !== null) headers[tsKey] = ts;
          expect(plain(trace.getSpanContext(extractFromHeaders(headers, ROOT_CONTEXT)))).toEqual(
            plain(viaPropagator(headers)),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('extracts from an inbox trace field exactly what the W3C propagator extracts', () => {
    fc.assert(
      fc.property(traceparent, (tp) => {
        expect(
          plain(trace.getSpanContext(extractFromTraceContext({ traceparent: tp }, ROOT_CONTEXT))),
        ).toEqual(plain(viaPropagator({ traceparent: tp })));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes exactly the headers the W3C propagator writes', () => {
    const spanContext = fc.record({
      traceId: idOf(32),
      spanId: idOf(16),
      traceFlags: fc.constantFrom(TraceFlags.NONE, TraceFlags.SAMPLED),
      isRemote: fc.boolean(),
      traceState: fc.option(fc.constantFrom('a=1', 'vendor=x,other=y'), { nil: undefined }),
    });
    fc.assert(
      fc.property(spanContext, (raw) => {
        const sc: SpanContext = {
          traceId: raw.traceId,
          spanId: raw.spanId,
          traceFlags: raw.traceFlags,
          isRemote: raw.isRemote,
          ...(raw.traceState === undefined ? {} : { traceState: new TraceState(raw.traceState) }),
        };
        expect(injectIntoHeaders({}, trace.setSpanContext(ROOT_CONTEXT, sc))).toEqual(
          injectedByPropagator(sc),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('writes nothing when tracing is suppressed or the context has no span', () => {
    const sc: SpanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const ctx = trace.setSpanContext(ROOT_CONTEXT, sc);
    expect(injectIntoHeaders({}, ctx)).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(injectIntoHeaders({}, suppressTracing(ctx))).toEqual({});
    expect(injectIntoHeaders({}, ROOT_CONTEXT)).toEqual({});
  });
});

describe('trace propagation with telemetry off', () => {
  it('neither writes nor reads trace context', () => {
    const sc: SpanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    expect(injectIntoHeaders({}, trace.setSpanContext(ROOT_CONTEXT, sc))).toEqual({});
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(
      trace.getSpanContext(extractFromHeaders({ traceparent: tp }, ROOT_CONTEXT)),
    ).toBeUndefined();
    expect(
      trace.getSpanContext(extractFromTraceContext({ traceparent: tp }, ROOT_CONTEXT)),
    ).toBeUndefined();
  });
});
