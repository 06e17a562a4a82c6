import type { DeviceState, FaultRecord, PathNode, PlannedRpc, TransferRecord } from '@acs/domain';
import { escapeKeys, unescapeKeys } from '@acs/domain';
import type { DeviceChangeEventV1 } from './device-change.event';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import { fromStoredTree, toStoredTree } from './value.storage-codec';

// One document per device (collection `devices`, `_id` = device id): the DeviceState with its
// path-keyed maps escaped (MongoDB refuses `.` in field names), the ids of the events already
// applied (idempotency: checked and recorded in the same optimistic write), the live session's
// pending RPCs, and the outbox of side effects of the last applied event.

/** One RPC of the batch pushed to the session inbox. */
export interface PendingRpc {
  readonly rpcId: string;
  readonly rpc: PlannedRpc;
  readonly answered: boolean;
}

/** The session provisioning is driving for this device (the one of the latest Inform). */
export interface LiveSession {
  readonly sessionId: string;
  readonly startedAt: number;
  /** Event codes of the session's Inform. */
  readonly events: readonly string[];
  /** Plan steps pushed so far (1 = the batch planned at the Inform). */
  readonly step: number;
  /** The RPCs of the current step; the next step is planned when every one is answered. */
  readonly batch: readonly PendingRpc[];
  /** `done` was pushed: the session ends. */
  readonly finished: boolean;
  readonly rpcCount: number;
}

export type AuditAction =
  | 'device.registered'
  | 'device.bootstrap'
  | 'parameters.set'
  | 'attributes.set'
  | 'object.added'
  | 'object.deleted'
  | 'action.done'
  | 'fault.recorded'
  | 'task.created'
  | 'task.cancelled'
  | 'task.done'
  | 'task.faulted'
  | 'task.expired'
  | 'tags.changed'
  | 'profile.saved'
  | 'profile.deleted';

/** Who did what to which device, when. Details hold no path-keyed maps (only arrays). */
export interface AuditDocument {
  readonly _id: string;
  readonly deviceId: string;
  readonly at: number;
  /** `provisioning` for the service, or the API caller. */
  readonly actor: string;
  readonly action: AuditAction;
  /** The event or request that caused it. */
  readonly cause: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface TaskUpdate {
  readonly id: string;
  readonly status: 'done' | 'faulted' | 'expired';
  readonly at: number;
  readonly result?: Readonly<Record<string, unknown>>;
  readonly fault?: { readonly code: number; readonly message: string; readonly target: string };
}

/** Side effects of one applied event, written with it and then carried out (idempotently). */
export interface Outbox {
  readonly eventId: string;
  readonly audit: readonly AuditDocument[];
  readonly tasks: readonly TaskUpdate[];
  /** Fault keys (faultKey) whose record changed or appeared, and those that disappeared. */
  readonly faultsChanged: readonly string[];
  readonly faultsRemoved: readonly string[];
  readonly change?: DeviceChangeEventV1;
  /** Every effect was carried out (set by a second write, only when there were any). */
  readonly done: boolean;
}

export interface DeviceDocument {
  readonly _id: string;
  readonly state: StoredState;
  /** Event ids applied, oldest first, bounded (redelivery only reaches recent events). */
  readonly appliedEvents: readonly string[];
  readonly session?: LiveSession;
  readonly outbox?: Outbox;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** DeviceState as stored: maps keyed by escaped paths, CwmpValues as text. */
export type StoredState = Readonly<Record<string, unknown>>;

const MAPS = ['nodes', 'absent', 'faults', 'actionRuns', 'transfers'] as const;

export function storeState(state: DeviceState): StoredState {
  const out: Record<string, unknown> = { ...state };
  for (const m of MAPS) out[m] = escapeKeys(state[m] as Readonly<Record<string, unknown>>);
  return toStoredTree(out) as StoredState;
}

export function loadState(stored: StoredState, id: string): DeviceState {
  try {
    const raw = fromStoredTree(stored) as Record<string, unknown>;
    const maps = {} as {
      nodes: Record<string, PathNode>;
      absent: Record<string, number>;
      faults: Record<string, FaultRecord>;
      actionRuns: Record<string, number>;
      transfers: Record<string, TransferRecord>;
    };
    for (const m of MAPS)
      (maps as Record<string, unknown>)[m] = unescapeKeys(
        (raw[m] ?? {}) as Readonly<Record<string, unknown>>,
      );
    // The document was written by storeState from a DeviceState; the maps were rebuilt above.
    return { ...(raw as unknown as DeviceState), ...maps, id };
  } catch (e) {
    throw new ProvisioningError(
      ProvisioningErrorCode.CorruptDocument,
      `device ${id}: stored state unreadable: ${(e as Error).message}`,
      [],
      { cause: e },
    );
  }
}

export function storeSession(session: LiveSession): LiveSession {
  return toStoredTree(session) as LiveSession;
}

export function loadSession(stored: LiveSession | undefined): LiveSession | undefined {
  return stored === undefined ? undefined : (fromStoredTree(stored) as LiveSession);
}
