import type { DocumentRepository, DocumentStore } from '@acs/store';
import type { AuditDocument, DeviceDocument } from './device.document';

// The collections the service uses, with the indexes that make every per-session query an index
// lookup: devices by _id, tasks by (deviceId, status), faults by deviceId and by (source, device),
// audit by (deviceId, at).

export type TaskState = 'pending' | 'done' | 'faulted' | 'expired' | 'cancelled';

export interface TaskDocument {
  readonly _id: string;
  readonly deviceId: string;
  readonly status: TaskState;
  readonly kind: string;
  /** The TaskOperation as JSON text: its parameter paths contain dots, which field names cannot. */
  readonly operation: string;
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly result?: Readonly<Record<string, unknown>>;
  readonly fault?: { readonly code: number; readonly message: string; readonly target: string };
}

/** A fault of one profile or task on one device, mirrored from the device state for queries. */
export interface FaultDocument {
  readonly _id: string;
  readonly deviceId: string;
  readonly sourceKind: 'profile' | 'task';
  /** Profile name or task id. */
  readonly sourceName: string;
  /** The failing parameter, object or action key. */
  readonly target: string;
  readonly kind: string;
  readonly method: string;
  readonly code: number;
  readonly message: string;
  readonly retries: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly nextRetryAt: number | null;
}

export interface ProfileDocument {
  readonly _id: string;
  readonly version: number;
  readonly priority: number;
  /** The validated Profile as JSON text (its paths contain dots). */
  readonly definition: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export interface ProvisioningRepositories {
  readonly devices: DocumentRepository<DeviceDocument>;
  readonly tasks: DocumentRepository<TaskDocument>;
  readonly faults: DocumentRepository<FaultDocument>;
  readonly profiles: DocumentRepository<ProfileDocument>;
  readonly audit: DocumentRepository<AuditDocument>;
}

export const COLLECTIONS = {
  devices: 'devices',
  tasks: 'tasks',
  faults: 'faults',
  profiles: 'profiles',
  audit: 'audit',
} as const;

/** Opens the collections and creates their indexes (idempotent). */
export async function openRepositories(store: DocumentStore): Promise<ProvisioningRepositories> {
  // One collection after the other; the store creates each index with its own createIndexes
  // command (FerretDB 1.24 drops the connection when one command names two indexes of an
  // existing collection). (deviceId, status) also serves the by-device listing (index prefix).
  // faults: per device, and per profile/task ordered by device (FaultQuery.byProfile).
  // devices: by tag (Devices/List `tag = "x"` reads the index, docs/nbi.md); the tags are an
  // array, so a multikey index (an entry per tag).
  const devices = await store.collection<DeviceDocument>(COLLECTIONS.devices, {
    indexes: [{ fields: { 'state.tags': 1 }, multikey: true, name: 'state_tags' }],
  });
  const tasks = await store.collection<TaskDocument>(COLLECTIONS.tasks, {
    indexes: [{ fields: { deviceId: 1, status: 1 } }],
  });
  const faults = await store.collection<FaultDocument>(COLLECTIONS.faults, {
    indexes: [
      { fields: { deviceId: 1 } },
      { fields: { sourceKind: 1, sourceName: 1, deviceId: 1 }, name: 'source_device' },
    ],
  });
  const profiles = await store.collection<ProfileDocument>(COLLECTIONS.profiles);
  const audit = await store.collection<AuditDocument>(COLLECTIONS.audit, {
    indexes: [{ fields: { deviceId: 1, at: 1 } }],
  });
  return { devices, tasks, faults, profiles, audit };
}
