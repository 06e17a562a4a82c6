import { parseEnvelope, serializeEnvelope } from './envelope.codec';
import { parseValue } from './value.codec';
import type { CwmpValue } from '../model/value.types';
import type { SerializeOptions } from './serialize.options';

describe(parseValue.name, () => {
  it.each<[string, string | undefined, CwmpValue]>([
    ['plain', undefined, { type: 'string', value: 'plain' }],
    [' spaced ', 'xsd:string', { type: 'string', value: ' spaced ' }],
    [' 42 ', 'xsd:int', { type: 'int', value: 42 }],
    ['-2147483648', 'int', { type: 'int', value: -2147483648 }],
    ['2147483648', 'xsd:int', { type: 'string', value: '2147483648', xsiType: 'int' }],
    ['4294967295', 'xsd:unsignedInt', { type: 'unsignedInt', value: 4294967295 }],
    ['-1', 'xsd:unsignedInt', { type: 'string', value: '-1', xsiType: 'unsignedInt' }],
    ['9223372036854775807', 'xsd:long', { type: 'long', value: 9223372036854775807n }],
    [
      '9223372036854775808',
      'xsd:long',
      { type: 'string', value: '9223372036854775808', xsiType: 'long' },
    ],
    [
      '18446744073709551615',
      'xsd:unsignedLong',
      { type: 'unsignedLong', value: 18446744073709551615n },
    ],
    ['TRUE', 'xsd:boolean', { type: 'boolean', value: true }],
    ['0', 'xsd:boolean', { type: 'boolean', value: false }],
    ['yes', 'xsd:boolean', { type: 'string', value: 'yes', xsiType: 'boolean' }],
    ['2024-05-01T12:00:00', 'xsd:dateTime', { type: 'dateTime', value: '2024-05-01T12:00:00' }],
    [
      '2024-05-01T12:00:00.123456789-05:30',
      'xsd:dateTime',
      { type: 'dateTime', value: '2024-05-01T12:00:00.123456789-05:30' },
    ],
    ['0001-01-01T00:00:00Z', 'xsd:dateTime', { type: 'dateTime', value: '0001-01-01T00:00:00Z' }],
    [
      '2024-13-01T00:00:00Z',
      'xsd:dateTime',
      { type: 'string', value: '2024-13-01T00:00:00Z', xsiType: 'dateTime' },
    ],
    ['aGVsbG8=', 'xsd:base64', { type: 'base64', value: Buffer.from('hello') }],
    ['aGVsbG8=', 'soap-enc:base64', { type: 'base64', value: Buffer.from('hello') }],
    [
      'not base64!',
      'xsd:base64Binary',
      { type: 'string', value: 'not base64!', xsiType: 'base64Binary' },
    ],
    [
      'DEADbeef',
      'xsd:hexBinary',
      { type: 'hexBinary', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
    ],
    ['-0.5', 'xsd:decimal', { type: 'decimal', value: '-0.5' }],
    ['x', 'cwmp:IPAddress', { type: 'string', value: 'x', xsiType: 'IPAddress' }],
  ])('%j as %s', (text, type, expected) => {
    expect(parseValue(text, type)).toEqual(expected);
  });
});

describe('value serialization options (per device class)', () => {
  const spv = (value: CwmpValue, options: SerializeOptions): string =>
    serializeEnvelope(
      {
        version: '1.0',
        body: {
          type: 'SetParameterValues',
          parameterKey: '',
          parameterList: [{ name: 'A', value }],
        },
      },
      options,
    );

  it.each<[CwmpValue, SerializeOptions, string]>([
    [{ type: 'boolean', value: true }, {}, '<Value xsi:type="xsd:boolean">true</Value>'],
    [
      { type: 'boolean', value: false },
      { booleanFormat: 'digit' },
      '<Value xsi:type="xsd:boolean">0</Value>',
    ],
    [
      { type: 'dateTime', value: '2024-05-01T12:00:00.250Z' },
      {},
      '<Value xsi:type="xsd:dateTime">2024-05-01T12:00:00.250Z</Value>',
    ],
    [
      { type: 'dateTime', value: '2024-05-01T12:00:00.250+01:00' },
      { dateTimeFraction: 'strip' },
      '<Value xsi:type="xsd:dateTime">2024-05-01T12:00:00+01:00</Value>',
    ],
    [
      { type: 'unsignedLong', value: 2n ** 64n - 1n },
      {},
      '<Value xsi:type="xsd:unsignedLong">18446744073709551615</Value>',
    ],
    [
      { type: 'base64', value: Buffer.from('hi') },
      {},
      '<Value xsi:type="soap-enc:base64">aGk=</Value>',
    ],
    [
      { type: 'string', value: 'a\r\n<&>"' },
      {},
      '<Value xsi:type="xsd:string">a&#13;\n&lt;&amp;&gt;"</Value>',
    ],
  ])('%j with %j', (value, options, fragment) => {
    const xml = spv(value, options);
    expect(xml).toContain(fragment);
    const back = parseEnvelope(xml).body;
    expect(back.type === 'SetParameterValues' && back.parameterList[0]?.value.type).toBe(
      value.type,
    );
  });

  it.each<[string, CwmpValue]>([
    ['int out of range', { type: 'int', value: 2 ** 31 }],
    ['fractional unsignedInt', { type: 'unsignedInt', value: 1.5 }],
    ['negative unsignedLong', { type: 'unsignedLong', value: -1n }],
    ['bad dateTime', { type: 'dateTime', value: 'now' }],
    ['control character', { type: 'string', value: 'a\u0001b' }],
    ['lone surrogate', { type: 'string', value: 'a\ud800b' }],
  ])('refuses to write %s', (_name, value) => {
    expect(() => spv(value, {})).toThrow(
      expect.objectContaining({ code: 'InvalidValue' }) as Error,
    );
  });

  it('keeps 64-bit integers exact through a round trip', () => {
    const values = [0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n];
    for (const v of values) {
      const body = parseEnvelope(spv({ type: 'long', value: v }, {})).body;
      expect(body.type === 'SetParameterValues' && body.parameterList[0]?.value).toEqual({
        type: 'long',
        value: v,
      });
    }
  });
});
