import type { DeviceState } from './device-state.types';

// Alias-based addressing (TR-069 A.2.2.1, CWMP 1.4): `Device.WiFi.SSID.[guest].SSID` names the
// instance whose Alias parameter is "guest". The state is keyed by instance numbers (that is what
// GetParameterValues/Names return), so alias paths are resolved before they touch the state.

const ALIAS_SEGMENT = /\.\[([^\]]*)\]\./;

/** Replaces each `[alias]` segment with the instance number known for it; undefined if unknown. */
export function resolveAliasPath(state: DeviceState, path: string): string | undefined {
  let out = path;
  for (let m = ALIAS_SEGMENT.exec(out); m !== null; m = ALIAS_SEGMENT.exec(out)) {
    const table = out.slice(0, m.index + 1);
    const alias = m[1] ?? '';
    const n = instanceWithAlias(state, table, alias);
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
): number | undefined {
  for (const n of instancesOf(state, table)) {
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
