import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import {
  CwmpError,
  CwmpErrorCode,
  parseEnvelope,
  serializeEnvelope,
  type CwmpEnvelope,
  type CwmpValue,
  type ParameterValue,
} from '../index';
import { SAMPLE_MESSAGES } from '../../test/sample-messages';

// Property-based and mutation fuzzing: ~210,000 inputs per run (the counts below). Whatever the
// input, parseEnvelope returns an envelope or throws a CwmpError — never another exception, never a
// hang (each input is timed), never output out of proportion to the input (no amplification); and
// whatever it returns serializes and parses back to the same thing.

const RUNS = { mutation: 120_000, values: 30_000, garbage: 30_000, trees: 30_000 };
jest.setTimeout(120_000);

const SEEDS: readonly Buffer[] = [
  ...SAMPLE_MESSAGES.flatMap((m) =>
    (['1.0', '1.2'] as const).map((version) =>
      Buffer.from(
        serializeEnvelope({
          version,
          header: { id: `id-${m.type}`, holdRequests: false },
          body: m,
        }),
      ),
    ),
  ),
  ...readdirSync(path.resolve(__dirname, '../../test/fixtures/field')).map((f) =>
    readFileSync(path.resolve(__dirname, '../../test/fixtures/field', f)),
  ),
];

let slowest = 0;

/** The invariant every input must satisfy. */
function check(input: Buffer | string): void {
  const t0 = performance.now();
  let env: CwmpEnvelope | undefined;
  try {
    env = parseEnvelope(input);
  } catch (e) {
    if (!(e instanceof CwmpError)) throw e;
    expect(Object.values(CwmpErrorCode)).toContain(e.code);
  }
  slowest = Math.max(slowest, performance.now() - t0);
  if (env === undefined) return;
  let xml: string;
  try {
    xml = serializeEnvelope(env);
  } catch (e) {
    // A parsed value XML cannot carry (a raw control character from a flipped byte) is refused, typed.
    if (e instanceof CwmpError && e.code === CwmpErrorCode.InvalidValue) return;
    throw e;
  }
  // Bounded output: 5 predefined entities and char refs expand to at most one character each.
  expect(xml.length).toBeLessThan(input.length * 6 + 4096);
  expect(parseEnvelope(xml)).toEqual(env);
}

const INSERTS = [
  '<',
  '&',
  '>',
  '"',
  "'",
  '/>',
  '</',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '<!ENTITY e SYSTEM "file:///etc/passwd">',
  '&a;',
  '&lt;',
  '&#0;',
  '&#x1F600;',
  '&#xD800;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?pi x?>',
  '\u0000',
  '\uFEFF',
  'xmlns:cwmp="urn:dslforum-org:cwmp-1-4"',
  '<a>'.repeat(70),
  '<a>'.repeat(2000) + '</a>'.repeat(2000),
  '<ParameterValueStruct><Name>X</Name><Value xsi:type="xsd:unsignedLong">18446744073709551616</Value></ParameterValueStruct>',
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  // Structure-preserving: replace the text after the next '>' (so most results still parse and round-trip).
  | { kind: 'retext'; at: number; text: string }
  | { kind: 'space'; at: number; text: string };

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: frac }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: frac,
    len: fc.integer({ min: 1, max: 400 }),
    to: frac,
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: frac,
    len: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: frac,
    text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 8 })),
  }),
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('retext' as const),
      at: frac,
      text: fc.oneof(
        fc
          .string({ unit: 'binary', maxLength: 12 })
          .map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
        fc.constantFrom(
          '',
          ' ',
          '&amp;&lt;&gt;&quot;&apos;',
          '&#x10FFFF;',
          '<![CDATA[<&>]]>',
          '<!--x-->y',
          '-1',
          '4294967296',
          'True',
          '\r\n',
          '&nbsp;',
        ),
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('space' as const),
      at: frac,
      text: fc.constantFrom(' ', '\n\t', '<!-- -->', '<?pi?>', '\r\n  '),
    }),
  },
);

function mutate(seed: Buffer, ms: readonly Mutation[]): Buffer {
  let b = seed;
  for (const m of ms) {
    const at = Math.floor(m.at * b.length);
    switch (m.kind) {
      case 'flip': {
        b = Buffer.from(b);
        if (b.length > 0) b[at] = (b[at] ?? 0) ^ (1 << m.bit);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'duplicate': {
        const chunk = b.subarray(at, at + m.len);
        const to = Math.floor(m.to * b.length);
        b = Buffer.concat([b.subarray(0, to), chunk, b.subarray(to)]);
        break;
      }
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]);
        break;
      case 'retext': {
        const gt = b.indexOf(0x3e, at);
        const lt = gt === -1 ? -1 : b.indexOf(0x3c, gt);
        if (lt !== -1)
          b = Buffer.concat([b.subarray(0, gt + 1), Buffer.from(m.text), b.subarray(lt)]);
        break;
      }
      case 'space': {
        const gt = b.indexOf('><', at);
        if (gt !== -1)
          b = Buffer.concat([b.subarray(0, gt + 1), Buffer.from(m.text), b.subarray(gt + 1)]);
        break;
      }
    }
  }
  return b;
}

// Strings XML 1.0 can carry (anything else is refused by the serializer by design).
const xmlString = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'binary', maxLength })
    // eslint-disable-next-line no-control-regex -- replacing control characters is the point
    .map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu, '?'));

