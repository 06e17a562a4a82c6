import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import type { CwmpValue, ParameterValue } from '../model/value.types';
import { escapeAttr, escapeText } from '../xml/xml-escape';
import type { XmlElement } from '../xml/xml-tokenizer';
import {
  DATE_TIME,
  attrByLocal,
  formatBase64,
  formatBoolean,
  formatDateTime,
  invalid,
  leafText,
  localOf,
  parseBase64,
  parseBoolean,
  type Codec,
  type EncodeContext,
} from './codec';

const INT = /^[+-]?\d{1,20}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Keep what the device sent when it does not parse as its declared type (lossless, and no whole-envelope failure). */
function asDeclared(text: string, xsiType: string): CwmpValue {
  return { type: 'string', value: text, xsiType };
}

/**
 * Convert a Value's text according to its xsi:type (TR-069 A.3.2.1, TR-106 §3.2). A missing
 * xsi:type means string (field behaviour). Numbers are whitespace-collapsed per XSD; strings are not.
 */
export function parseValue(text: string, xsiType: string | undefined): CwmpValue {
  if (xsiType === undefined) return { type: 'string', value: text };
  const t = localOf(xsiType);
  switch (t) {
    case 'string':
      return { type: 'string', value: text };
    case 'int':
    case 'unsignedInt': {
      const s = text.trim();
      const n = INT.test(s) ? Number(s) : NaN;
      const ok = t === 'int' ? n >= -0x80000000 && n <= 0x7fffffff : n >= 0 && n <= 0xffffffff;
      return ok ? { type: t, value: n } : asDeclared(text, t);
    }
    case 'long':
    case 'unsignedLong': {
      const s = text.trim();
      if (!INT.test(s)) return asDeclared(text, t);
      const n = BigInt(s);
      const ok = t === 'long' ? n >= INT64_MIN && n <= INT64_MAX : n >= 0n && n <= UINT64_MAX;
      return ok ? { type: t, value: n } : asDeclared(text, t);
    }
    case 'boolean': {
      const b = parseBoolean(text);
      return b === undefined ? asDeclared(text, t) : { type: 'boolean', value: b };
    }
    case 'dateTime': {
      const s = text.trim();
      return DATE_TIME.test(s) ? { type: 'dateTime', value: s } : asDeclared(text, t);
    }
    case 'base64':
    case 'base64Binary': {
      const b = parseBase64(text);
      return b === undefined ? asDeclared(text, t) : { type: 'base64', value: b };
    }
    case 'hexBinary': {
      const s = text.trim();
      return HEX.test(s)
        ? { type: 'hexBinary', value: Buffer.from(s, 'hex') }
        : asDeclared(text, t);
    }
    case 'decimal': {
      const s = text.trim();
      return DECIMAL.test(s) ? { type: 'decimal', value: s } : asDeclared(text, t);
    }
    default:
      return asDeclared(text, t);
  }
}

function bad(what: string, v: unknown): CwmpError {
  return new CwmpError(CwmpErrorCode.InvalidValue, `${String(v)} is not a valid ${what}`);
}

/**
 * `[qualified xsi:type, lexical text]` for a value, honouring the device-class options.
 * base64 is written as `soap-enc:base64` (SOAP 1.1 §5.2.3, the type cwmp's VoucherList uses): it is what
 * TR-069 calls base64 and, unlike the common `xsd:base64`, a type the schemas actually define.
 */
export function formatValue(v: CwmpValue, ctx: EncodeContext): [string, string] {
  switch (v.type) {
    case 'string':
      return [
        v.xsiType === undefined ? 'xsd:string' : `xsd:${escapeAttr(v.xsiType)}`,
        escapeText(v.value),
      ];
    case 'int':
      if (!Number.isInteger(v.value) || v.value < -0x80000000 || v.value > 0x7fffffff)
        throw bad('xsd:int', v.value);
      return ['xsd:int', String(v.value)];
    case 'unsignedInt':
      if (!Number.isInteger(v.value) || v.value < 0 || v.value > 0xffffffff)
        throw bad('xsd:unsignedInt', v.value);
      return ['xsd:unsignedInt', String(v.value)];
    case 'long':
      if (v.value < INT64_MIN || v.value > INT64_MAX) throw bad('xsd:long', v.value);
      return ['xsd:long', v.value.toString()];
    case 'unsignedLong':
      if (v.value < 0n || v.value > UINT64_MAX) throw bad('xsd:unsignedLong', v.value);
      return ['xsd:unsignedLong', v.value.toString()];
    case 'boolean':
      return ['xsd:boolean', formatBoolean(v.value, ctx)];
    case 'dateTime':
      return ['xsd:dateTime', formatDateTime(v.value, ctx, 'Value')];
    case 'base64':
      return ['soap-enc:base64', formatBase64(v.value)];
    case 'hexBinary':
      return [
        'xsd:hexBinary',
        Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('hex'),
      ];
    case 'decimal':
      if (!DECIMAL.test(v.value)) throw bad('xsd:decimal', v.value);
      return ['xsd:decimal', v.value];
  }
}

/** ParameterValueStruct, hand-written because it is the hot path of every Inform and GPV response. */
export const parameterValue: Codec<ParameterValue> = {
  decode(el, ctx) {
    let name: string | undefined;
    let valueEl: XmlElement | undefined;
    for (const c of el.children) {
      if (c.local === 'Name') name ??= leafText(c, ctx);
      else if (c.local === 'Value') valueEl ??= c;
    }
    if (name === undefined) throw invalid(el, ctx, '<ParameterValueStruct> lacks <Name>');
    if (valueEl === undefined) throw invalid(el, ctx, '<ParameterValueStruct> lacks <Value>');
    return { name, value: parseValue(leafText(valueEl, ctx), attrByLocal(valueEl, 'type')) };
  },
  encode(tag, v, ctx) {
    const [type, text] = formatValue(v.value, ctx);
    return `<${tag}><Name>${escapeText(v.name)}</Name><Value xsi:type="${type}">${text}</Value></${tag}>`;
  },
};
