import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-limits';
import { parseXml, type XmlElement } from './xml-tokenizer';

const parse = (xml: string, limits: Partial<XmlLimits> = {}): XmlElement =>
  parseXml(xml, { ...DEFAULT_XML_LIMITS, ...limits });

function errorOf(fn: () => unknown): CwmpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CwmpError) return e;
    throw e;
  }
  throw new Error('expected a CwmpError');
}

describe(parseXml.name, () => {
  it('splits names, keeps decoded attributes and leaf text, drops indentation of containers', () => {
    const root = parse(
      '<a:Root xmlns:a="urn:x" b = \'1 &amp; 2\'>\n  <Leaf>x &lt; y</Leaf>\n  <Empty/>\n</a:Root>',
    );
    expect(root).toMatchObject({
      name: 'a:Root',
      local: 'Root',
      prefix: 'a',
      attrs: ['xmlns:a', 'urn:x', 'b', '1 & 2'],
      text: '',
    });
    expect(root.children.map((c) => [c.local, c.text, c.parent === root])).toEqual([
      ['Leaf', 'x < y', true],
      ['Empty', '', true],
    ]);
  });

  it.each([
    ['predefined entities', '&lt;&gt;&amp;&quot;&apos;', '<>&"\''],
    ['decimal and hex references', '&#65;&#x42;&#x1F600;', 'AB😀'],
    ['CDATA is literal', '<![CDATA[<not> &amp; markup]]>', '<not> &amp; markup'],
    ['comments split text', 'ab<!-- gone -->cd', 'abcd'],
    ['CRLF and CR become LF', 'a\r\nb\rc', 'a\nb\nc'],
    ['&#13; survives normalisation', 'a&#13;b', 'a\rb'],
  ])('text: %s', (_name, inner, text) => {
    expect(parse(`<r>${inner}</r>`).text).toBe(text);
  });

  it.each([
    ['mismatched end tag', '<a><b></a></b>'],
    ['unclosed element', '<a><b></b>'],
    ['end tag without start', '</a>'],
    ['unquoted attribute', '<a b=1/>'],
    ['attribute without value', '<a b/>'],
    ['attributes not separated', '<a b="1"c="2"/>'],
    ['duplicate attribute', '<a b="1" b="2"/>'],
    ['< in attribute value', '<a b="<"/>'],
    ['text after the root', '<a/>junk'],
    ['two roots', '<a/><b/>'],
    ['unterminated comment', '<a><!-- x</a>'],
    ['unterminated CDATA', '<a><![CDATA[x</a>'],
    ['unterminated PI', '<?xml version="1.0"'],
    ['bare ampersand', '<a>fish & chips</a>'],
    ['bad char ref', '<a>&#xZZ;</a>'],
    ['empty document', '   '],
    ['bad element name', '<1a/>'],
    ['truncated start tag', '<a b="1"'],
    ['markup declaration', '<a><!ELEMENT a ANY></a>'],
  ])('rejects %s as XmlMalformed', (_name, xml) => {
    const e = errorOf(() => parse(xml));
    expect(e.code).toBe(CwmpErrorCode.XmlMalformed);
    expect(e.details.offset).toEqual(expect.any(Number));
    expect(e.details.line).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE a><a/>', CwmpErrorCode.DoctypeForbidden],
    ['internal subset', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', CwmpErrorCode.DoctypeForbidden],
    ['ENTITY inside content', '<a><!ENTITY x "y"></a>', CwmpErrorCode.DoctypeForbidden],
    ['undefined entity', '<a>&x;</a>', CwmpErrorCode.EntityForbidden],
    ['undefined entity in attribute', '<a b="&x;"/>', CwmpErrorCode.EntityForbidden],
    ['undefined entity in indentation', '<a>&x;<b/></a>', CwmpErrorCode.EntityForbidden],
    ['NUL reference', '<a>&#0;</a>', CwmpErrorCode.EntityForbidden],
    ['surrogate reference', '<a>&#xD800;</a>', CwmpErrorCode.EntityForbidden],
    ['out-of-range reference', '<a>&#x110000;</a>', CwmpErrorCode.EntityForbidden],
  ])('refuses %s', (_name, xml, code) => {
    expect(errorOf(() => parse(xml)).code).toBe(code);
  });

  it.each([
    ['maxBytes', '<a>0123456789</a>', { maxBytes: 10 }],
    ['maxDepth', '<a><b><c><d/></c></b></a>', { maxDepth: 3 }],
    ['maxElements', '<a><b/><b/><b/></a>', { maxElements: 3 }],
    ['maxAttributes', '<a x="1" y="2" z="3"/>', { maxAttributes: 2 }],
    ['maxTextLength', '<a>0123456789</a>', { maxTextLength: 9 }],
    ['maxTextLength', '<a x="0123456789"/>', { maxTextLength: 9 }],
    ['maxTextLength', '<a>01234<![CDATA[56789]]></a>', { maxTextLength: 9 }],
  ] as const)('enforces %s', (limit, xml, limits) => {
    const e = errorOf(() => parse(xml, limits));
    expect(e.code).toBe(CwmpErrorCode.LimitExceeded);
    expect(e.details.limit).toBe(limit);
  });

  it('accepts exactly the limit', () => {
    expect(() => parse('<a><b><c/></b></a>', { maxDepth: 3, maxElements: 3 })).not.toThrow();
  });

  it('reports the element path of a deep failure', () => {
    const e = errorOf(() => parse('<Envelope>\n<Body>\n<Inform><x></Inform></Body></Envelope>'));
    expect(e.details).toMatchObject({ line: 3, path: '/Envelope/Body/Inform' });
  });
});
