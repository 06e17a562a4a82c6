import { CwmpError, CwmpErrorCode, lineAt } from '../cwmp.error';
import type { XmlLimits } from './xml-limits';

/**
 * One element of the small tree the tokenizer builds. Only what a SOAP codec needs:
 * names split at the prefix, decoded attributes as a flat [qname, value, ...] list,
 * child elements, and the concatenated character data of leaf elements.
 */
export interface XmlElement {
  readonly name: string;
  readonly local: string;
  readonly prefix: string;
  readonly attrs: string[] | null;
  readonly children: XmlElement[];
  /** Text + CDATA of the element; for an element that has children this is '' (indentation is dropped). */
  text: string;
  /** Offset of the element's `<` in the decoded document. */
  readonly offset: number;
  readonly parent: XmlElement | null;
}

// ASCII name characters: 1 = may continue a name, 2 = may also start one (XML 1.0 §2.3, ASCII subset;
// every code point >= 0x80 is accepted so vendor names in any script pass).
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) NAME[c] = 2;
  else if (/[0-9.-]/.test(ch)) NAME[c] = 1;
}

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QMARK = 63;
const EQ = 61;
const DQ = 34;
const SQ = 39;
const COLON = 58;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

// `NAME[c]` is undefined for NaN (end of input), which must end a name.
function isNameChar(c: number): boolean {
  if (c >= 128) return true;
  const k = NAME[c];
  return k !== undefined && k !== 0;
}

function isNameStart(c: number): boolean {
  return c >= 128 || NAME[c] === 2;
}

/** XML 1.0 §2.2 Char production, for numeric character references. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Single-pass, non-validating XML tokenizer specialised for SOAP envelopes.
 *
 * Security model (TR-069 §3.2.1 requires no DTD processing; CWMP-NOTES "Never process a DOCTYPE"):
 * a DOCTYPE or ENTITY declaration anywhere is refused, only the five predefined entities and
 * numeric character references are expanded, and every dimension of the input is bounded by
 * {@link XmlLimits}. The loop is iterative (no recursion), so nesting depth cannot blow the stack.
 */
class Tokenizer {
  private pos = 0;
  private elements = 0;
  private nextAmp = -2;
  private nextCr = -2;
  private readonly stack: XmlElement[] = [];

  constructor(
    private readonly src: string,
    private readonly limits: XmlLimits,
  ) {}

  parse(): XmlElement {
    const src = this.src;
    let root: XmlElement | null = null;
    for (;;) {
      const lt = src.indexOf('<', this.pos);
      const top = this.stack[this.stack.length - 1];
      if (lt === -1) {
        if (top !== undefined)
          this.fail(
            CwmpErrorCode.XmlMalformed,
            `unexpected end of document inside <${top.name}>`,
            src.length,
          );
        this.requireWhitespace(this.pos, src.length);
        break;
      }
      const c = src.charCodeAt(lt + 1);
      if (lt > this.pos) {
        if (top === undefined) this.requireWhitespace(this.pos, lt);
        else if (c === SLASH || c === BANG || c === QMARK) this.text(top, this.pos, lt, true);
        // Text right before a child element is indentation of a container (dropped): validate only.
        else if (this.hasAmp(this.pos, lt)) this.decode(this.pos, lt);
      }
      if (c === SLASH) {
        this.closeTag(lt);
      } else if (c === BANG) {
        this.bang(lt, top);
      } else if (c === QMARK) {
        const end = src.indexOf('?>', lt + 2);
        if (end === -1)
          this.fail(CwmpErrorCode.XmlMalformed, 'unterminated processing instruction', lt);
        this.pos = end + 2;
      } else {
        if (top === undefined && root !== null)
          this.fail(CwmpErrorCode.XmlMalformed, 'more than one root element', lt);
        const el = this.openTag(lt, top ?? null);
        if (root === null) root = el;
      }
    }
    if (root === null) this.fail(CwmpErrorCode.XmlMalformed, 'no root element', 0);
    return root;
  }

