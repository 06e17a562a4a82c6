import { z } from 'zod';
import type { CwmpValue } from '@acs/cwmp';
import { instancesOf } from '../device/alias.resolve';
import type { DeviceState, FaultRecord, SourceRef } from '../device/device-state.types';
import { backoffDelay } from '../fault/fault.reducer';
import { stableHash } from '../plan/stable-hash';
import type { PlanPolicy } from '../plan/plan.types';
import {
  objectPath,
  parameterPattern,
  VALUE_TYPES,
  type ScriptSpec,
} from '../profile/profile.schema';
import type { ScriptDevice, ScriptFaultCode, ScriptRequest, ScriptValue } from './script.types';
import { SCRIPT_TARGET } from './script.types';

// What a script may declare, validated like a profile (zod, issues naming the field), and the
// read-only device view it gets. Script values are data, not templates: they are not expanded.

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const RELATIVE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const scalar = z.union([z.string().max(4096), z.number().finite(), z.boolean()]);
const value = z.union([scalar, z.strictObject({ value: scalar, type: z.enum(VALUE_TYPES) })]);

export const scriptOutputSchema = z.strictObject({
  parameters: z.record(parameterPattern, value),
  objects: z
    .array(
      z
        .strictObject({
          path: objectPath,
          key: z.record(z.string().regex(RELATIVE_NAME, 'not a parameter name'), scalar),
          alias: z
            .string()
            .regex(
              /^[A-Za-z][^.\]]{0,63}$/,
              'an alias starts with a letter, ≤ 64 chars, no "." or "]"',
            )
            .optional(),
          present: z.boolean(),
          parameters: z.record(z.string().regex(RELATIVE_NAME, 'not a parameter name'), value),
        })
        .refine((o) => Object.keys(o.key).length > 0 || o.alias !== undefined, {
          message: 'needs key parameters or an alias',
          path: ['key'],
        }),
    )
    .max(1000),
  notifications: z.record(parameterPattern, z.number().int().min(0).max(6)),
  /** One-off actions: each `id` runs once (declare a new id, e.g. with a version, to run again). */
  actions: z
    .array(
      z.strictObject({
        id: z.string().regex(NAME, 'letters, digits, _ . -; at most 128'),
        action: z.enum(['reboot', 'factoryReset', 'scheduleInform']),
        delaySeconds: z
          .number()
          .int()
          .min(0)
          .max(86400 * 365)
          .optional(),
      }),
    )
    .max(100),
});
export type ScriptOutput = z.infer<typeof scriptOutputSchema>;

/** Validates what a script returned; `issues` name the field (`parameters.X: …`). */
export function parseScriptOutput(
  output: unknown,
): { ok: true; output: ScriptOutput } | { ok: false; issues: string[] } {
  const r = scriptOutputSchema.safeParse(output);
  if (r.success) return { ok: true, output: r.data };
  return {
    ok: false,
    issues: r.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`),
  };
}

function scriptValue(v: CwmpValue): ScriptValue {
  switch (v.type) {
    case 'boolean':
      return v.value;
    case 'int':
    case 'unsignedInt':
      return Number(v.value);
    case 'base64':
      return Buffer.from(v.value).toString('base64');
    case 'hexBinary':
      return Buffer.from(v.value).toString('hex');
    default:
      // long/unsignedLong stay text: a JS number would lose digits beyond 2^53.
      return String(v.value);
  }
}

/** The read-only view of `state` a script gets; nothing in it refers back to the state. */
export function scriptDevice(state: DeviceState, events: readonly string[]): ScriptDevice {
  return {
    info: {
      id: state.id,
      oui: state.facts.oui,
      productClass: state.facts.productClass,
      serialNumber: state.facts.serialNumber,
      manufacturer: state.facts.manufacturer,
      softwareVersion: state.softwareVersion ?? null,
      hardwareVersion: state.hardwareVersion ?? null,
      provisioningCode: state.provisioningCode ?? null,
      root: state.root ?? null,
      tags: [...state.tags],
      events: [...events],
      lastInform: state.lastInform ?? null,
      lastBoot: state.lastBoot ?? null,
      lastBootstrap: state.lastBootstrap ?? null,
    },
    value: (path) => {
      const n = Object.prototype.hasOwnProperty.call(state.nodes, path)
        ? state.nodes[path]
        : undefined;
      return n?.kind === 'parameter' && n.value !== undefined ? scriptValue(n.value) : null;
    },
    instances: (table) => (table.endsWith('.') ? instancesOf(state, table) : []),
  };
}

/**
 * The evaluation request for a profile's script. Clock and seed come from the inputs (device,
 * profile version, session start), never from the host, so a replay of the same session
 * declares the same things.
 */
export function scriptRequest(
  state: DeviceState,
  profile: { readonly name: string; readonly version: number },
  spec: ScriptSpec,
  events: readonly string[],
  sessionStart: number,
): ScriptRequest {
  const seed = Number.parseInt(
    stableHash(JSON.stringify([state.id, profile.name, profile.version, sessionStart])).slice(0, 8),
    16,
  );
  return {
    name: profile.name,
    source: spec.source,
    timeoutMs: spec.timeoutMs,
    memoryBytes: spec.memoryBytes,
    stackBytes: spec.stackBytes,
    device: scriptDevice(state, events),
    clock: sessionStart,
    seed,
  };
}

/** A script fault for `source`, counting retries of the same profile version (backoff). */
export function scriptFault(
  prev: FaultRecord | undefined,
  source: SourceRef,
  code: ScriptFaultCode,
  message: string,
  now: number,
  policy: PlanPolicy,
): FaultRecord {
  const same =
    prev !== undefined &&
    prev.source.kind === 'profile' &&
    source.kind === 'profile' &&
    prev.source.version === source.version;
  const retries = (same ? prev.retries : 0) + 1;
  return {
    source,
    target: SCRIPT_TARGET,
    kind: 'script',
    method: 'script',
    code,
    message: message.slice(0, 500),
    retries,
    firstAt: same ? prev.firstAt : now,
    lastAt: now,
    nextRetryAt: now + backoffDelay(retries, policy),
  };
}