const dateTimeArb = fc
  .tuple(
    fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    fc.integer({ min: 0, max: 9 }),
    fc.constantFrom('Z', '', '+02:00', '-11:30'),
  )
  .map(([d, digits, zone]) => {
    const iso = d.toISOString().slice(0, 19);
    return `${iso}${digits === 0 ? '' : '.' + '123456789'.slice(0, digits)}${zone}`;
  });

const valueArb: fc.Arbitrary<CwmpValue> = fc.oneof(
  xmlString(40).map((value): CwmpValue => ({ type: 'string', value })),
  fc
    .integer({ min: -0x80000000, max: 0x7fffffff })
    .map((value): CwmpValue => ({ type: 'int', value })),
  fc
    .integer({ min: 0, max: 0xffffffff })
    .map((value): CwmpValue => ({ type: 'unsignedInt', value })),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map((value): CwmpValue => ({ type: 'long', value })),
  fc
    .bigInt({ min: 0n, max: 2n ** 64n - 1n })
    .map((value): CwmpValue => ({ type: 'unsignedLong', value })),
  fc.boolean().map((value): CwmpValue => ({ type: 'boolean', value })),
  dateTimeArb.map((value): CwmpValue => ({ type: 'dateTime', value })),
  fc
    .uint8Array({ maxLength: 40 })
    .map((v): CwmpValue => ({ type: 'base64', value: Buffer.from(v) })),
  fc
    .uint8Array({ maxLength: 20 })
    .map((v): CwmpValue => ({ type: 'hexBinary', value: Buffer.from(v) })),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat(999))
    .map(([i, f]): CwmpValue => ({ type: 'decimal', value: `${i}.${f}` })),
);

const NAMES = [
  'Envelope',
  'Header',
  'Body',
  'Inform',
  'ID',
  'ParameterList',
  'ParameterValueStruct',
  'Name',
  'Value',
  'Fault',
  'detail',
  'Operations',
  'X',
];
const PREFIXES = ['', 'soap:', 'cwmp:', 'SOAP-ENV:', 'a:'];
const treeArb = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(
        xmlString(10),
        fc.constantFrom(
          '&amp;',
          '&lt;',
          '&#65;',
          '&bogus;',
          '<![CDATA[x]]>',
          '<!-- c -->',
          '1',
          'true',
          '2024-01-01T00:00:00Z',
        ),
      ),
      fc
        .tuple(
          fc.constantFrom(...PREFIXES),
          fc.constantFrom(...NAMES),
          fc.array(
            fc.tuple(
              fc.constantFrom(
                'xmlns:cwmp',
                'xsi:type',
                'soap-enc:arrayType',
                'xmlns',
                'mustUnderstand',
              ),
              fc.constantFrom(
                'urn:dslforum-org:cwmp-1-2',
                'xsd:string',
                'xsd:int',
                'cwmp:InstallOpStruct',
                '1',
                '',
              ),
            ),
            { maxLength: 3 },
          ),
          fc.array(tie('node'), { maxLength: 4 }),
        )
        .map(
          ([p, n, attrs, kids]) =>
            `<${p}${n}${attrs.map(([k, v], i) => ` ${k}${i}="${v}"`).join('')}>${kids.join('')}</${p}${n}>`,
        ),
    ),
  }))
  .node.map(
    (body) =>
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap:Header><cwmp:ID soap:mustUnderstand="1">1</cwmp:ID></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
  );

describe('parseEnvelope under fuzzing', () => {
  afterAll(() => {
    // Recorded for the log; the bench measures speed properly.
    console.log(`slowest single fuzz input: ${slowest.toFixed(2)} ms`);
  });

  it(`survives ${RUNS.mutation} mutated valid envelopes`, () => {
    fc.assert(
      fc.property(
        fc.nat(SEEDS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (i, ms) => {
          check(mutate(SEEDS[i] as Buffer, ms));
        },
      ),
      { numRuns: RUNS.mutation },
    );
  });

  it(`round-trips ${RUNS.values} generated parameter lists exactly`, () => {
    const param = fc.record({
      name: xmlString(30),
      value: valueArb,
    }) as fc.Arbitrary<ParameterValue>;
    fc.assert(
      fc.property(
        fc.array(param, { maxLength: 6 }),
        xmlString(20),
        fc.boolean(),
        (parameterList, id, strip) => {
          const env: CwmpEnvelope = {
            version: '1.2',
            namespace: 'urn:dslforum-org:cwmp-1-2',
            header: { id },
            body: { type: 'GetParameterValuesResponse', parameterList },
          };
          const back = parseEnvelope(
            serializeEnvelope(env, strip ? { booleanFormat: 'digit' } : {}),
          );
          expect(back).toEqual(env);
        },
      ),
      { numRuns: RUNS.values },
    );
  });

  it(`survives ${RUNS.garbage} arbitrary byte and string inputs`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.string({ unit: 'binary', maxLength: 300 }),
        ),
        (input) => {
          check(input);
        },
      ),
      { numRuns: RUNS.garbage },
    );
  });

  it(`survives ${RUNS.trees} random element trees inside a valid envelope`, () => {
    fc.assert(
      fc.property(treeArb, (xml) => {
        check(xml);
      }),
      { numRuns: RUNS.trees },
    );
  });

  it('finishes every input quickly (no pathological slow path)', () => {
    expect(slowest).toBeLessThan(1000);
  });
});
