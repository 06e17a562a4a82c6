import type { DeviceState } from '@acs/domain';
import { escapePathKey, FACT_FIELDS } from '@acs/domain';
import { loadState, type DeviceDocument } from '@acs/provisioning';
import type { FilterExpr } from './filter.parser';

/** The parameter paths a filter reads (facts and tags are top-level fields of the state). */
export function filterPaths(expr: FilterExpr | undefined): string[] {
  const out = new Set<string>();
  const walk = (e: FilterExpr): void => {
    switch (e.kind) {
      case 'and':
      case 'or':
        e.items.forEach(walk);
        return;
      case 'not':
        walk(e.item);
        return;
      case 'cond':
        if (e.cond.field !== 'tag' && !(FACT_FIELDS as readonly string[]).includes(e.cond.field))
          out.add(e.cond.field);
    }
  };
  if (expr !== undefined) walk(expr);
  return [...out];
}

const EMPTY = { faults: {}, absent: {}, actionRuns: {}, transfers: {} };

/**
 * Just enough of a stored device for a filter: the facts and tags, and only the nodes the filter
 * reads, decoded — instead of the whole data model (a list scan reads many documents for each
 * one it returns; the full state is decoded only for those).
 */
export function filterState(doc: DeviceDocument, paths: readonly string[]): DeviceState {
  const raw = doc.state;
  const nodes = (raw.nodes ?? {}) as Readonly<Record<string, unknown>>;
  const picked: Record<string, unknown> = {};
  for (const p of paths) {
    const k = escapePathKey(p);
    if (nodes[k] !== undefined) picked[k] = nodes[k];
  }
  return loadState({ ...raw, ...EMPTY, nodes: picked }, doc._id);
}

const FACT_PATHS: Readonly<Record<string, string>> = {
  oui: 'state.facts.oui',
  productClass: 'state.facts.productClass',
  serialNumber: 'state.facts.serialNumber',
  manufacturer: 'state.facts.manufacturer',
  softwareVersion: 'state.softwareVersion',
  hardwareVersion: 'state.hardwareVersion',
  provisioningCode: 'state.provisioningCode',
};

/**
 * A condition the store evaluates: equality on a stored fact, membership in the stored tags, one
 * of the stored forms of a parameter value.
 */
export type StoreCondition =
  string | { readonly $has: string } | { readonly $in: readonly (string | number | boolean)[] };

// The store's field-name rule (libs/store field-path.ts); keys outside it are not pushed.
const STORE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_%-]*$/;

/**
 * Where a parameter's value is stored (`state.nodes.<escaped path>.value.value`), or undefined
 * when its escaped key is not a store field name (e.g. an `[alias]` segment).
 */
function parameterValuePath(path: string): string | undefined {
  const key = escapePathKey(path);
  return STORE_SEGMENT.test(key) ? `state.nodes.${key}.value.value` : undefined;
}

/**
 * Every stored value whose lexical form (what a filter compares, `lexical` in @acs/domain) is the
 * text `v`: the text itself (string, dateTime, decimal, base64, 64-bit integers stored as text),
 * the number (int, unsignedInt) when `v` is its canonical spelling, the boolean for "true" /
 * "false", and the base64 of the bytes of a hexBinary. A superset is harmless (the filter still
 * runs on what the store returns); a missing form would drop matches.
 */
export function storedForms(v: string): (string | number | boolean)[] {
  const forms: (string | number | boolean)[] = [v];
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n) && String(n) === v) forms.push(n);
  if (v === 'true' || v === 'false') forms.push(v === 'true');
  if (v !== '' && /^(?:[0-9a-f]{2})+$/.test(v))
    forms.push(Buffer.from(v, 'hex').toString('base64'));
  return forms;
}

/** Where the tags are stored; the device repository declares a multikey index on it. */
export const TAGS_PATH = 'state.tags';

/**
 * Store conditions implied by the filter, from the leaves ANDed at its top level only (under OR
 * or NOT a leaf does not narrow the result): fact `=` "text" as equality on the stored field (a
 * string compares exactly in filters too, and a missing fact matches neither), and `tag = v` as
 * membership of String(v) in the stored tags (the filter compares tags as text, docs/nbi.md),
 * answered from the tags index, and parameter `= "text"` as `$in` the stored forms of that text
 * (storedForms; not indexed: it filters the candidates in the store, so non-matching ones are not
 * sent back and parsed). The store then skips non-matching documents before they are read; the
 * whole filter still runs on what it returns, so the result is the same either way.
 */
export function storeConditions(expr: FilterExpr | undefined): Record<string, StoreCondition> {
  const out: Record<string, StoreCondition> = {};
  const top = expr === undefined ? [] : expr.kind === 'and' ? expr.items : [expr];
  for (const e of top) {
    if (e.kind !== 'cond' || e.cond.op !== 'eq' || e.cond.value === undefined) continue;
    // Two different values for one field: nothing matches; keep the first, the filter decides.
    if (e.cond.field === 'tag') {
      if (out[TAGS_PATH] === undefined) out[TAGS_PATH] = { $has: String(e.cond.value) };
      continue;
    }
    if (typeof e.cond.value !== 'string') continue;
    const fact = FACT_PATHS[e.cond.field];
    if (fact !== undefined) {
      if (out[fact] === undefined) out[fact] = e.cond.value;
      continue;
    }
    if ((FACT_FIELDS as readonly string[]).includes(e.cond.field)) continue;
    const param = parameterValuePath(e.cond.field);
    if (param !== undefined && out[param] === undefined)
      out[param] = { $in: storedForms(e.cond.value) };
  }
  return out;
}
