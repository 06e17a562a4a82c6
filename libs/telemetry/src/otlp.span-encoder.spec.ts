import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  createTraceState,
  trace,
  type Attributes,
} from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanLimits,
} from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { encodeTraceExportRequest } from './otlp.span-encoder';
import {
  decodeExportTraceServiceRequest,
  decodedSpans,
  type DecodedMessage,
} from './otlp.wire-decoder.testing';

const REMOTE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const REMOTE_SPAN_ID = 'b7ad6b7169203331';

function provider(
  exporter: InMemorySpanExporter,
  attributes: Attributes,
  spanLimits?: SpanLimits,
): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes(attributes),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    ...(spanLimits === undefined ? {} : { spanLimits }),
  });
}

function sdkBytes(spans: ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}

/** Both encoders, compared strictly decoded (meaning) and as bytes. */
function expectSameAsSdk(spans: ReadableSpan[]): DecodedMessage {
  const ours = encodeTraceExportRequest(spans);
  const theirs = sdkBytes(spans);
  const decoded = decodeExportTraceServiceRequest(ours);
  expect(decoded).toEqual(decodeExportTraceServiceRequest(theirs));
  expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  return decoded;
}

/** A span with its attributes replaced, for values the SDK's own setAttribute would refuse. */
function withAttributes(span: ReadableSpan, attributes: Record<string, unknown>): ReadableSpan {
  return Object.create(span, {
    attributes: { value: attributes, enumerable: true },
  }) as ReadableSpan;
}

/** One batch with every field kind the SDK produces, from two resources and three scopes. */
function everyFieldKind(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const a = provider(exporter, { 'service.name': 'gateway', 'host.name': 'pod-1', 'k8s.n': 3 });
  const b = provider(
    exporter,
    { 'service.name': 'provisioning', 'ünïcode.attr': 'naïve ☃ 𝄞' },
    { attributeCountLimit: 2, linkCountLimit: 1, eventCountLimit: 1 },
  );
  const cwmp = a.getTracer('acs', '1.2.3', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
  });
  const bare = a.getTracer('bare');
  const other = b.getTracer('acs.provisioning', '0.1.0');

  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: REMOTE_TRACE_ID,
    spanId: REMOTE_SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc,acs=t61'),
  });
  const server = cwmp.startSpan(
    'cwmp Inform',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'acs.device.id': '00D09E-ZX100-ZX0000123',
        'cwmp.event_codes': ['0 BOOTSTRAP', '1 BOOT', ''],
        'cwmp.retry': 0,
        'acs.big': 2 ** 40,
        'acs.max_safe': Number.MAX_SAFE_INTEGER,
        'acs.negative': -1,
        'acs.min_int': -(2 ** 53),
        'acs.double': 1.5,
        'acs.tiny': -1e-300,
        'acs.huge': 2 ** 64,
        'acs.nan': Number.NaN,
        'acs.inf': Number.NEGATIVE_INFINITY,
        'acs.flag': true,
        'acs.off': false,
        'acs.empty': '',
        'acs.empty_list': [],
        'acs.bools': [true, false],
        'acs.ints': [1, -2, 2 ** 33],
        'acs.doubles': [0.5, -0.25],
        'acs.with_holes': ['a', null, undefined, 'b'],
        'ключ 鍵': 'значение 値 🚀',
        'acs.long': 'x'.repeat(300),
        'acs.long_unicode': 'é'.repeat(100),
      },
    },
    remote,
  );
  const child = cwmp.startSpan(
    'publish acs.cwmp.informs',
    {
      kind: SpanKind.PRODUCER,
      links: [
        { context: server.spanContext() },
        {
          context: {
            traceId: REMOTE_TRACE_ID,
            spanId: REMOTE_SPAN_ID,
            traceFlags: TraceFlags.NONE,
            isRemote: true,
            traceState: createTraceState('k=v'),
          },
          attributes: { 'link.reason': 'wakeup', 'link.n': 7 },
        },
      ],
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  child.addEvent('sent', { 'messaging.kafka.partition': 3, ok: true });
  child.addEvent('retry');
  child.addEvent('big event', { payload: 'y'.repeat(200) });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker unavailable: ошибка' });
  child.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();

  for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.CONSUMER])
    bare.startSpan(`kind ${kind}`, { kind }).end();
  bare.startSpan('').end(); // empty name, no attributes: a span under 128 bytes

  const limited = other.startSpan('limited', {
    kind: SpanKind.CONSUMER,
    attributes: { a: 1, b: 2, c: 3, d: 4 },
    links: [{ context: server.spanContext() }, { context: child.spanContext() }],
  });
  limited.addEvent('one');
  limited.addEvent('two');
  limited.setStatus({ code: SpanStatusCode.ERROR });
  limited.end();
  // Interleaved with the other resource: grouping must still put it under resource a.
  cwmp.startSpan('late', { kind: SpanKind.SERVER }).end();
  return exporter.getFinishedSpans();
}

