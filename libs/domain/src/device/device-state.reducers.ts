import type {
  AddObject,
  AddObjectResponse,
  CwmpValue,
  DeleteObject,
  DeleteObjectResponse,
  GetParameterAttributes,
  GetParameterAttributesResponse,
  GetParameterNames,
  GetParameterNamesResponse,
  GetParameterValues,
  GetParameterValuesResponse,
  Inform,
  SetParameterAttributes,
  SetParameterValues,
  SetParameterValuesResponse,
} from '@acs/cwmp';
import { sameValue } from '../value/value.convert';
import { instancesOf, resolveAliasPath } from './alias.resolve';
import { linkUnlinked, settleInFlight } from './in-flight.reducers';
import type { DeviceState, ParameterNode, PathNode } from './device-state.types';

// Pure reducers: (state, what the device said, now) → new state. The input state is never
// mutated; maps are copied once per call and then written, so a reducer costs O(entries + paths
// touched), except where a response replaces a subtree (then O(known paths)).

type Nodes = Record<string, PathNode>;

const INSTANCE_TAIL = /\.[0-9]+\.$/;
const MAX_PATH = 1024;

/**
 * Names a device sends are stored only if they look like paths: at least one dot, no empty
 * segment, bounded length. This keeps junk out of the state and, since no such name can be
 * `__proto__` or another Object.prototype member, keeps path-keyed records plain data.
 */
export function isStorablePath(name: string): boolean {
  return (
    name.length > 1 &&
    name.length <= MAX_PATH &&
    name.includes('.') &&
    name.charCodeAt(0) !== 46 &&
    !name.includes('..')
  );
}

function rootOf(path: string): string | undefined {
  const dot = path.indexOf('.');
  return dot < 0 ? undefined : path.slice(0, dot + 1);
}

function textOf(v: CwmpValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v.type === 'string' || v.type === 'dateTime' || v.type === 'decimal'
    ? v.value
    : String(v.value);
}

/** Records a value read from the device, counting drift away from what the ACS last set. */
function writeRead(nodes: Nodes, path: string, value: CwmpValue, now: number): void {
  const prev = nodes[path];
  const param: ParameterNode | undefined = prev?.kind === 'parameter' ? prev : undefined;
  let lastSet = param?.lastSet;
  if (lastSet !== undefined) {
    const backToSet = sameValue(value, lastSet.value);
    // Count a drift once per change away from the set value, not once per read of the same drift.
    const wasSet = param?.value !== undefined && sameValue(param.value, lastSet.value);
    if (backToSet) lastSet = { ...lastSet, drift: 0 };
    else if (wasSet) lastSet = { ...lastSet, drift: lastSet.drift + 1 };
  }
  nodes[path] = { ...param, kind: 'parameter', value, valueReadAt: now, lastSet };
  if (lastSet === undefined) delete (nodes[path] as { lastSet?: unknown }).lastSet;
}

function removeSubtree(nodes: Nodes, prefix: string): void {
  for (const p in nodes) if (p.startsWith(prefix)) delete nodes[p];
}

function clearAbsent(absent: Record<string, number>, path: string): void {
  if (path in absent) delete absent[path];
}

/**
 * Inform (TR-069 A.3.3.1): id facts, events, forced parameters. `0 BOOTSTRAP` means the device's
 * configuration is unknown (first contact or factory reset): the cached model is forgotten first.
 */
