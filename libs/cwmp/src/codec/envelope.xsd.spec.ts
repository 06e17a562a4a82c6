import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CWMP_VERSIONS,
  serializeEnvelope,
  type CwmpHeader,
  type CwmpMessage,
  type CwmpVersion,
  type SerializeOptions,
} from '../index';
import { SAMPLE_MESSAGES, versionsOf } from '../../test/sample-messages';
import { requireXmllint, schemaFor, validateFiles } from '../../test/xmllint';

/** Headers a real exchange would carry for this message in this version. */
function headerFor(m: CwmpMessage, v: CwmpVersion): CwmpHeader {
  const h: { -readonly [K in keyof CwmpHeader]: CwmpHeader[K] } = { id: `id-${m.type}` };
  if (m.type === 'Inform' && v >= '1.3') h.sessionTimeout = 60;
  if (m.type === 'Inform' && v === '1.4') h.supportedCwmpVersions = ['1.0', '1.2', '1.4'];
  if (m.type === 'InformResponse' && v === '1.4') h.useCwmpVersion = '1.4';
  if (m.type === 'GetParameterValues') h.holdRequests = true;
  return h;
}

const PROFILES: readonly [string, SerializeOptions][] = [
  ['default', {}],
  [
    'digit booleans, no fractions',
    { booleanFormat: 'digit', dateTimeFraction: 'strip', xmlDeclaration: false },
  ],
];

describe('serializeEnvelope output against the BBF XSD (xmllint)', () => {
  beforeAll(() => requireXmllint());

  it.each(CWMP_VERSIONS.map((v) => [v]))('every message valid in CWMP %s validates', (version) => {
    const dir = mkdtempSync(path.join(tmpdir(), `cwmp-xsd-${version}-`));
    const files: string[] = [];
    for (const m of SAMPLE_MESSAGES) {
      if (!versionsOf(m.type).includes(version)) continue;
      for (const [name, options] of PROFILES) {
        const file = path.join(dir, `${m.type}.${name.split(' ')[0]}.xml`);
        writeFileSync(
          file,
          serializeEnvelope({ version, header: headerFor(m, version), body: m }, options),
        );
        files.push(file);
      }
    }
    const results = validateFiles(schemaFor(version), files);
    expect(results.filter((r) => !r.ok).map((r) => r.messages || r.file)).toEqual([]);
    // From 1.2 on, every message type the codec knows is in the schema.
    if (version >= '1.2') expect(results).toHaveLength(SAMPLE_MESSAGES.length * PROFILES.length);
  });

  it('rejects an envelope the schema forbids (the validation is real)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cwmp-xsd-neg-'));
    const good = serializeEnvelope({
      version: '1.2',
      header: { id: '1' },
      body: { type: 'InformResponse', maxEnvelopes: 1 },
    });
    const cases = {
      missingField: good.replace(/<MaxEnvelopes>1<\/MaxEnvelopes>/, ''),
      unknownMethod: good.replace(/InformResponse/g, 'InformReply'),
      noMustUnderstand: good.replace(' soap-env:mustUnderstand="1"', ''),
    };
    const files = Object.entries(cases).map(([name, xml]) => {
      const f = path.join(dir, `${name}.xml`);
      writeFileSync(f, xml);
      return f;
    });
    expect(validateFiles(schemaFor('1.2'), files).map((r) => r.ok)).toEqual([false, false, false]);
  });
});
