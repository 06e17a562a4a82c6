import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvelope, serializeEnvelope, type CwmpEnvelope, type CwmpMessage } from '../index';
import { SAMPLE_MESSAGES } from '../../test/sample-messages';
import { formatXml, requireXmllint, schemaFor, validateFiles } from '../../test/xmllint';

// Round trips from XML fixtures: one envelope per message type (test/fixtures/messages, in the cwmp-1-2
// namespace, checked against the XSD below) and field-style variants derived from each of them.
// Regenerate the per-message fixtures with UPDATE_FIXTURES=1 after changing a sample on purpose.

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/messages');
const fixtureFile = (m: CwmpMessage): string => path.join(FIXTURES, `${m.type}.xml`);

if (process.env['UPDATE_FIXTURES'] === '1') {
  mkdirSync(FIXTURES, { recursive: true });
  for (const m of SAMPLE_MESSAGES) {
    writeFileSync(
      fixtureFile(m),
      formatXml(serializeEnvelope({ version: '1.2', header: { id: `id-${m.type}` }, body: m })),
    );
  }
}

const unescape = (s: string): string =>
  s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '',
  );

/** Field-style rewrites of a fixture, with how the parsed envelope is expected to change. */
const VARIANTS: readonly [
  string,
  (xml: string) => string | Buffer,
  (e: CwmpEnvelope) => CwmpEnvelope,
][] = [
  [
    'SOAP-ENV/SOAP-ENC prefixes',
    (x) => x.replace(/soap-env/g, 'SOAP-ENV').replace(/soap-enc/g, 'SOAP-ENC'),
    (e) => e,
  ],
  [
    'soapenv: prefix and ns1: for cwmp',
    (x) =>
      x
        .replace(/soap-env/g, 'soapenv')
        .replace(/\bcwmp:/g, 'ns1:')
        .replace(/xmlns:cwmp=/, 'xmlns:ns1='),
    (e) => e,
  ],
  [
    's: prefix',
    (x) => x.replace(/soap-env:/g, 's:').replace(/xmlns:soap-env=/, 'xmlns:s='),
    (e) => e,
  ],
  [
    'cwmp-1-0 namespace',
    (x) => x.replace('urn:dslforum-org:cwmp-1-2', 'urn:dslforum-org:cwmp-1-0'),
    (e) => ({ ...e, version: '1.0', namespace: 'urn:dslforum-org:cwmp-1-0' }),
  ],
  [
    'cwmp-1-4 namespace',
    (x) => x.replace('urn:dslforum-org:cwmp-1-2', 'urn:dslforum-org:cwmp-1-4'),
    (e) => ({ ...e, version: '1.4', namespace: 'urn:dslforum-org:cwmp-1-4' }),
  ],
  ['no xsi:type on strings', (x) => x.replace(/ xsi:type="xsd:string"/g, ''), (e) => e],
  [
    'comments and extra whitespace',
    (x) =>
      x
        .replace(/>\n(\s*)</g, '>\n\n$1<!-- field comment -->\t \n$1<')
        .replace(/<\?xml[^>]*>/, '$&\n<!-- prolog -->'),
    (e) => e,
  ],
  ['CRLF line ends', (x) => x.replace(/\n/g, '\r\n'), (e) => e],
  ['UTF-8 BOM', (x) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(x)]), (e) => e],
  ['string input with BOM', (x) => '\ufeff' + x, (e) => e],
  [
    'CDATA text',
    (x) =>
      x.replace(
        /(<(?:Value|Name|string)\b[^>]*>)([^<]+)(<\/)/g,
        (_, a: string, t: string, b: string) => `${a}<![CDATA[${unescape(t)}]]>${b}`,
      ),
    (e) => e,
  ],
  ['no arrayType', (x) => x.replace(/ soap-enc:arrayType="[^"]*"/g, ''), (e) => e],
  [
    'odd arrayType',
    (x) =>
      x.replace(
        / soap-enc:arrayType="[^"]*"/g,
        ' soap-enc:arrayType="xsd:anyType[]" xsi:type="soap-enc:Array"',
      ),
    (e) => e,
  ],
  ['no XML declaration', (x) => x.replace(/<\?xml[^>]*>\s*/, ''), (e) => e],
  [
    'empty Header',
    (x) => x.replace(/<soap-env:Header>[\s\S]*<\/soap-env:Header>/, '<soap-env:Header/>'),
    (e) => ({ ...e, header: {} }),
  ],
  [
    'no Header',
    (x) => x.replace(/<soap-env:Header>[\s\S]*<\/soap-env:Header>\s*/, ''),
    (e) => ({ ...e, header: {} }),
  ],
  ['single quotes', (x) => x.replace(/="([^"]*)"/g, "='$1'"), (e) => e],
];

describe('parseEnvelope on XML fixtures', () => {
  beforeAll(() => requireXmllint());

  it('has a fixture for every message type, and each validates against cwmp-1-2.xsd', () => {
    const missing = SAMPLE_MESSAGES.filter((m) => !existsSync(fixtureFile(m))).map((m) => m.type);
    expect(missing).toEqual([]);
    const results = validateFiles(schemaFor('1.2'), SAMPLE_MESSAGES.map(fixtureFile));
    expect(results.filter((r) => !r.ok).map((r) => r.messages)).toEqual([]);
  });

  describe.each(SAMPLE_MESSAGES.map((m) => [m.type, m] as const))('%s', (type, message) => {
    const xml = (): string => readFileSync(fixtureFile(message), 'utf8');
    const expected: CwmpEnvelope = {
      version: '1.2',
      namespace: 'urn:dslforum-org:cwmp-1-2',
      header: { id: `id-${type}` },
      body: message,
    };

    it('parses the fixture into the typed message', () => {
      expect(parseEnvelope(xml())).toEqual(expected);
    });

    it('round-trips parse → serialize → parse, in both namespaces families', () => {
      for (const version of ['1.0', '1.2', '1.4'] as const) {
        const again = parseEnvelope(
          serializeEnvelope({ ...expected, version, namespace: undefined }),
        );
        expect(again.body).toEqual(message);
        expect(again.header).toEqual(expected.header);
      }
    });

    it.each(VARIANTS.map(([name, rewrite, expect]) => [name, rewrite, expect] as const))(
      'field variant: %s',
      (_name, rewrite, adjust) => {
        expect(parseEnvelope(rewrite(xml()))).toEqual(adjust(expected));
      },
    );
  });
});