export function applyInform(state: DeviceState, inform: Inform, now: number): DeviceState {
  const events = inform.event.map((e) => e.eventCode);
  let base = state;
  if (events.includes('0 BOOTSTRAP')) base = { ...forgetModel(state), lastBootstrap: now };
  else if (base.inFlight !== undefined) base = settleInFlight(base, inform, now);
  const nodes: Nodes = { ...base.nodes };
  const absent = { ...base.absent };
  for (const p of inform.parameterList) {
    if (!isStorablePath(p.name)) continue;
    writeRead(nodes, p.name, p.value, now);
    clearAbsent(absent, p.name);
  }
  const root = rootOf(inform.parameterList[0]?.name ?? '') ?? base.root;
  const read = (rel: string): string | undefined => {
    if (root === undefined) return undefined;
    const n = nodes[`${root}${rel}`];
    return n?.kind === 'parameter' ? textOf(n.value) : undefined;
  };
  const softwareVersion = read('DeviceInfo.SoftwareVersion') ?? base.softwareVersion;
  const hardwareVersion = read('DeviceInfo.HardwareVersion') ?? base.hardwareVersion;
  const provisioningCode = read('DeviceInfo.ProvisioningCode') ?? base.provisioningCode;
  const parameterKey = read('ManagementServer.ParameterKey') ?? base.parameterKey;
  return {
    ...base,
    facts: { ...inform.deviceId },
    ...(root === undefined ? {} : { root }),
    ...(softwareVersion === undefined ? {} : { softwareVersion }),
    ...(hardwareVersion === undefined ? {} : { hardwareVersion }),
    ...(provisioningCode === undefined ? {} : { provisioningCode }),
    ...(parameterKey === undefined ? {} : { parameterKey }),
    lastInform: now,
    ...(events.includes('1 BOOT') ? { lastBoot: now } : {}),
    lastEvents: events,
    nodes,
    absent,
  };
}

/** BOOTSTRAP: forget every cached path, absence, fault and pending transfer; rediscover. */
export function forgetModel(state: DeviceState): DeviceState {
  const { inFlight: _gone, unlinked: _lost, ...rest } = state;
  return { ...rest, nodes: {}, absent: {}, faults: {}, transfers: {} };
}

/**
 * GetParameterNames (TR-069 A.3.2.3). NextLevel=true lists the direct children of the path (which
 * then count as known); NextLevel=false the whole subtree. Known paths the response no longer lists
 * are gone from the device (e.g. an instance deleted locally) and are dropped.
 */
export function applyGetParameterNamesResponse(
  state: DeviceState,
  request: GetParameterNames,
  response: GetParameterNamesResponse,
  now: number,
): DeviceState {
  const nodes: Nodes = { ...state.nodes };
  const absent = { ...state.absent };
  const base = request.parameterPath;
  const listed = new Set<string>();
  for (const info of response.parameterList) {
    const path = info.name;
    if (!isStorablePath(path)) continue;
    listed.add(path);
    clearAbsent(absent, path);
    const prev = nodes[path];
    if (path.endsWith('.')) {
      const obj = prev?.kind === 'object' ? prev : undefined;
      nodes[path] = {
        ...obj,
        kind: 'object',
        instance: INSTANCE_TAIL.test(path),
        writable: info.writable,
        ...(request.nextLevel ? {} : { childrenReadAt: now }),
      };
    } else {
      const param = prev?.kind === 'parameter' ? prev : undefined;
      nodes[path] = { ...param, kind: 'parameter', writable: info.writable };
    }
  }
  const depthOk = (p: string): boolean => {
    if (!request.nextLevel) return true;
    const rest = p.slice(base.length, p.endsWith('.') ? -1 : undefined);
    return !rest.includes('.');
  };
  // Drop what the device no longer has under the listed scope.
  for (const p of Object.keys(nodes)) {
    if (p === base || !p.startsWith(base) || listed.has(p)) continue;
    if (depthOk(p)) {
      if (p.endsWith('.')) removeSubtree(nodes, p);
      else delete nodes[p];
    }
  }
  if (base === '' || base.endsWith('.')) {
    const prev = nodes[base];
    const obj = prev?.kind === 'object' ? prev : undefined;
    if (base !== '')
      nodes[base] = {
        ...obj,
        kind: 'object',
        instance: obj?.instance ?? INSTANCE_TAIL.test(base),
        childrenReadAt: now,
      };
    clearAbsent(absent, base);
  }
  const linked = request.nextLevel ? linkUnlinked(state, base, nodes) : state;
  return { ...linked, nodes, absent };
}

