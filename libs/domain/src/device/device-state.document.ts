import type { DeviceState } from './device-state.types';
import { escapeKeys, unescapeKeys } from './path-key';

// The stored form of a DeviceState: one document, every map whose keys can hold `.` or `$`
// (paths, fault keys `profile:x|Device.A.B`, action keys, CommandKeys) with escaped keys, so
// MongoDB accepts it (field names: no `.`, no leading `$`) and per-path updates can use
// `nodes.<escaped path>` dot-notation. Values (CwmpValue with bigint / bytes) are left to the
// store's lossless codec.

export type StoredDeviceState = DeviceState & { readonly escaped: true };

export function toStoredState(state: DeviceState): StoredDeviceState {
  return {
    ...state,
    nodes: escapeKeys(state.nodes),
    absent: escapeKeys(state.absent),
    faults: escapeKeys(state.faults),
    actionRuns: escapeKeys(state.actionRuns),
    transfers: escapeKeys(state.transfers),
    escaped: true,
  };
}

/** The inverse of toStoredState; throws DomainError(InvalidKey) on a key it did not produce. */
export function fromStoredState(doc: StoredDeviceState): DeviceState {
  const { escaped: _escaped, ...state } = doc;
  return {
    ...state,
    nodes: unescapeKeys(doc.nodes),
    absent: unescapeKeys(doc.absent),
    faults: unescapeKeys(doc.faults),
    actionRuns: unescapeKeys(doc.actionRuns),
    transfers: unescapeKeys(doc.transfers),
  };
}