  private openTag(lt: number, parent: XmlElement | null): XmlElement {
    const src = this.src;
    let i = lt + 1;
    if (!isNameStart(src.charCodeAt(i)))
      this.fail(CwmpErrorCode.XmlMalformed, 'invalid element name', lt);
    let colon = -1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === COLON && colon === -1) colon = i;
      else if (!isNameChar(c)) break;
      i++;
    }
    const name = src.slice(lt + 1, i);
    const local = colon === -1 ? name : src.slice(colon + 1, i);
    const prefix = colon === -1 ? '' : src.slice(lt + 1, colon);
    if (local === '') this.fail(CwmpErrorCode.XmlMalformed, 'empty local name', lt);

    let attrs: string[] | null = null;
    let selfClose = false;
    let sawWs = false;
    for (;;) {
      const c = src.charCodeAt(i);
      if (isWs(c)) {
        i++;
        sawWs = true;
      } else if (c === GT) {
        i++;
        break;
      } else if (c === SLASH) {
        if (src.charCodeAt(i + 1) !== GT)
          this.fail(CwmpErrorCode.XmlMalformed, "expected '>' after '/'", i);
        i += 2;
        selfClose = true;
        break;
      } else if (c !== c) {
        // NaN: past the end of input
        this.fail(CwmpErrorCode.XmlMalformed, `unexpected end of document in <${name}>`, i);
      } else {
        if (!sawWs || !isNameStart(c))
          this.fail(CwmpErrorCode.XmlMalformed, `bad attribute syntax in <${name}>`, i);
        const an = i;
        while (isNameChar(src.charCodeAt(i))) i++;
        const aname = src.slice(an, i);
        while (isWs(src.charCodeAt(i))) i++;
        if (src.charCodeAt(i) !== EQ)
          this.fail(CwmpErrorCode.XmlMalformed, `attribute ${aname} has no value`, i);
        i++;
        while (isWs(src.charCodeAt(i))) i++;
        const q = src.charCodeAt(i);
        if (q !== DQ && q !== SQ)
          this.fail(CwmpErrorCode.XmlMalformed, `attribute ${aname} value not quoted`, i);
        const vs = i + 1;
        const ve = src.indexOf(q === DQ ? '"' : "'", vs);
        if (ve === -1) this.fail(CwmpErrorCode.XmlMalformed, 'unterminated attribute value', i);
        const lt2 = src.indexOf('<', vs);
        if (lt2 !== -1 && lt2 < ve)
          this.fail(CwmpErrorCode.XmlMalformed, "'<' in attribute value", lt2);
        if (ve - vs > this.limits.maxTextLength) throw this.limitError('maxTextLength', vs);
        const value = this.decode(vs, ve);
        if (attrs === null) attrs = [];
        else {
          for (let k = 0; k < attrs.length; k += 2) {
            if (attrs[k] === aname)
              this.fail(CwmpErrorCode.XmlMalformed, `duplicate attribute ${aname}`, an);
          }
        }
        attrs.push(aname, value);
        if (attrs.length > this.limits.maxAttributes * 2)
          throw this.limitError('maxAttributes', an);
        i = ve + 1;
        sawWs = false;
      }
    }
    this.pos = i;

    if (++this.elements > this.limits.maxElements) throw this.limitError('maxElements', lt);
    if (this.stack.length >= this.limits.maxDepth) throw this.limitError('maxDepth', lt);
    const el: XmlElement = {
      name,
      local,
      prefix,
      attrs,
      children: [],
      text: '',
      offset: lt,
      parent,
    };
    if (parent !== null) {
      // The parent is a container: its indentation text is not content.
      if (parent.children.length === 0) parent.text = '';
      parent.children.push(el);
    }
    if (!selfClose) this.stack.push(el);
    return el;
  }

  private closeTag(lt: number): void {
    const src = this.src;
    const top = this.stack.pop();
    if (top === undefined) this.fail(CwmpErrorCode.XmlMalformed, 'end tag without start tag', lt);
    const ns = lt + 2;
    let i = ns + top.name.length;
    if (!src.startsWith(top.name, ns) || isNameChar(src.charCodeAt(i))) {
      this.fail(CwmpErrorCode.XmlMalformed, `end tag does not match <${top.name}>`, lt);
    }
    while (isWs(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) !== GT)
      this.fail(CwmpErrorCode.XmlMalformed, "expected '>' in end tag", i);
    this.pos = i + 1;
  }

  private bang(lt: number, top: XmlElement | undefined): void {
    const src = this.src;
    if (src.startsWith('!--', lt + 1)) {
      const end = src.indexOf('-->', lt + 4);
      if (end === -1) this.fail(CwmpErrorCode.XmlMalformed, 'unterminated comment', lt);
      this.pos = end + 3;
    } else if (src.startsWith('![CDATA[', lt + 1)) {
      if (top === undefined)
        this.fail(CwmpErrorCode.XmlMalformed, 'CDATA outside the root element', lt);
      const start = lt + 9;
      const end = src.indexOf(']]>', start);
      if (end === -1) this.fail(CwmpErrorCode.XmlMalformed, 'unterminated CDATA section', lt);
      this.text(top, start, end, false);
      this.pos = end + 3;
    } else if (src.startsWith('!DOCTYPE', lt + 1) || src.startsWith('!ENTITY', lt + 1)) {
      // TR-069 §3.2.1 / CWMP-NOTES: never process a DTD. This also kills billion-laughs and XXE.
      this.fail(
        CwmpErrorCode.DoctypeForbidden,
        'DOCTYPE and entity declarations are not allowed',
        lt,
      );
    } else {
      this.fail(CwmpErrorCode.XmlMalformed, "unexpected '<!'", lt);
    }
  }

  /** Character data [start, end) inside `el`; `refs` is false for CDATA (no entity expansion). */
  private text(el: XmlElement, start: number, end: number, refs: boolean): void {
    if (el.children.length > 0) {
      // Indentation between children: not content. Still reject undefined entities in it.
      if (refs && this.hasAmp(start, end)) this.decode(start, end);
      return;
    }
    if (end - start + el.text.length > this.limits.maxTextLength)
      throw this.limitError('maxTextLength', start);
    const t = refs ? this.decode(start, end) : this.raw(start, end);
    el.text = el.text === '' ? t : el.text + t;
  }

  private hasAmp(start: number, end: number): boolean {
    if (this.nextAmp < start && this.nextAmp !== -1) {
      const a = this.src.indexOf('&', start);
      this.nextAmp = a;
    }
    return this.nextAmp !== -1 && this.nextAmp < end;
  }

  private hasCr(start: number, end: number): boolean {
    if (this.nextCr < start && this.nextCr !== -1) this.nextCr = this.src.indexOf('\r', start);
    return this.nextCr !== -1 && this.nextCr < end;
  }

  /** Slice with XML 1.0 §2.11 end-of-line normalisation. */
  private raw(start: number, end: number): string {
    const s = this.src.slice(start, end);
    return this.hasCr(start, end) ? s.replace(/\r\n?/g, '\n') : s;
  }

  /** Text with the five predefined entities and numeric references expanded (XML 1.0 §4.6, §4.1). */
  private decode(start: number, end: number): string {
    if (!this.hasAmp(start, end)) return this.raw(start, end);
    const src = this.src;
    let out = '';
    let last = start;
    let amp = this.nextAmp;
    while (amp !== -1 && amp < end) {
      const semi = src.indexOf(';', amp + 1);
      if (semi === -1 || semi >= end || semi - amp > 12)
        this.fail(CwmpErrorCode.XmlMalformed, "unescaped '&'", amp);
      out += this.raw(last, amp) + this.reference(src.slice(amp + 1, semi), amp);
      last = semi + 1;
      amp = src.indexOf('&', last);
    }
    this.nextAmp = amp;
    return out + this.raw(last, end);
  }

  private reference(ref: string, at: number): string {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    if (ref.charCodeAt(0) === 35) {
      const hex = ref.charCodeAt(1) === 120;
      const digits = ref.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) {
        this.fail(CwmpErrorCode.XmlMalformed, `bad character reference &${ref};`, at);
      }
      const cp = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp))
        this.fail(
          CwmpErrorCode.EntityForbidden,
          `reference to a character XML forbids: &${ref};`,
          at,
        );
      return String.fromCodePoint(cp);
    }
    return this.fail(CwmpErrorCode.EntityForbidden, `undefined entity &${ref};`, at);
  }

  private requireWhitespace(start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (!isWs(this.src.charCodeAt(i)))
        this.fail(CwmpErrorCode.XmlMalformed, 'text outside the root element', i);
    }
  }

  private limitError(limit: Parameters<typeof CwmpError.limit>[0], offset: number): CwmpError {
    const e = CwmpError.limit(limit, this.limits[limit], offset);
    e.details.line = lineAt(this.src, offset);
    e.details.path = this.path();
    return e;
  }

  private path(): string {
    return this.stack.length > 64
      ? `/${this.stack
          .slice(0, 8)
          .map((e) => e.local)
          .join('/')}/...(${this.stack.length} levels)`
      : `/${this.stack.map((e) => e.local).join('/')}`;
  }

  private fail(code: CwmpErrorCode, message: string, offset: number): never {
    throw new CwmpError(code, message, {
      offset,
      line: lineAt(this.src, offset),
      path: this.path(),
    });
  }
}

/** Tokenize an already-decoded document into an element tree. Throws {@link CwmpError}. */
export function parseXml(src: string, limits: XmlLimits): XmlElement {
  if (src.length > limits.maxBytes) throw CwmpError.limit('maxBytes', limits.maxBytes, 0);
  return new Tokenizer(src, limits).parse();
}