/**
 * GetParameterValues (TR-069 A.3.2.2). A requested object path returns its whole subtree, so known
 * parameters under it that are missing from the response (and instances left with none) are gone.
 */
export function applyGetParameterValuesResponse(
  state: DeviceState,
  request: GetParameterValues,
  response: GetParameterValuesResponse,
  now: number,
): DeviceState {
  const nodes: Nodes = { ...state.nodes };
  const absent = { ...state.absent };
  const seen = new Set<string>();
  for (const p of response.parameterList) {
    if (!isStorablePath(p.name)) continue;
    writeRead(nodes, p.name, p.value, now);
    clearAbsent(absent, p.name);
    seen.add(p.name);
  }
  for (const name of request.parameterNames) {
    if (!name.endsWith('.')) {
      // Field behaviour: devices leave out names they do not have instead of faulting 9005.
      // Treat it as 9005, or the next plan would ask again for ever.
      if (!seen.has(name) && isStorablePath(name)) absent[name] = now;
      continue;
    }
    clearAbsent(absent, name);
    const prev = nodes[name];
    const obj = prev?.kind === 'object' ? prev : undefined;
    nodes[name] = {
      ...obj,
      kind: 'object',
      instance: obj?.instance ?? INSTANCE_TAIL.test(name),
      subtreeReadAt: now,
    };
    const liveInstances = new Set<string>();
    for (const s of seen) {
      if (!s.startsWith(name)) continue;
      // Every instance prefix along the path of a returned parameter is alive.
      for (let i = s.indexOf('.', name.length); i >= 0; i = s.indexOf('.', i + 1))
        liveInstances.add(s.slice(0, i + 1));
    }
    for (const p of Object.keys(nodes)) {
      if (!p.startsWith(name) || p === name) continue;
      const n = nodes[p];
      if (n?.kind === 'parameter' && !seen.has(p)) delete nodes[p];
      else if (n?.kind === 'object' && n.instance && !liveInstances.has(p)) removeSubtree(nodes, p);
    }
  }
  return { ...state, nodes, absent };
}

/** GetParameterAttributes (TR-069 A.3.2.5). */
export function applyGetParameterAttributesResponse(
  state: DeviceState,
  request: GetParameterAttributes,
  response: GetParameterAttributesResponse,
  now: number,
): DeviceState {
  const nodes: Nodes = { ...state.nodes };
  // A name the device left out counts as read with unknown attributes, so it is not asked again
  // in a loop; a SetParameterAttributes then says whether it exists.
  for (const name of request.parameterNames) {
    const prev = nodes[name];
    if (!isStorablePath(name) || name.endsWith('.')) continue;
    const param = prev?.kind === 'parameter' ? prev : undefined;
    nodes[name] = { ...param, kind: 'parameter', attributesReadAt: now };
  }
  for (const a of response.parameterList) {
    if (!isStorablePath(a.name)) continue;
    const prev = nodes[a.name];
    const param = prev?.kind === 'parameter' ? prev : undefined;
    nodes[a.name] = {
      ...param,
      kind: 'parameter',
      notification: a.notification,
      accessList: a.accessList,
      attributesReadAt: now,
    };
  }
  return { ...state, nodes };
}

/** SetParameterValuesResponse (TR-069 A.3.2.1): the values are now the device's; remember the set. */
export function applySetParameterValuesResult(
  state: DeviceState,
  request: SetParameterValues,
  _response: SetParameterValuesResponse,
  now: number,
): DeviceState {
  const nodes: Nodes = { ...state.nodes };
  for (const p of request.parameterList) {
    const path = resolveAliasPath(state, p.name);
    if (path === undefined) continue; // learnt on the next read
    const prev = nodes[path];
    const param = prev?.kind === 'parameter' ? prev : undefined;
    const old = param?.lastSet;
    // Drift survives re-setting the same value: that is exactly the loop being counted.
    const drift = old !== undefined && sameValue(old.value, p.value) ? old.drift : 0;
    nodes[path] = {
      ...param,
      kind: 'parameter',
      value: p.value,
      valueReadAt: now,
      lastSet: { value: p.value, at: now, drift },
    };
  }
  return { ...state, nodes, parameterKey: request.parameterKey };
}

