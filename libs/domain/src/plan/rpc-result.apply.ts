import type { CwmpMessage } from '@acs/cwmp';
import {
  applyAddObjectResponse,
  applyDeleteObjectResponse,
  applyGetParameterAttributesResponse,
  applyGetParameterNamesResponse,
  applyGetParameterValuesResponse,
  applySetParameterAttributesResult,
  applySetParameterValuesResult,
} from '../device/device-state.reducers';
import type { DeviceState } from '../device/device-state.types';
import { DomainError, DomainErrorCode } from '../domain.error';
import { applyFault, clearFaults } from '../fault/fault.reducer';
import { recordSent, settleSent } from '../device/in-flight.reducers';
import type { PlannedRpc, PlanPolicy } from './plan.types';

// Applies what the device answered to one planned RPC: the matching reducer, then the plan's
// bookkeeping (faults cleared for what succeeded, one-off actions marked done, transfers pending).

function mismatch(rpc: PlannedRpc, result: CwmpMessage): never {
  throw new DomainError(
    DomainErrorCode.UnexpectedResponse,
    `${result.type} does not answer ${rpc.request.type}`,
  );
}

/** A transfer the CPE accepted and will report on with TransferComplete (same CommandKey). */
function pendingTransfer(
  state: DeviceState,
  rpc: PlannedRpc,
  commandKey: string,
  now: number,
): DeviceState {
  const item = rpc.items[0];
  if (item === undefined) return state;
  return {
    ...state,
    transfers: {
      ...state.transfers,
      [commandKey]: {
        commandKey,
        startedAt: now,
        ...(rpc.version === undefined ? {} : { version: rpc.version }),
        ...(rpc.request.type === 'Upload' ? { method: 'Upload' as const } : {}),
        source: item.source,
        target: item.target,
      },
    },
  };
}

function reduce(
  state: DeviceState,
  rpc: PlannedRpc,
  result: CwmpMessage,
  now: number,
): DeviceState {
  const req = rpc.request;
  switch (req.type) {
    case 'GetParameterNames':
      if (result.type !== 'GetParameterNamesResponse') return mismatch(rpc, result);
      return applyGetParameterNamesResponse(state, req, result, now);
    case 'GetParameterValues':
      if (result.type !== 'GetParameterValuesResponse') return mismatch(rpc, result);
      return applyGetParameterValuesResponse(state, req, result, now);
    case 'GetParameterAttributes':
      if (result.type !== 'GetParameterAttributesResponse') return mismatch(rpc, result);
      return applyGetParameterAttributesResponse(state, req, result, now);
    case 'SetParameterValues':
      if (result.type !== 'SetParameterValuesResponse') return mismatch(rpc, result);
      return applySetParameterValuesResult(state, req, result, now);
    case 'SetParameterAttributes':
      if (result.type !== 'SetParameterAttributesResponse') return mismatch(rpc, result);
      return applySetParameterAttributesResult(state, req, now);
    case 'AddObject':
      if (result.type !== 'AddObjectResponse') return mismatch(rpc, result);
      return applyAddObjectResponse(state, req, result, now, rpc.createdFor);
    case 'DeleteObject':
      if (result.type !== 'DeleteObjectResponse') return mismatch(rpc, result);
      return applyDeleteObjectResponse(state, req, result, now);
    case 'Download':
      if (result.type !== 'DownloadResponse') return mismatch(rpc, result);
      // TR-069 A.3.2.8: Status 1 = not yet applied; a TransferComplete follows in a later session.
      return result.status === 0 ? state : pendingTransfer(state, rpc, req.commandKey, now);
    case 'Upload':
      if (result.type !== 'UploadResponse') return mismatch(rpc, result);
      // TR-069 A.4.1.5: Status 1 = not yet completed; its TransferComplete follows (A.3.3.2).
      return result.status === 0 ? state : pendingTransfer(state, rpc, req.commandKey, now);
    case 'Reboot':
      return result.type === 'RebootResponse' ? state : mismatch(rpc, result);
    case 'FactoryReset':
      return result.type === 'FactoryResetResponse' ? state : mismatch(rpc, result);
    case 'ScheduleInform':
      return result.type === 'ScheduleInformResponse' ? state : mismatch(rpc, result);
    default:
      return mismatch(rpc, result);
  }
}

/**
 * The state after the device answered `rpc` with `result` (a response or a CWMP Fault). Throws
 * DomainError(UnexpectedResponse) when the result answers another method.
 */
export function applyRpcResult(
  state: DeviceState,
  rpc: PlannedRpc,
  result: CwmpMessage,
  now: number,
  policy: Partial<PlanPolicy> = {},
): DeviceState {
  const settled = settleSent(state, rpc.request);
  if (result.type === 'Fault') return applyFault(settled, rpc, result, now, policy);
  let s = clearFaults(reduce(settled, rpc, result, now), rpc.items);
  if (rpc.actionKeys !== undefined && rpc.actionKeys.length > 0) {
    const actionRuns = { ...s.actionRuns };
    for (const k of rpc.actionKeys) actionRuns[k] = now;
    s = { ...s, actionRuns };
  }
  return s;
}

/**
 * Records that `rpc` was handed to the session (call before pushing it). A SetParameterValues,
 * AddObject or DeleteObject whose result never comes back is then settled by the next Inform's
 * ParameterKey (see in-flight.reducers.ts) instead of being guessed.
 */
export function applyRpcSent(state: DeviceState, rpc: PlannedRpc): DeviceState {
  return recordSent(state, rpc.request, rpc.createdFor);
}