describe(encodeTraceExportRequest.name, () => {
  it('writes the same bytes as the SDK serializer for a batch with every field kind', () => {
    expectSameAsSdk(everyFieldKind());
  });

  it('groups spans by resource, then by scope with its version and schema url', () => {
    const decoded = expectSameAsSdk(everyFieldKind());
    const resources = decoded['resource_spans'] as DecodedMessage[];
    expect(resources).toHaveLength(2);
    const [first, second] = resources as [DecodedMessage, DecodedMessage];
    const scopes = (rs: DecodedMessage) =>
      (rs['scope_spans'] as DecodedMessage[]).map((ss) => ({
        scope: ss['scope'],
        schema: ss['schema_url'],
        spans: (ss['spans'] as DecodedMessage[]).map((s) => s['name']![0]),
      }));
    expect(scopes(first)).toEqual([
      {
        scope: [{ name: ['acs'], version: ['1.2.3'] }],
        schema: ['https://opentelemetry.io/schemas/1.30.0'],
        spans: ['publish acs.cwmp.informs', 'cwmp Inform', 'late'],
      },
      { scope: [{ name: ['bare'] }], schema: undefined, spans: ['kind 0', 'kind 2', 'kind 4', ''] },
    ]);
    expect(scopes(second)).toEqual([
      {
        scope: [{ name: ['acs.provisioning'], version: ['0.1.0'] }],
        schema: undefined,
        spans: ['limited'],
      },
    ]);
  });

  it('writes ids as bytes, the remote parent, its tracestate and the remote flag', () => {
    const spans = everyFieldKind();
    const server = spans.find((s) => s.name === 'cwmp Inform')!;
    const decoded = decodedSpans(expectSameAsSdk([server]))[0]!;
    expect(decoded['trace_id']).toEqual([REMOTE_TRACE_ID]);
    expect(decoded['span_id']).toEqual([server.spanContext().spanId]);
    expect(decoded['parent_span_id']).toEqual([REMOTE_SPAN_ID]);
    // The child inherits the remote parent's tracestate (W3C trace-context §3.3).
    expect(decoded['trace_state']).toEqual(['vendor=abc,acs=t61']);
    // SpanFlags: trace flags | HAS_IS_REMOTE (0x100) | IS_REMOTE (0x200).
    expect(decoded['flags']).toEqual([0x301]);
  });

  it('leaves parent_span_id out of a root span and marks its parent as known-local', () => {
    const root = everyFieldKind().find((s) => s.name === 'late')!;
    const decoded = decodedSpans(expectSameAsSdk([root]))[0]!;
    expect(decoded['parent_span_id']).toBeUndefined();
    expect(decoded['flags']).toEqual([0x101]);
  });

  it('writes the OTLP kind as the API kind + 1', () => {
    const decoded = decodedSpans(expectSameAsSdk(everyFieldKind()));
    const kinds = Object.fromEntries(
      decoded.map((s): [string, unknown] => [s['name']![0] as string, s['kind']![0]]),
    );
    // trace.proto SpanKind: UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5.
    expect(kinds).toEqual({
      'cwmp Inform': 2n,
      'publish acs.cwmp.informs': 4n,
      'kind 0': 1n,
      'kind 2': 3n,
      'kind 4': 5n,
      '': 1n,
      limited: 5n,
      late: 2n,
    });
  });

  it('writes int64 values as varints and other numbers as doubles, as the SDK decides', () => {
    const server = everyFieldKind().find((s) => s.name === 'cwmp Inform')!;
    const decoded = decodedSpans(expectSameAsSdk([server]))[0]!;
    const value = (key: string) =>
      (decoded['attributes'] as DecodedMessage[]).find((kv) => kv['key']![0] === key)!['value'];
    expect(value('acs.big')).toEqual([{ int_value: [2n ** 40n] }]);
    expect(value('acs.negative')).toEqual([{ int_value: [-1n] }]);
    expect(value('acs.min_int')).toEqual([{ int_value: [-(2n ** 53n)] }]);
    expect(value('acs.double')).toEqual([{ double_value: [1.5] }]);
    expect(value('acs.huge')).toEqual([{ double_value: [2 ** 64] }]);
    expect(value('acs.nan')).toEqual([{ double_value: [Number.NaN] }]);
    expect(value('acs.flag')).toEqual([{ bool_value: [true] }]);
    expect(value('acs.empty')).toEqual([{ string_value: [''] }]);
    expect(value('acs.empty_list')).toEqual([{ array_value: [{}] }]);
    expect(value('ключ 鍵')).toEqual([{ string_value: ['значение 値 🚀'] }]);
  });

  it('writes events, links, dropped counts and an error status with its message', () => {
    const spans = everyFieldKind();
    const decoded = decodedSpans(expectSameAsSdk(spans));
    const byName = (n: string) => decoded.find((s) => s['name']![0] === n)!;
    const child = byName('publish acs.cwmp.informs');
    expect((child['events'] as DecodedMessage[]).map((e) => e['name']![0])).toEqual([
      'sent',
      'retry',
      'big event',
    ]);
    expect(child['links']).toHaveLength(2);
    expect(child['status']).toEqual([
      { message: ['broker unavailable: ошибка'], code: [BigInt(SpanStatusCode.ERROR)] },
    ]);
    const limited = byName('limited');
    expect(limited['dropped_attributes_count']).toEqual([2n]);
    expect(limited['dropped_events_count']).toEqual([1n]);
    expect(limited['dropped_links_count']).toEqual([1n]);
  });

  it('encodes values the SDK would never store as the SDK serializer does, without throwing', () => {
    const [span] = everyFieldKind();
    const odd = withAttributes(span!, {
      undefined: undefined,
      null: null,
      bigint: 10n,
      fn: () => 1,
      symbol: Symbol('s'),
      bytes: new Uint8Array([0, 1, 255]),
      nested: { a: [1, { b: 'c' }], d: null },
      deep: [[['x']], []],
      lone: '\ud800 surrogate \udfff',
      minInt64: -(2 ** 63),
    });
    expect(() => encodeTraceExportRequest([odd])).not.toThrow();
    expectSameAsSdk([odd]);
  });

  it('writes upper-case and malformed hex ids as the SDK serializer does', () => {
    const [span] = everyFieldKind();
    for (const [traceId, spanId] of [
      ['0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331'],
      ['0af7651916cd43dd8448eb211c8031zz', 'b7ad6b71692033g1'],
      ['0af7651916cd43dd8448eb211c80319', 'b7ad6b716920333'],
    ] as const) {
      const context = { ...span!.spanContext(), traceId, spanId };
      const odd: ReadableSpan = { ...span!, spanContext: () => context };
      expectSameAsSdk([odd]);
    }
  });

  it('moves a message body when its length needs more bytes than reserved', () => {
    const [span] = everyFieldKind();
    // > 16 KiB span (3-byte length), > 127-byte attribute and a 43–127 unit non-ASCII string.
    const big = withAttributes(span!, { blob: 'z'.repeat(20_000), mixed: 'ü'.repeat(60) });
    expectSameAsSdk([big]);
  });

  it('returns an empty request for no spans', () => {
    expect(encodeTraceExportRequest([])).toEqual(new Uint8Array(0));
    expect(decodeExportTraceServiceRequest(encodeTraceExportRequest([]))).toEqual({});
  });

  it('returns a buffer the next call does not overwrite', () => {
    const spans = everyFieldKind();
    const first = encodeTraceExportRequest(spans);
    const copy = Buffer.from(first);
    encodeTraceExportRequest(spans.slice(1));
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });

  it('is rejected by the strict decoder when a field number, wire type or length is wrong', () => {
    const bytes = Buffer.from(encodeTraceExportRequest(everyFieldKind()));
    expect(() => decodeExportTraceServiceRequest(bytes)).not.toThrow();
    const mutated = (at: number, value: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = value;
      return copy;
    };
    expect(bytes[0]).toBe(0x0a); // resource_spans: field 1, LEN
    expect(() => decodeExportTraceServiceRequest(mutated(0, 0x12))).toThrow(/unknown field 2/);
    expect(() => decodeExportTraceServiceRequest(mutated(0, 0x09))).toThrow(/wire type 1/);
    // ResourceSpans length (3 varint bytes from offset 1) one byte too long.
    const long = Buffer.from(bytes);
    long[1] = long[1]! + 1;
    expect(() => decodeExportTraceServiceRequest(long)).toThrow(/runs past|truncated|unknown/);
    expect(() => decodeExportTraceServiceRequest(bytes.subarray(0, bytes.length - 1))).toThrow();
  });

  it('matches the SDK serializer for random names, attribute maps and values', () => {
    const exporter = new InMemorySpanExporter();
    const tracers = [
      provider(exporter, { 'service.name': 'r1' }).getTracer('s1', '1'),
      provider(exporter, { 'service.name': 'r2', n: 2 }).getTracer('s2'),
    ];
    const scalar = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.boolean(),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double(),
    );
    const value = fc.oneof(
      scalar,
      fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 5 }),
      fc.array(fc.maxSafeInteger(), { maxLength: 5 }),
      fc.array(fc.double(), { maxLength: 5 }),
      fc.array(fc.boolean(), { maxLength: 5 }),
    );
    const spanArb = fc.record({
      tracer: fc.nat(1),
      name: fc.string({ unit: 'binary', maxLength: 80 }),
      kind: fc.constantFrom(...Object.values(SpanKind).filter((k) => typeof k === 'number')),
      attributes: fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), value, {
        maxKeys: 8,
      }),
      event: fc.option(fc.string({ maxLength: 20 })),
      error: fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
    });
    fc.assert(
      fc.property(fc.array(spanArb, { minLength: 1, maxLength: 6 }), (defs) => {
        exporter.reset();
        for (const d of defs) {
          const span = tracers[d.tracer]!.startSpan(d.name, {
            kind: d.kind,
            attributes: d.attributes,
          });
          if (d.event !== null) span.addEvent(d.event, d.attributes);
          if (d.error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: d.error });
          span.end();
        }
        const spans = exporter.getFinishedSpans();
        expectSameAsSdk(spans);
        expect(
          decodedSpans(decodeExportTraceServiceRequest(encodeTraceExportRequest(spans))),
        ).toHaveLength(defs.length);
      }),
      { numRuns: 200 },
    );
  });
});
