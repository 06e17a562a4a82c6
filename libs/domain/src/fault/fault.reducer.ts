import type { Fault, TransferComplete } from '@acs/cwmp';
import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import { faultKey, sourceKey } from '../device/device-state.types';
import type { Plan, PlanItem, PlannedRpc, PlanPolicy } from '../plan/plan.types';
import { DEFAULT_PLAN_POLICY } from '../plan/plan.types';

// CPE faults (TR-069 A.5.1) recorded per device and per profile/task with the failing parameter.
// Each failure doubles the wait before the item is tried again; other items go on meanwhile.

/** TR-069 A.5.1: 9005 Invalid parameter name — the path does not exist on this device. */
export const INVALID_PARAMETER_NAME = 9005;

export function backoffDelay(retries: number, policy: PlanPolicy): number {
  const exp = Math.min(retries - 1, 40);
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, exp));
}

function record(
  faults: Record<string, FaultRecord>,
  item: PlanItem,
  rpc: PlannedRpc,
  code: number,
  message: string,
  now: number,
  policy: PlanPolicy,
  isolate = false,
): void {
  const key = faultKey(item.source, item.target);
  const prev = faults[key];
  if (isolate) {
    // No backoff yet: the next plan sends the entry on its own to learn whether it is the culprit.
    faults[key] = {
      source: item.source,
      target: item.target,
      kind: 'cpe',
      method: rpc.request.type,
      code,
      message,
      retries: prev?.retries ?? 0,
      firstAt: prev?.firstAt ?? now,
      lastAt: now,
      nextRetryAt: now,
      isolate: true,
    };
    return;
  }
  const retries = (prev?.retries ?? 0) + 1;
  faults[key] = {
    source: item.source,
    target: item.target,
    kind: 'cpe',
    method: rpc.request.type,
    code,
    message,
    retries,
    firstAt: prev?.firstAt ?? now,
    lastAt: now,
    nextRetryAt: now + backoffDelay(retries, policy),
  };
}

function distinctTargets(items: readonly PlanItem[]): number {
  return new Set(items.map((i) => i.target)).size;
}

/**
 * A CWMP Fault answering `rpc`. SetParameterValues faults name each failing parameter
 * (A.5.1 SetParameterValuesFault); other batch RPCs do not say which entry failed, so a batch of
 * several is split (isolate) and retried entry by entry without waiting. 9005 on a single path
 * records the path as absent so no plan asks for it again until the model is rediscovered.
 */
export function applyFault(
  state: DeviceState,
  rpc: PlannedRpc,
  fault: Fault,
  now: number,
  policy: Partial<PlanPolicy> = {},
): DeviceState {
  const p = { ...DEFAULT_PLAN_POLICY, ...policy };
  const code = fault.detail?.faultCode ?? 0;
  const message = fault.detail?.faultString ?? fault.faultString;
  const faults: Record<string, FaultRecord> = { ...state.faults };
  const absent: Record<string, number> = { ...state.absent };
  let nodes = state.nodes;
  const perParam = fault.detail?.setParameterValuesFault ?? [];
  const byTarget = distinctTargets(rpc.items);

  if (rpc.request.type === 'SetParameterValues' && perParam.length > 0) {
    const names = new Map(rpc.request.parameterList.map((pv, i) => [pv.name, rpc.items[i]]));
    for (const f of perParam) {
      const item = names.get(f.parameterName);
      if (item === undefined) continue;
      if (f.faultCode === INVALID_PARAMETER_NAME) absent[item.target] = now;
      record(faults, item, rpc, f.faultCode, f.faultString ?? message, now, p);
    }
  } else if (rpc.request.type === 'DeleteObject' && code === INVALID_PARAMETER_NAME) {
    // Already gone: what the DeleteObject wanted. Forget the instance; count the action done.
    const copy = { ...state.nodes };
    for (const k in copy) if (k.startsWith(rpc.items[0]?.target ?? '\u0000')) delete copy[k];
    nodes = copy;
    const actionRuns = { ...state.actionRuns };
    for (const k of rpc.actionKeys ?? []) actionRuns[k] = now;
    return { ...state, nodes, actionRuns };
  } else if (byTarget > 1 && rpc.purpose !== 'reboot' && rpc.purpose !== 'factoryReset') {
    for (const item of rpc.items) record(faults, item, rpc, code, message, now, p, true);
  } else {
    for (const item of rpc.items) {
      // A transfer's target is an action key, not a path: 9005 there says nothing about absence.
      const transfer = rpc.purpose === 'download' || rpc.purpose === 'upload';
      if (code === INVALID_PARAMETER_NAME && !transfer) absent[item.target] = now;
      record(faults, item, rpc, code, message, now, p);
    }
  }
  return { ...state, faults, absent, nodes };
}