/** SetParameterAttributesResponse (TR-069 A.3.2.4): record the attributes that were changed. */
export function applySetParameterAttributesResult(
  state: DeviceState,
  request: SetParameterAttributes,
  now: number,
): DeviceState {
  const nodes: Nodes = { ...state.nodes };
  for (const a of request.parameterList) {
    const path = resolveAliasPath(state, a.name);
    if (path === undefined) continue;
    const prev = nodes[path];
    const param = prev?.kind === 'parameter' ? prev : undefined;
    nodes[path] = {
      ...param,
      kind: 'parameter',
      ...(a.notificationChange ? { notification: a.notification } : {}),
      ...(a.accessListChange ? { accessList: a.accessList } : {}),
      attributesReadAt: now,
    };
  }
  return { ...state, nodes };
}

/**
 * AddObjectResponse (TR-069 A.3.2.6): the new instance exists; its parameters are unknown until
 * read. `createdFor` links it to the desired object it was made for, so the next plan sets it up
 * instead of adding another. With alias addressing (`T.[alias].`) the Alias is known too.
 */
export function applyAddObjectResponse(
  state: DeviceState,
  request: AddObject,
  response: AddObjectResponse,
  now: number,
  createdFor?: string,
): DeviceState {
  const m = /^(.*\.)\[([^\]]*)\]\.$/.exec(request.objectName);
  const table = m?.[1] ?? request.objectName;
  const alias = m?.[2];
  const nodes: Nodes = { ...state.nodes };
  const n = response.instanceNumber;
  if (!Number.isInteger(n) || n < 1 || n > 4294967295) {
    // TR-069 A.3.2.6: InstanceNumber is 1…2^32-1. Without a usable number the new instance
    // cannot be linked: rediscover the table instead of adding another one next time.
    const t = nodes[table];
    if (t?.kind === 'object') {
      const { childrenReadAt: _stale, ...rest } = t;
      nodes[table] = rest;
    }
    // …and link the one new instance the rediscovery finds (see linkUnlinked).
    const unlinked = [
      ...(state.unlinked ?? []),
      {
        table,
        knownInstances: instancesOf(state, table),
        ...(createdFor === undefined ? {} : { createdFor }),
      },
    ];
    return { ...state, nodes, unlinked, parameterKey: request.parameterKey };
  }
  const path = `${table}${n}.`;
  nodes[path] = {
    kind: 'object',
    instance: true,
    writable: true,
    ...(createdFor === undefined ? {} : { createdFor }),
    ...(alias === undefined ? {} : { alias }),
  };
  if (alias !== undefined)
    nodes[`${path}Alias`] = {
      kind: 'parameter',
      value: { type: 'string', value: alias },
      valueReadAt: now,
    };
  const absent = { ...state.absent };
  clearAbsent(absent, table);
  return { ...state, nodes, absent, parameterKey: request.parameterKey };
}

/** DeleteObjectResponse (TR-069 A.3.2.7): the instance and its subtree are gone. */
export function applyDeleteObjectResponse(
  state: DeviceState,
  request: DeleteObject,
  _response: DeleteObjectResponse,
  _now: number,
): DeviceState {
  const path = resolveAliasPath(state, request.objectName);
  const nodes: Nodes = { ...state.nodes };
  if (path !== undefined) removeSubtree(nodes, path);
  return { ...state, nodes, parameterKey: request.parameterKey };
}
