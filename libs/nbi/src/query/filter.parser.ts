import type { Condition, DeviceState } from '@acs/domain';
import { conditionHolds, FACT_FIELDS } from '@acs/domain';
import { NbiError, NbiErrorCode } from '../nbi.error';

// Devices/List filter expressions (docs/nbi.md):
//   expr    := or
//   or      := and ("OR" and)*
//   and     := unary ("AND" unary)*
//   unary   := "NOT" unary | "(" expr ")" | compare
//   compare := field ("=" | "!=" | "<" | "<=" | ">" | ">=") value
//            | field "IN" "(" value ("," value)* ")"
//            | field ("PREFIX" | "MATCHES") string
//            | field "EXISTS"
//   field   := a device fact (oui, productClass, ...), "tag", or a parameter path
//   value   := "double-quoted string" | number | true | false
// Leaves are the profile filter conditions of @acs/domain (same semantics: a condition on
// something unknown is false, except !=), so a filter means the same in the API and in profiles.

export type FilterExpr =
  | { readonly kind: 'and'; readonly items: readonly FilterExpr[] }
  | { readonly kind: 'or'; readonly items: readonly FilterExpr[] }
  | { readonly kind: 'not'; readonly item: FilterExpr }
  | { readonly kind: 'cond'; readonly cond: Condition };

export const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

