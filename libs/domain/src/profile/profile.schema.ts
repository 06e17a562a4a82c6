import { z } from 'zod';
import { CRON_PATTERN, parseCron } from './schedule';
import { unknownTemplateVariables } from './template.expand';

// Profiles declare desired state (issue 5, point 3). Validated with zod; every error names the
// field path (`objects.0.key.SSID: …`). Times in declarations are seconds.

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// TR-106 §3.1 path syntax, with `[alias]` instance segments (TR-069 A.2.2.1).
const SEGMENT = '(?:[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\\[[A-Za-z][^.\\]]{0,63}\\])';
const PARAMETER_PATH = new RegExp(
  `^[A-Za-z_][A-Za-z0-9_-]*(?:\\.${SEGMENT})*\\.[A-Za-z_][A-Za-z0-9_-]*$`,
);
const OBJECT_PATH = new RegExp(`^[A-Za-z_][A-Za-z0-9_-]*\\.(?:${SEGMENT}\\.)*$`);
// In profile parameters and notifications, `*` stands for every instance of a table.
const PATTERN_PATH = new RegExp(
  `^[A-Za-z_][A-Za-z0-9_-]*(?:\\.(?:${SEGMENT}|\\*))*\\.[A-Za-z_][A-Za-z0-9_-]*$`,
);
const RELATIVE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MAX_PATH = 256;

export const VALUE_TYPES = [
  'string',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'boolean',
  'dateTime',
  'base64',
  'hexBinary',
  'decimal',
] as const;

const templated = z.string().superRefine((s, ctx) => {
  for (const v of unknownTemplateVariables(s))
    ctx.addIssue({ code: 'custom', message: `unknown template variable "${v}"` });
});

export const parameterPath = z
  .string()
  .max(MAX_PATH)
  .regex(PARAMETER_PATH, 'not a parameter path (Top.Object.Name)');
/** A parameter path where `*` may replace instance numbers (`Device.WiFi.SSID.*.Enable`). */
export const parameterPattern = z
  .string()
  .max(MAX_PATH)
  .regex(PATTERN_PATH, 'not a parameter path (Top.Object.Name; * for every instance)');
export const objectPath = z
  .string()
  .max(MAX_PATH)
  .regex(OBJECT_PATH, 'not an object path (ends with ".")');
const anyPath = z.union([parameterPath, objectPath], { error: 'not a parameter or object path' });

const scalar = z.union([templated, z.number(), z.boolean()]);
export const declaredValue = z.union([
  scalar,
  z.strictObject({ value: scalar, type: z.enum(VALUE_TYPES) }),
]);
export type DeclaredValue = z.infer<typeof declaredValue>;

export const FACT_FIELDS = [
  'oui',
  'productClass',
  'serialNumber',
  'manufacturer',
  'softwareVersion',
  'hardwareVersion',
  'provisioningCode',
  'tag',
] as const;
export const FILTER_OPS = ['eq', 'ne', 'in', 'prefix', 'regex', 'exists', 'gt', 'lt'] as const;

