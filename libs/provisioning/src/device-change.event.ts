import { z } from 'zod';
import type { CwmpValue } from '@acs/cwmp';
import type { DeviceState } from '@acs/domain';
import { lexical } from '@acs/domain';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';

/** Topic of device changes for OSS watchers (key = device id, so one device's changes stay in order). */
export const DEVICE_CHANGES_TOPIC = 'acs.device.changes';
export const DEVICE_CHANGE_SCHEMA = 'acs.device-change.v1';

/** At most this many parameters per event; a rediscovery of a whole model sets `truncated`. */
export const MAX_CHANGED_PARAMETERS = 1000;

export interface ChangedParameter {
  readonly path: string;
  /** The value's lexical form (TR-069 A.2.1), or null when the parameter disappeared. */
  readonly value: string | null;
  /** xsd type of the value (absent when removed). */
  readonly type?: string;
}

/**
 * What changed on one device because of one event. `changeId` is derived from the event that
 * caused it, so a watcher can drop the rare duplicate (at-least-once: the publish is retried when
 * the consumer died between publishing and recording it).
 */
export interface DeviceChangeEventV1 {
  readonly schema: typeof DEVICE_CHANGE_SCHEMA;
  readonly changeId: string;
  readonly deviceId: string;
  readonly sessionId?: string;
  readonly occurredAt: string;
  /** `api`: an operator call (tags), not a CWMP event; sessionId is then absent. */
  readonly cause: 'inform' | 'rpc-result' | 'cpe-request' | 'api';
  /** First time the ACS saw this device. */
  readonly created: boolean;
  /** The Inform carried `1 BOOT` / `0 BOOTSTRAP` (the model was forgotten and is rediscovered). */
  readonly boot: boolean;
  readonly bootstrap: boolean;
  readonly softwareVersion?: string;
  readonly tags: readonly string[];
  readonly tagsChanged: boolean;
  readonly parameters: readonly ChangedParameter[];
  readonly truncated: boolean;
}

const validator = z.strictObject({
  schema: z.literal(DEVICE_CHANGE_SCHEMA),
  changeId: z.string().min(1),
  deviceId: z.string().min(1),
  sessionId: z.string().min(1).optional(),
  occurredAt: z.iso.datetime(),
  cause: z.enum(['inform', 'rpc-result', 'cpe-request', 'api']),
  created: z.boolean(),
  boot: z.boolean(),
  bootstrap: z.boolean(),
  softwareVersion: z.string().optional(),
  tags: z.array(z.string()),
  tagsChanged: z.boolean(),
  parameters: z.array(
    z.strictObject({
      path: z.string().min(1),
      value: z.string().nullable(),
      type: z.string().optional(),
    }),
  ),
  truncated: z.boolean(),
});

export function encodeDeviceChange(event: DeviceChangeEventV1): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/** @throws ProvisioningError InvalidEvent when the bytes are not a device-change v1 event. */
export function decodeDeviceChange(value: Buffer | string): DeviceChangeEventV1 {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (e) {
    throw new ProvisioningError(ProvisioningErrorCode.InvalidEvent, `not JSON: ${String(e)}`);
  }
  const r = validator.safeParse(raw);
  if (!r.success)
    throw new ProvisioningError(
      ProvisioningErrorCode.InvalidEvent,
      'not a device-change v1 event',
      r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  return r.data;
}

function sameCwmp(a: CwmpValue | undefined, b: CwmpValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.type === b.type && lexical(a) === lexical(b);
}

/** Parameters whose value appeared, changed or disappeared between two states. O(paths). */
export function changedParameters(
  before: DeviceState | undefined,
  after: DeviceState,
): { parameters: ChangedParameter[]; truncated: boolean } {
  const out: ChangedParameter[] = [];
  let truncated = false;
  const push = (c: ChangedParameter): void => {
    if (out.length < MAX_CHANGED_PARAMETERS) out.push(c);
    else truncated = true;
  };
  const prev = before?.nodes ?? {};
  for (const path in after.nodes) {
    const n = after.nodes[path];
    if (n?.kind !== 'parameter' || n.value === undefined) continue;
    const p = prev[path];
    const old = p?.kind === 'parameter' ? p.value : undefined;
    if (!sameCwmp(old, n.value)) push({ path, value: lexical(n.value), type: n.value.type });
  }
  for (const path in prev) {
    const p = prev[path];
    if (p?.kind !== 'parameter' || p.value === undefined) continue;
    const n = after.nodes[path];
    // Forgotten by BOOTSTRAP is not "removed": the rediscovery reports what is there.
    if (n === undefined && after.lastBootstrap === before?.lastBootstrap)
      push({ path, value: null });
  }
  return { parameters: out, truncated };
}