function syntax(message: string, position: number): NbiError {
  return new NbiError(NbiErrorCode.InvalidFilter, `filter: ${message} at position ${position}`, {
    field: 'filter',
    position,
  });
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw syntax('unterminated string', at);
        const d = src[i] as string;
        if (d === '"') break;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined) throw syntax('unterminated string', at);
          if (e !== '"' && e !== '\\') throw syntax(`unknown escape \\${e}`, i);
          v += e;
          i += 2;
        } else {
          v += d;
          i++;
        }
      }
      i++;
      out.push({ t: 'str', v, at });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9]+(?:\.[0-9]+)?/.exec(src.slice(i));
      if (m === null) throw syntax(`unexpected "${c}"`, at);
      out.push({ t: 'num', v: Number(m[0]), at });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      // Words and parameter paths (letters, digits, _ - . and [alias] segments).
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*(?:\[[^\]]*\][A-Za-z0-9_.-]*)*/.exec(src.slice(i));
      const w = (m as RegExpExecArray)[0];
      out.push({ t: 'word', v: w, at });
      i += w.length;
    } else {
      const two = src.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ t: 'op', v: two, at });
        i += 2;
      } else if ('=<>(),'.includes(c)) {
        out.push({ t: 'op', v: c, at });
        i++;
      } else throw syntax(`unexpected "${c}"`, at);
    }
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'PREFIX', 'MATCHES', 'EXISTS']);
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.(?:[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\[[^.\]]+\]))+$/;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.t === 'word' && t.v.toUpperCase() === v;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw syntax(`expected "${v}"`, t.at);
  }

  parse(): FilterExpr {
    const e = this.or(0);
    const t = this.peek();
    if (t.t !== 'end') throw syntax('expected AND, OR or the end', t.at);
    return e;
  }

  private or(depth: number): FilterExpr {
    const items = [this.and(depth)];
    while (this.isWord('OR')) {
      this.next();
      items.push(this.and(depth));
    }
    return items.length === 1 ? (items[0] as FilterExpr) : { kind: 'or', items };
  }

  private and(depth: number): FilterExpr {
    const items = [this.unary(depth)];
    while (this.isWord('AND')) {
      this.next();
      items.push(this.unary(depth));
    }
    return items.length === 1 ? (items[0] as FilterExpr) : { kind: 'and', items };
  }

  private unary(depth: number): FilterExpr {
    const t = this.peek();
    if (depth > MAX_DEPTH) throw syntax(`nested deeper than ${MAX_DEPTH}`, t.at);
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', item: this.unary(depth + 1) };
    }
    if (this.isOp('(')) {
      this.next();
      const e = this.or(depth + 1);
      this.expectOp(')');
      return e;
    }
    return this.compare();
  }

  private field(): Condition['field'] {
    const t = this.next();
    if (t.t !== 'word' || KEYWORDS.has(t.v.toUpperCase()))
      throw syntax('expected a field (device fact, tag or parameter path)', t.at);
    if (t.v === 'tag' || (FACT_FIELDS as readonly string[]).includes(t.v)) return t.v;
    if (!PATH.test(t.v) || t.v.endsWith('.') || t.v.length > 256)
      throw syntax(
        `unknown field "${t.v}" (facts: ${FACT_FIELDS.filter((f) => f !== 'tag').join(', ')}; tag; or a parameter path)`,
        t.at,
      );
    return t.v;
  }

  private value(): string | number | boolean {
    const t = this.next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return t.v;
    if (t.t === 'word' && (t.v === 'true' || t.v === 'false')) return t.v === 'true';
    throw syntax('expected a value ("string", number, true or false)', t.at);
  }

  private string(): string {
    const t = this.next();
    if (t.t !== 'str') throw syntax('expected a "string"', t.at);
    return t.v;
  }

  private compare(): FilterExpr {
    const field = this.field();
    const t = this.next();
    const cond = (c: Omit<Condition, 'field'>): FilterExpr => ({
      kind: 'cond',
      cond: { field, ...c },
    });
    if (t.t === 'word') {
      switch (t.v.toUpperCase()) {
        case 'EXISTS':
          return cond({ op: 'exists' });
        case 'PREFIX':
          return cond({ op: 'prefix', value: this.string() });
        case 'MATCHES': {
          const at = this.peek().at;
          const re = this.string();
          try {
            new RegExp(re);
          } catch {
            throw syntax('not a regular expression', at);
          }
          return cond({ op: 'regex', value: re });
        }
        case 'IN': {
          this.expectOp('(');
          const values = [String(this.value())];
          while (this.isOp(',')) {
            this.next();
            if (values.length >= 1000) throw syntax('more than 1000 values', this.peek().at);
            values.push(String(this.value()));
          }
          this.expectOp(')');
          return cond({ op: 'in', values });
        }
      }
    }
    if (t.t !== 'op')
      throw syntax('expected an operator (= != < <= > >= IN PREFIX MATCHES EXISTS)', t.at);
    switch (t.v) {
      case '=':
        return cond({ op: 'eq', value: this.value() });
      case '!=':
        return cond({ op: 'ne', value: this.value() });
      case '<':
        return cond({ op: 'lt', value: this.value() });
      case '>':
        return cond({ op: 'gt', value: this.value() });
      case '<=':
      case '>=': {
        const value = this.value();
        return {
          kind: 'or',
          items: [cond({ op: t.v === '<=' ? 'lt' : 'gt', value }), cond({ op: 'eq', value })],
        };
      }
      default:
        throw syntax('expected an operator (= != < <= > >= IN PREFIX MATCHES EXISTS)', t.at);
    }
  }
}

/** Parses a filter; an empty one is undefined (every device). @throws NbiError InvalidFilter */
export function parseFilter(source: string): FilterExpr | undefined {
  if (source.trim() === '') return undefined;
  if (source.length > MAX_FILTER_LENGTH)
    throw syntax(`longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  return new Parser(tokenize(source)).parse();
}

export function evaluateFilter(expr: FilterExpr | undefined, state: DeviceState): boolean {
  if (expr === undefined) return true;
  switch (expr.kind) {
    case 'and':
      return expr.items.every((e) => evaluateFilter(e, state));
    case 'or':
      return expr.items.some((e) => evaluateFilter(e, state));
    case 'not':
      return !evaluateFilter(expr.item, state);
    case 'cond':
      return conditionHolds(state, expr.cond);
  }
}
