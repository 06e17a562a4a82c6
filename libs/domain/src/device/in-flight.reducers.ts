import type { CpeMethodRequest, Inform } from '@acs/cwmp';
import { instancesOf, resolveAliasPath } from './alias.resolve';
import type { DeviceState, InFlight, PathNode, UnlinkedAdd } from './device-state.types';

// Recovering from a session that broke between sending a configuration change and applying its
// result. TR-069 A.3.2.1/A.3.2.6/A.3.2.7: the CPE sets ManagementServer.ParameterKey to the key of
// a SetParameterValues/AddObject/DeleteObject only when it succeeded, and the Inform always
// carries it. So with the in-flight RPCs in send order, the next Inform's key identifies the last
// one that took effect; for those sent before it the ACS cannot tell, so it re-learns them.

type Nodes = Record<string, PathNode>;

function inFlightOf(
  request: CpeMethodRequest,
  state: DeviceState,
  createdFor?: string,
): InFlight | undefined {
  switch (request.type) {
    case 'SetParameterValues':
      return {
        kind: 'set',
        parameterKey: request.parameterKey,
        parameterList: request.parameterList,
      };
    case 'AddObject': {
      const table = request.objectName.replace(/\[[^\]]*\]\.$/, '');
      return {
        kind: 'add',
        parameterKey: request.parameterKey,
        table,
        knownInstances: instancesOf(state, table),
        ...(createdFor === undefined ? {} : { createdFor }),
      };
    }
    case 'DeleteObject':
      return { kind: 'delete', parameterKey: request.parameterKey, objectName: request.objectName };
    default:
      return undefined;
  }
}

/** Records a configuration-changing RPC as sent (other RPCs leave the state unchanged). */
export function recordSent(
  state: DeviceState,
  request: CpeMethodRequest,
  createdFor?: string,
): DeviceState {
  const entry = inFlightOf(request, state, createdFor);
  if (entry === undefined) return state;
  return { ...state, inFlight: [...(state.inFlight ?? []), entry] };
}

/** Removes the entry of an RPC whose result (response or fault) is being applied. */
export function settleSent(state: DeviceState, request: CpeMethodRequest): DeviceState {
  const list = state.inFlight;
  if (list === undefined) return state;
  const key = 'parameterKey' in request ? request.parameterKey : undefined;
  const i = list.findIndex((e) => e.parameterKey === key && kindOf(e) === request.type);
  if (i < 0) return state;
  const rest = [...list.slice(0, i), ...list.slice(i + 1)];
  if (rest.length > 0) return { ...state, inFlight: rest };
  const { inFlight: _done, ...without } = state;
  return without;
}

function kindOf(e: InFlight): string {
  return e.kind === 'set' ? 'SetParameterValues' : e.kind === 'add' ? 'AddObject' : 'DeleteObject';
}

function tableOf(objectName: string): string {
  const trimmed = objectName.slice(0, -1);
  return trimmed.slice(0, trimmed.lastIndexOf('.') + 1);
}

function undiscover(nodes: Nodes, table: string): void {
  const t = nodes[table];
  if (t?.kind !== 'object') return;
  const { childrenReadAt: _stale, ...rest } = t;
  nodes[table] = rest;
}

/**
 * Called by applyInform with the state's in-flight list: the entry whose key the Inform reports
 * took effect (applied here); entries sent before it may or may not have (their values are
 * forgotten and their tables rediscovered, so the next plan re-reads them); later ones did not.
 */
export function settleInFlight(state: DeviceState, inform: Inform, now: number): DeviceState {
  const list = state.inFlight ?? [];
  const { inFlight: _all, ...rest } = state;
  const reported = inform.parameterList.find((p) =>
    p.name.endsWith('.ManagementServer.ParameterKey'),
  );
  const key = reported?.value.type === 'string' ? reported.value.value : undefined;
  let last = -1;
  list.forEach((e, i) => {
    if (e.parameterKey === key) last = i;
  });
  if (last < 0) return rest;
  const nodes: Nodes = { ...state.nodes };
  const unlinked: UnlinkedAdd[] = [...(state.unlinked ?? [])];
  list.slice(0, last + 1).forEach((e, i) => {
    const certain = i === last;
    switch (e.kind) {
      case 'set':
        for (const p of e.parameterList) {
          const path = resolveAliasPath(state, p.name);
          const n = path === undefined ? undefined : nodes[path];
          if (path === undefined || n?.kind !== 'parameter') continue;
          if (certain)
            nodes[path] = {
              ...n,
              value: p.value,
              valueReadAt: now,
              lastSet: { value: p.value, at: now, drift: n.lastSet?.drift ?? 0 },
            };
          else {
            const { value: _v, valueReadAt: _t, ...unknown } = n;
            nodes[path] = unknown;
          }
        }
        return;
      case 'add':
        undiscover(nodes, e.table);
        unlinked.push({
          table: e.table,
          knownInstances: e.knownInstances,
          ...(e.createdFor === undefined ? {} : { createdFor: e.createdFor }),
        });
        return;
      case 'delete': {
        const path = resolveAliasPath(state, e.objectName);
        if (certain && path !== undefined) {
          for (const p in nodes) if (p.startsWith(path)) delete nodes[p];
        } else undiscover(nodes, tableOf(e.objectName));
        return;
      }
    }
  });
  return { ...rest, nodes, ...(unlinked.length > 0 ? { unlinked } : {}) };
}

/**
 * Called when GetParameterNames(NextLevel=true) listed `table`: an AddObject confirmed only by
 * ParameterKey created the one instance that was not there before; link it to its desired object.
 * Several new instances (the device added some itself) are left to key matching.
 */
export function linkUnlinked(state: DeviceState, table: string, nodes: Nodes): DeviceState {
  const pending = state.unlinked?.filter((u) => u.table === table) ?? [];
  if (pending.length === 0) return state;
  for (const u of pending) {
    const known = new Set(u.knownInstances);
    const fresh = instancesOf({ ...state, nodes }, table).filter((n) => !known.has(n));
    const only = fresh.length === 1 ? fresh[0] : undefined;
    const node = only === undefined ? undefined : nodes[`${table}${only}.`];
    if (node?.kind === 'object' && u.createdFor !== undefined)
      nodes[`${table}${only}.`] = { ...node, createdFor: u.createdFor };
  }
  const left = (state.unlinked ?? []).filter((u) => u.table !== table);
  const { unlinked: _linked, ...rest } = state;
  return left.length > 0 ? { ...rest, unlinked: left } : rest;
}
