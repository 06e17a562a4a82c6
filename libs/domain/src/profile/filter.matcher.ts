import type { DeviceState } from '../device/device-state.types';
import { lexical } from '../value/value.convert';
import type { Condition } from './profile.schema';

// Device filters: every condition must hold. A condition on something the ACS does not know
// (a version never reported, a parameter never read) is false, except `ne`, which holds.

function factOf(state: DeviceState, field: Condition['field']): string | undefined {
  switch (field) {
    case 'oui':
    case 'productClass':
    case 'serialNumber':
    case 'manufacturer':
      return state.facts[field];
    case 'softwareVersion':
    case 'hardwareVersion':
    case 'provisioningCode':
      return state[field];
    case 'tag':
      return undefined;
    default: {
      const node = state.nodes[field];
      return node?.kind === 'parameter' && node.value !== undefined
        ? lexical(node.value)
        : undefined;
    }
  }
}

/**
 * Orders numbers numerically and versions (`2.10.1` vs `2.9`) segment by segment, numeric segments
 * as numbers; anything else compares as text.
 */
export function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb))
    return na - nb;
  const sa = a.split(/[.\-_]/);
  const sb = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const dx = /^[0-9]+$/.test(x);
    const dy = /^[0-9]+$/.test(y);
    const c = dx && dy ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

const regexCache = new Map<string, RegExp>();
function regexOf(source: string): RegExp {
  let r = regexCache.get(source);
  if (r === undefined) {
    r = new RegExp(source);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, r);
  }
  return r;
}

function tagMatches(tags: readonly string[], c: Condition): boolean {
  const v = c.value === undefined ? undefined : String(c.value);
  switch (c.op) {
    case 'eq':
      return v !== undefined && tags.includes(v);
    case 'ne':
      return v === undefined || !tags.includes(v);
    case 'in':
      return (c.values ?? []).some((t) => tags.includes(t));
    case 'exists':
      return v === undefined ? tags.length > 0 : tags.includes(v);
    case 'prefix':
      return v !== undefined && tags.some((t) => t.startsWith(v));
    case 'regex':
      return v !== undefined && tags.some((t) => regexOf(v).test(t));
    case 'gt':
    case 'lt':
      return false;
  }
}

export function conditionHolds(state: DeviceState, c: Condition): boolean {
  if (c.field === 'tag') return tagMatches(state.tags, c);
  const actual = factOf(state, c.field);
  const v = c.value === undefined ? undefined : String(c.value);
  if (actual === undefined) return c.op === 'ne';
  switch (c.op) {
    case 'eq':
      return (
        v !== undefined &&
        (actual === v || (typeof c.value !== 'string' && compareVersions(actual, v) === 0))
      );
    case 'ne':
      return actual !== v;
    case 'in':
      return (c.values ?? []).includes(actual);
    case 'exists':
      return true;
    case 'prefix':
      return v !== undefined && actual.startsWith(v);
    case 'regex':
      return v !== undefined && regexOf(v).test(actual);
    case 'gt':
      return v !== undefined && compareVersions(actual, v) > 0;
    case 'lt':
      return v !== undefined && compareVersions(actual, v) < 0;
  }
}

export function matchesFilter(state: DeviceState, filter: readonly Condition[]): boolean {
  for (const c of filter) if (!conditionHolds(state, c)) return false;
  return true;
}
