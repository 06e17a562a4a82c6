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
 * Store conditions implied by the filter: fact `=` "text" conditions ANDed at its top level,
 * as equality on the stored field (a string compares exactly in filters too, and a missing fact
 * matches neither). The store then skips non-matching documents before they are read; the filter
 * still runs on what it returns.
 */
export function storeConditions(expr: FilterExpr | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const top = expr === undefined ? [] : expr.kind === 'and' ? expr.items : [expr];
  for (const e of top) {
    if (e.kind !== 'cond' || e.cond.op !== 'eq' || typeof e.cond.value !== 'string') continue;
    const path = FACT_PATHS[e.cond.field];
    // Two different values for one fact: nothing matches; keep the first, the filter decides.
    if (path !== undefined && out[path] === undefined) out[path] = e.cond.value;
  }
  return out;
}
