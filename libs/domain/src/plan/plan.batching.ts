import type { ParameterValue, SetParameterAttributesStruct } from '@acs/cwmp';
import { lexical } from '../value/value.convert';
import type { PlanItem, PlannedRpc } from './plan.types';
import { stableHash } from './stable-hash';

// Turning the engine's collected reads and writes into RPCs: sorted (so a plan is deterministic),
// chunked to the policy's batch size, suspects of a failed batch sent one by one.

export interface SetEntry {
  readonly value: ParameterValue;
  readonly item: PlanItem;
  /** A suspect of a batch that failed without naming the culprit: sent alone. */
  readonly isolate: boolean;
}

export interface AttributeEntry {
  readonly attr: SetParameterAttributesStruct;
  readonly item: PlanItem;
}

export function chunks<T>(list: readonly T[], size: number): T[][] {
  const n = Math.max(1, size);
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

function coveringObject(name: string, objects: ReadonlySet<string>): string | undefined {
  for (let i = name.indexOf('.'); i >= 0 && i < name.length - 1; i = name.indexOf('.', i + 1)) {
    const prefix = name.slice(0, i + 1);
    if (prefix !== name && objects.has(prefix)) return prefix;
  }
  return undefined;
}

/** GetParameterValues / GetParameterAttributes for the collected names (items per name). */
export function readRpcs(
  map: Map<string, PlanItem[]>,
  kind: 'read' | 'readAttributes',
  isolated: ReadonlySet<string>,
  size: number,
): PlannedRpc[] {
  const single: string[] = [];
  const batch: string[] = [];
  const objects = new Set([...map.keys()].filter((n) => n.endsWith('.')));
  for (const name of [...map.keys()].sort()) {
    // A name inside a requested object path comes back with that object's subtree anyway.
    const cover = objects.size === 0 ? undefined : coveringObject(name, objects);
    if (cover !== undefined) {
      map.get(cover)?.push(...(map.get(name) ?? []));
      continue;
    }
    (isolated.has(name) ? single : batch).push(name);
  }
  const groups = [...chunks(batch, size), ...single.map((n) => [n])];
  return groups.map((names) => ({
    request:
      kind === 'read'
        ? { type: 'GetParameterValues', parameterNames: names }
        : { type: 'GetParameterAttributes', parameterNames: names },
    purpose: kind,
    items: names.flatMap((n) => map.get(n) ?? []),
  }));
}

/** SetParameterValues batches, each with a ParameterKey derived from its change set. */
export function setRpcs(sets: readonly SetEntry[], size: number): PlannedRpc[] {
  const sorted = [...sets].sort((a, b) => (a.value.name < b.value.name ? -1 : 1));
  const groups = [
    ...chunks(
      sorted.filter((s) => !s.isolate),
      size,
    ),
    ...sorted.filter((s) => s.isolate).map((s) => [s]),
  ];
  return groups.map((g) => {
    const parameterList = g.map((s) => s.value);
    // Deterministic in the change set: the next Inform's ParameterKey shows it was applied
    // (TR-069 A.3.2.1), and a recomputed plan sends the very same key.
    const parameterKey = stableHash(
      parameterList.map((p) => `${p.name}=${p.value.type}:${lexical(p.value)}`).join('\n'),
    );
    return {
      request: { type: 'SetParameterValues', parameterList, parameterKey },
      purpose: 'set',
      items: g.map((s) => s.item),
    };
  });
}

export function attributeRpcs(sets: readonly AttributeEntry[], size: number): PlannedRpc[] {
  const sorted = [...sets].sort((a, b) => (a.attr.name < b.attr.name ? -1 : 1));
  return chunks(sorted, size).map((g) => ({
    request: { type: 'SetParameterAttributes', parameterList: g.map((s) => s.attr) },
    purpose: 'setAttributes',
    items: g.map((s) => s.item),
  }));
}
