import type { DeviceState } from './device-state.types';

// Alias-based addressing (TR-069 A.2.2.1, CWMP 1.4): `Device.WiFi.SSID.[guest].SSID` names the
// instance whose Alias parameter is "guest". The state is keyed by instance numbers (that is what
// GetParameterValues/Names return), so alias paths are resolved before they touch the state.

const ALIAS_SEGMENT = /\.\[([^\]]*)\]\./;

type InstanceLister = (table: string) => readonly number[];

/**
 * Replaces each `[alias]` segment with the instance number known for it; undefined if unknown.
 * `instances` lists a table's instances (the plan passes its cached index; default: a scan).
 */
export function resolveAliasPath(
  state: DeviceState,
  path: string,
  instances: InstanceLister = (t) => instancesOf(state, t),
): string | undefined {
  let out = path;
  for (let m = ALIAS_SEGMENT.exec(out); m !== null; m = ALIAS_SEGMENT.exec(out)) {
    const table = out.slice(0, m.index + 1);
    const alias = m[1] ?? '';
    const n = instanceWithAlias(state, table, alias, instances);
    if (n === undefined) return undefined;
    out = `${table}${n}.${out.slice(m.index + m[0].length)}`;
  }
  return out;
}

/** The instance number of `table` (e.g. `Device.WiFi.SSID.`) whose Alias is `alias`. */
export function instanceWithAlias(
  state: DeviceState,
  table: string,
  alias: string,
  instances: InstanceLister = (t) => instancesOf(state, t),
): number | undefined {
  for (const n of instances(table)) {
    const base = `${table}${n}.`;
    const obj = state.nodes[base];
    if (obj?.kind === 'object' && obj.alias === alias) return n;
    const p = state.nodes[`${base}Alias`];
    if (p?.kind === 'parameter' && p.value?.type === 'string' && p.value.value === alias) return n;
  }
  return undefined;
}

/** Known instance numbers of a table, ascending. */
export function instancesOf(state: DeviceState, table: string): number[] {
  const out: number[] = [];
  for (const path in state.nodes) {
    if (!path.startsWith(table) || path.length === table.length) continue;
    const rest = path.slice(table.length);
    const dot = rest.indexOf('.');
    if (dot !== rest.length - 1) continue;
    const n = Number(rest.slice(0, dot));
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out.sort((a, b) => a - b);
}
