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

/** A condition the store evaluates: equality on a stored fact, membership in the stored tags. */
export type StoreCondition = string | { readonly $has: string };

/** Where the tags are stored; the device repository declares a multikey index on it. */
export const TAGS_PATH = 'state.tags';

/**
 * Store conditions implied by the filter, from the leaves ANDed at its top level only (under OR
 * or NOT a leaf does not narrow the result): fact `=` "text" as equality on the stored field (a
 * string compares exactly in filters too, and a missing fact matches neither), and `tag = v` as
 * membership of String(v) in the stored tags (the filter compares tags as text, docs/nbi.md),
 * answered from the tags index. The store then skips non-matching documents before they are
 * read; the whole filter still runs on what it returns, so the result is the same either way.
 * Parameter values are not pushed: the document keeps them under escaped path keys, which are not
 * field paths of the store's query subset (and are not indexed).
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
    const path = FACT_PATHS[e.cond.field];
    if (typeof e.cond.value === 'string' && path !== undefined && out[path] === undefined)
      out[path] = e.cond.value;
  }
  return out;
}