/** Clears the faults of the items an RPC served successfully. */
export function clearFaults(state: DeviceState, items: readonly PlanItem[]): DeviceState {
  let faults: Record<string, FaultRecord> | undefined;
  for (const item of items) {
    const key = faultKey(item.source, item.target);
    if (!(key in state.faults)) continue;
    faults ??= { ...state.faults };
    delete faults[key];
  }
  return faults === undefined ? state : { ...state, faults };
}

/** Records the plan's own findings (loop faults). */
export function recordFindings(state: DeviceState, plan: Plan): DeviceState {
  const resolved = (plan.resolved ?? []).filter((k) => k in state.faults);
  if (plan.findings.length === 0 && resolved.length === 0) return state;
  const faults = { ...state.faults };
  for (const k of resolved) delete faults[k];
  for (const f of plan.findings) faults[faultKey(f.source, f.target)] = f;
  return { ...state, faults };
}

/** Clears every fault of one profile or task (an operator "retry now", or a profile deleted). */
export function clearFaultsOf(state: DeviceState, source: SourceRef): DeviceState {
  const faults: Record<string, FaultRecord> = {};
  const key = sourceKey(source);
  for (const [k, f] of Object.entries(state.faults)) if (sourceKey(f.source) !== key) faults[k] = f;
  return { ...state, faults };
}

/**
 * TransferComplete (TR-069 A.3.3.2) for a Download or Upload the ACS started: FaultCode 0 =
 * success; 9010–9020 are transfer faults, recorded against the profile/task that asked for it.
 * A firmware transfer that "succeeds" while the Inform of the same session still reports the old
 * SoftwareVersion is a failure too (else it would be downloaded again every session); after
 * `loopThreshold` of those it is a loop and not retried until the profile changes.
 */
export function applyTransferComplete(
  state: DeviceState,
  message: TransferComplete,
  now: number,
  policy: Partial<PlanPolicy> = {},
): DeviceState {
  const t = state.transfers[message.commandKey];
  if (t === undefined) return state;
  const transfers = { ...state.transfers };
  delete transfers[message.commandKey];
  const code = message.faultStruct.faultCode;
  const unchanged = code === 0 && t.version !== undefined && state.softwareVersion !== t.version;
  if (code === 0 && !unchanged) {
    const faults = { ...state.faults };
    delete faults[faultKey(t.source, t.target)];
    return { ...state, transfers, faults };
  }
  const p = { ...DEFAULT_PLAN_POLICY, ...policy };
  const key = faultKey(t.source, t.target);
  const prev = state.faults[key];
  const retries = (prev?.retries ?? 0) + 1;
  const loop = unchanged && retries >= p.loopThreshold;
  const f: FaultRecord = {
    source: t.source,
    target: t.target,
    kind: loop ? 'loop' : 'transfer',
    method: t.method ?? 'Download',
    code,
    message: unchanged
      ? `transfer completed but SoftwareVersion is ${state.softwareVersion ?? 'unknown'}, not ${t.version ?? ''}`
      : message.faultStruct.faultString,
    retries,
    firstAt: prev?.firstAt ?? now,
    lastAt: now,
    nextRetryAt: loop ? null : now + backoffDelay(retries, p),
  };
  return { ...state, transfers, faults: { ...state.faults, [key]: f } };
}
