import { CwmpError, CwmpErrorCode, lineAt } from '../cwmp.error';
import { escapeText } from '../xml/xml-escape';
import type { XmlElement } from '../xml/xml-tokenizer';
import type { ResolvedSerializeOptions } from './serialize.options';

export interface DecodeContext {
  /** The decoded document, for line numbers in errors. */
  readonly src: string;
}

export interface EncodeContext {
  readonly options: ResolvedSerializeOptions;
}

/** Reads one element into a T and writes a T as one element named `tag`. */
export interface Codec<T> {
  decode(el: XmlElement, ctx: DecodeContext): T;
  encode(tag: string, value: T, ctx: EncodeContext): string;
}

/** `/Envelope/Body/Inform/ParameterList/ParameterValueStruct[3]/Value` (index only when siblings share a name). */
export function elementPath(el: XmlElement): string {
  const parts: string[] = [];
  for (let e: XmlElement | null = el; e !== null; e = e.parent) {
    const p: XmlElement | null = e.parent;
    let part = e.local;
    if (p !== null) {
      let n = 0;
      let idx = 0;
      for (const sib of p.children) {
        if (sib.local === e.local) {
          n++;
          if (sib === e) idx = n;
        }
      }
      if (n > 1) part += `[${idx}]`;
    }
    parts.push(part);
  }
  return '/' + parts.reverse().join('/');
}

export function invalid(el: XmlElement, ctx: DecodeContext, message: string): CwmpError {
  return new CwmpError(CwmpErrorCode.InvalidMessage, `${message} at ${elementPath(el)}`, {
    offset: el.offset,
    line: lineAt(ctx.src, el.offset),
    path: elementPath(el),
  });
}

export function leafText(el: XmlElement, ctx: DecodeContext): string {
  if (el.children.length !== 0)
    throw invalid(el, ctx, `<${el.local}> must hold text, not elements`);
  return el.text;
}

/** The value of the attribute whose local name is `local` (any prefix), e.g. xsi:type. */
export function attrByLocal(el: XmlElement, local: string): string | undefined {
  const a = el.attrs;
  if (a === null) return undefined;
  for (let i = 0; i < a.length; i += 2) {
    const n = a[i] as string;
    if (n === local || (n.endsWith(local) && n.charCodeAt(n.length - local.length - 1) === 58))
      return a[i + 1];
  }
  return undefined;
}

/** Local part of a QName value such as `xsd:unsignedInt`. */
export function localOf(qname: string): string {
  const c = qname.indexOf(':');
  return c === -1 ? qname.trim() : qname.slice(c + 1).trim();
}

export const str: Codec<string> = {
  decode: leafText,
  encode: (tag, v) => `<${tag}>${escapeText(v)}</${tag}>`,
};

const INTEGER = /^[+-]?\d{1,20}$/;

function integer(min: number, max: number, what: string): Codec<number> {
  return {
    decode(el, ctx) {
      const t = leafText(el, ctx).trim();
      const n = INTEGER.test(t) ? Number(t) : NaN;
      if (!(n >= min && n <= max))
        throw invalid(
          el,
          ctx,
          `<${el.local}> is not an ${what}: ${JSON.stringify(t.slice(0, 40))}`,
        );
      return n;
    },
    encode(tag, v) {
      if (!Number.isInteger(v) || v < min || v > max) {
        throw new CwmpError(CwmpErrorCode.InvalidValue, `<${tag}> ${v} is not an ${what}`);
      }
      return `<${tag}>${v}</${tag}>`;
    },
  };
}

export const uint = integer(0, 0xffffffff, 'xsd:unsignedInt');
export const int = integer(-0x80000000, 0x7fffffff, 'xsd:int');

/** An xsd:int restricted to an enumeration in the XSD (Status 0|1, Notification 0..6, ...). */
export function intEnum<T extends number>(allowed: readonly T[]): Codec<T> {
  return {
    decode(el, ctx) {
      const n = int.decode(el, ctx);
      if (!(allowed as readonly number[]).includes(n))
        throw invalid(el, ctx, `<${el.local}> must be one of ${allowed.join('|')}`);
      return n as T;
    },
    encode: (tag, v, ctx) => int.encode(tag, v, ctx),
  };
}

/** xsd:boolean lexical forms, plus the capitalised forms some CPEs send. */
export function parseBoolean(text: string): boolean | undefined {
  switch (text.trim().toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}

export function formatBoolean(v: boolean, ctx: EncodeContext): string {
  return ctx.options.booleanFormat === 'digit' ? (v ? '1' : '0') : v ? 'true' : 'false';
}

export const bool: Codec<boolean> = {
  decode(el, ctx) {
    const b = parseBoolean(leafText(el, ctx));
    if (b === undefined) throw invalid(el, ctx, `<${el.local}> is not an xsd:boolean`);
    return b;
  },
  encode: (tag, v, ctx) => `<${tag}>${formatBoolean(v, ctx)}</${tag}>`,
};

/** xsd:dateTime lexical form (XML Schema Part 2 §3.2.7.1), any fraction length, optional zone. */
export const DATE_TIME =
  /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-4]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/;

export function formatDateTime(v: string, ctx: EncodeContext, tag: string): string {
  if (!DATE_TIME.test(v))
    throw new CwmpError(
      CwmpErrorCode.InvalidValue,
      `<${tag}> ${JSON.stringify(v)} is not an xsd:dateTime`,
    );
  // Some CPEs reject fractional seconds: a per-device-class option (CWMP-NOTES "Values").
  return ctx.options.dateTimeFraction === 'strip' ? v.replace(/\.\d+/, '') : v;
}

export const dateTime: Codec<string> = {
  decode(el, ctx) {
    const t = leafText(el, ctx).trim();
    if (!DATE_TIME.test(t))
      throw invalid(
        el,
        ctx,
        `<${el.local}> is not an xsd:dateTime: ${JSON.stringify(t.slice(0, 40))}`,
      );
    return t;
  },
  encode: (tag, v, ctx) => `<${tag}>${formatDateTime(v, ctx, tag)}</${tag}>`,
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/[ \t\r\n]+/g, '');
  return BASE64.test(t) ? Buffer.from(t, 'base64') : undefined;
}

export function formatBase64(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export const base64: Codec<Uint8Array> = {
  decode(el, ctx) {
    const b = parseBase64(leafText(el, ctx));
    if (b === undefined) throw invalid(el, ctx, `<${el.local}> is not base64`);
    return b;
  },
  encode: (tag, v) => `<${tag}>${formatBase64(v)}</${tag}>`,
};
