import type { XmlElement } from '../xml/xml-tokenizer';
import { invalid, type Codec, type DecodeContext, type EncodeContext } from './codec';

/** How one struct member maps to child elements. */
export interface Field<V> {
  readonly tag: string;
  readonly kind: 'one' | 'optional' | 'many';
  readonly codec: Codec<unknown>;
  /** Phantom, ties the field to its value type for {@link Fields}. */
  readonly _v?: (v: V) => V;
}

export function one<V>(tag: string, codec: Codec<V>): Field<V> {
  return { tag, kind: 'one', codec: codec };
}

export function optional<V>(tag: string, codec: Codec<V>): Field<V | undefined> {
  return { tag, kind: 'optional', codec: codec };
}

/** A repeated element (XSD maxOccurs="unbounded", not a SOAP array), e.g. DUStateChangeComplete/Results. */
export function many<V>(tag: string, codec: Codec<V>): Field<readonly V[]> {
  return { tag, kind: 'many', codec: codec };
}

/** One field per member of T, in XSD sequence order (the serializer writes them in this order). */
export type Fields<T> = { readonly [K in keyof T]-?: Field<T[K]> };

/**
 * A struct (XSD sequence). Reading is tolerant: children are matched by local name in any order,
 * unknown children are ignored (vendor extensions), a repeated single child keeps the first.
 */
export interface StructCodec<T> extends Codec<T> {
  /** The member elements only, for callers that write the enclosing tag themselves. */
  children(value: T, ctx: EncodeContext): string;
}

export function struct<T extends object>(fields: Fields<T>): StructCodec<T> {
  const keys = Object.keys(fields) as (keyof T & string)[];
  const defs = keys.map((k) => fields[k] as Field<unknown>);
  const n = defs.length;
  return {
    decode(el: XmlElement, ctx: DecodeContext): T {
      const found: (XmlElement | XmlElement[] | undefined)[] = new Array<undefined>(n);
      for (const child of el.children) {
        const local = child.local;
        for (let j = 0; j < n; j++) {
          const d = defs[j] as Field<unknown>;
          if (d.tag !== local) continue;
          if (d.kind === 'many') {
            const list = found[j] as XmlElement[] | undefined;
            if (list === undefined) found[j] = [child];
            else list.push(child);
          } else if (found[j] === undefined) {
            found[j] = child;
          }
          break;
        }
      }
      const out: Record<string, unknown> = {};
      for (let j = 0; j < n; j++) {
        const d = defs[j] as Field<unknown>;
        const f = found[j];
        if (d.kind === 'many') {
          const list = (f as XmlElement[] | undefined) ?? [];
          out[keys[j] as string] = list.map((c) => d.codec.decode(c, ctx));
        } else if (f !== undefined) {
          out[keys[j] as string] = d.codec.decode(f as XmlElement, ctx);
        } else if (d.kind === 'one') {
          throw invalid(el, ctx, `<${el.local}> lacks <${d.tag}>`);
        }
      }
      return out as T;
    },
    children(value: T, ctx: EncodeContext): string {
      let s = '';
      for (let j = 0; j < n; j++)
        s += encodeField(defs[j] as Field<unknown>, value[keys[j] as keyof T], ctx);
      return s;
    },
    encode(tag: string, value: T, ctx: EncodeContext): string {
      return `<${tag}>${this.children(value, ctx)}</${tag}>`;
    },
  };
}

export function encodeField(d: Field<unknown>, v: unknown, ctx: EncodeContext): string {
  if (d.kind === 'many') {
    let s = '';
    for (const item of v as readonly unknown[]) s += d.codec.encode(d.tag, item, ctx);
    return s;
  }
  if (v === undefined) return '';
  return d.codec.encode(d.tag, v, ctx);
}

/**
 * A SOAP-encoded array (SOAP 1.1 §5.4.2) with `soap-enc:arrayType="<itemType>[N]"`.
 * Reading accepts any item element name, a missing or wrong arrayType, and `xsi:type="soap-enc:Array"`
 * (all seen from field devices); writing always gives the count.
 */
export function array<T>(itemTag: string, itemType: string, item: Codec<T>): Codec<readonly T[]> {
  return {
    decode(el, ctx) {
      const kids = el.children;
      const out = new Array<T>(kids.length);
      for (let i = 0; i < kids.length; i++) out[i] = item.decode(kids[i] as XmlElement, ctx);
      return out;
    },
    encode(tag, value, ctx) {
      let s = `<${tag} soap-enc:arrayType="${itemType}[${value.length}]">`;
      for (const v of value) s += item.encode(itemTag, v, ctx);
      return s + `</${tag}>`;
    },
  };
}