export const condition = z
  .strictObject({
    /** A device fact, `tag`, or a full parameter path. */
    field: z.union([z.enum(FACT_FIELDS), parameterPath], {
      error: `a device fact (${FACT_FIELDS.join(', ')}) or a parameter path`,
    }),
    op: z.enum(FILTER_OPS),
    value: z.union([z.string().max(1024), z.number(), z.boolean()]).optional(),
    values: z.array(z.string().max(1024)).max(1000).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.op === 'in' && c.values === undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: '"in" needs values' });
    if (c.op !== 'in' && c.op !== 'exists' && c.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a value` });
    if (c.op === 'regex' && typeof c.value === 'string') {
      try {
        new RegExp(c.value);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'not a regular expression' });
      }
    }
  });
export type Condition = z.infer<typeof condition>;

export const desiredObject = z
  .strictObject({
    /** The table, e.g. `Device.WiFi.SSID.`. */
    path: objectPath,
    /** Key parameters (relative names) that identify the instance. */
    key: z.record(z.string().regex(RELATIVE_NAME, 'not a parameter name'), scalar).default({}),
    /** With alias-based addressing (CWMP 1.4) the instance is addressed as `path[alias].`. */
    alias: z
      .string()
      .regex(/^[A-Za-z][^.\]]{0,63}$/, 'an alias starts with a letter, ≤ 64 chars, no "." or "]"')
      .optional(),
    present: z.boolean().default(true),
    parameters: z
      .record(z.string().regex(RELATIVE_NAME, 'not a parameter name'), declaredValue)
      .default({}),
  })
  .superRefine((o, ctx) => {
    if (Object.keys(o.key).length === 0 && o.alias === undefined)
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'needs key parameters or an alias' });
  });

const seconds = z
  .number()
  .int()
  .positive()
  .max(10 * 365 * 86400);

const trigger = z.union([
  z.strictObject({ events: z.array(z.string().min(1).max(64)).min(1) }),
  z.strictObject({ every: seconds }),
  z.strictObject({
    cron: z
      .string()
      .regex(CRON_PATTERN, 'not a 5-field cron expression')
      .superRefine((expr, ctx) => {
        if (!CRON_PATTERN.test(expr)) return;
        try {
          parseCron(expr);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }),
    /** How long after the tick a session may still run the action. */
    window: seconds.default(3600),
  }),
]);
export type Trigger = z.infer<typeof trigger>;

export const profileAction = z.strictObject({
  id: z.string().regex(NAME).optional(),
  action: z.enum(['reboot', 'factoryReset', 'scheduleInform']),
  /** For scheduleInform (TR-069 A.4.1.2 DelaySeconds). */
  delaySeconds: seconds.optional(),
  on: trigger,
});

export const downloadSpec = z.strictObject({
  url: templated.pipe(z.string().min(1).max(1024)),
  fileType: z.string().min(1).max(64).default('1 Firmware Upgrade Image'),
  fileSize: z.number().int().nonnegative().default(0),
  targetFileName: z.string().max(256).default(''),
  username: z.string().max(256).default(''),
  password: z.string().max(256).default(''),
});

export const profileSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits, _ . -; at most 128'),
  version: z.number().int().positive().default(1),
  /** Higher wins when two profiles declare the same thing; ties go to the name, ascending. */
  priority: z.number().int().default(0),
  /** All conditions must hold; empty = every device. */
  filter: z.array(condition).default([]),
  parameters: z.record(parameterPattern, declaredValue).default({}),
  objects: z.array(desiredObject).default([]),
  notifications: z.record(parameterPattern, z.number().int().min(0).max(6)).default({}),
  firmware: downloadSpec.extend({ version: z.string().min(1).max(128) }).optional(),
  refresh: z.array(z.strictObject({ path: anyPath, maxAge: seconds })).default([]),
  actions: z.array(profileAction).default([]),
  /** Logic a declaration cannot express (`@acs/scripts`); its declarations merge as this profile's. */
  script: z
    .strictObject({
      source: z
        .string()
        .min(1)
        .max(64 * 1024),
      /** Interrupted after this long (TR-069 sessions must not wait on a runaway script). */
      timeoutMs: z.number().int().min(1).max(2000).default(50),
      memoryBytes: z
        .number()
        .int()
        .min(1 << 20)
        .max(64 << 20)
        .default(8 << 20),
      stackBytes: z
        .number()
        .int()
        .min(16 << 10)
        .max(1 << 20)
        .default(256 << 10),
    })
    .optional(),
});
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type DesiredObjectDeclaration = z.infer<typeof desiredObject>;
export type ActionDeclaration = z.infer<typeof profileAction>;
export type ScriptSpec = NonNullable<Profile['script']>;
