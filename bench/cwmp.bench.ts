import { parseEnvelope, serializeEnvelope, CwmpError } from '@acs/cwmp';
import { XMLParser } from 'fast-xml-parser';
import { compare, timeMs, type Result } from './lib/measure';
import { INFORM_40, SPV_50, indent } from './lib/cwmp-samples';
import { billionLaughs, deepNesting, externalEntity, hugeBody } from '@acs/testing';
import { saxesTree } from './lib/saxes-tree';

// `npm run bench:cwmp`: the CWMP codec's hot paths against fast-xml-parser on the same bytes, in
// the same process (interleaved, warmed up, median of rounds). Method and results: docs/benchmarks.md.

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 250);

const informXml = indent(serializeEnvelope(INFORM_40));
const informBytes = Buffer.from(informXml);
const compactBytes = Buffer.from(serializeEnvelope(INFORM_40));
const fxp = new XMLParser({ ignoreAttributes: false });

// Sanity: every candidate really parses the same document.
if (parseEnvelope(informBytes).body.type !== 'Inform')
  throw new Error('bench input does not parse');

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function table(title: string, results: readonly Result[], baseline: string): void {
  const base = results.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  for (const r of results) {
    const ratio =
      base === undefined
        ? ''
        : `  ratio vs ${baseline}: ${(r.opsPerSec / base.opsPerSec).toFixed(2)}`;
    console.log(
      `  ${r.name.padEnd(40)} ${fmt(r.opsPerSec).padStart(10)} ops/s  ${fmt(r.mbPerSec, 1).padStart(7)} MB/s${ratio}`,
    );
  }
}

console.log(
  `node ${process.version}, ${ROUNDS} rounds x ${SLICE_MS} ms per candidate, median reported`,
);
console.log(
  `Inform: ${INFORM_40.body.parameterList.length} parameters, ${informBytes.length} bytes indented (${compactBytes.length} unindented)`,
);

const parse = compare(
  [
    {
      name: 'parseEnvelope (typed Inform)',
      bytes: informBytes.length,
      run: () => parseEnvelope(informBytes),
    },
    {
      name: 'fast-xml-parser (untyped tree)',
      bytes: informBytes.length,
      run: (): unknown => fxp.parse(informBytes) as unknown,
    },
    {
      name: 'saxes (minimal tree, tokenizer only)',
      bytes: informBytes.length,
      run: () => saxesTree(informBytes.toString('utf8')),
    },
    {
      name: 'parseEnvelope, unindented Inform',
      bytes: compactBytes.length,
      run: () => parseEnvelope(compactBytes),
    },
  ],
  ROUNDS,
  SLICE_MS,
);
table('Parse a 40-parameter Inform', parse, 'fast-xml-parser (untyped tree)');

const spvXml = serializeEnvelope(SPV_50);
const serialize = compare(
  [
    {
      name: 'serializeEnvelope (50-param SPV)',
      bytes: Buffer.byteLength(spvXml),
      run: () => serializeEnvelope(SPV_50),
    },
  ],
  ROUNDS,
  SLICE_MS,
);
table(
  `Serialize a 50-parameter SetParameterValues (${Buffer.byteLength(spvXml)} bytes)`,
  serialize,
  '',
);

console.log('\nHostile input → typed CwmpError (median of 5, input built beforehand)');
const hostile: [string, string | Buffer][] = [
  ['billion laughs', billionLaughs()],
  ['external entity (XXE)', externalEntity()],
  ['100 MB body', hugeBody()],
  ['100,000-deep nesting', deepNesting()],
];
for (const [name, input] of hostile) {
  let code = 'no error!';
  const ms = timeMs(() => {
    try {
      parseEnvelope(input);
    } catch (e) {
      code =
        e instanceof CwmpError
          ? `${e.code}${e.details.limit === undefined ? '' : ` (${e.details.limit})`}`
          : String(e);
    }
  });
  console.log(`  ${name.padEnd(24)} ${ms.toFixed(3).padStart(8)} ms  ${code}`);
}
