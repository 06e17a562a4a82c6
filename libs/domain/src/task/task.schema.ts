import { z } from 'zod';
import { DomainError, DomainErrorCode } from '../domain.error';
import { issuesOf } from '../profile/profile.loader';
import { declaredValue, downloadSpec, objectPath, parameterPath } from '../profile/profile.schema';

// Tasks (issue 5, point 6): one-off operations queued for one device, executed in its next
// session. Times are epoch milliseconds (they come from the API with the server's clock).

const anyPath = z.union([parameterPath, objectPath], { error: 'not a parameter or object path' });

/** TR-069 A.3.2.8/A.4.1.2: CommandKey is a string(32), echoed in `M <Method>` and TransferComplete. */
const commandKey = z.string().max(32, 'at most 32 characters').default('');

/** TR-069 A.4.1.5 Upload FileType (CWMP-NOTES: 1–4, `<n>` the instance of a multi-file CPE). */
export const UPLOAD_FILE_TYPE =
  /^(1 Vendor Configuration File|2 Vendor Log File|3 Vendor Configuration File \d+|4 Vendor Log File \d+|X [0-9A-F]{6} .+)$/;

export const uploadSpec = z.strictObject({
  fileType: z
    .string()
    .max(64)
    .regex(UPLOAD_FILE_TYPE, '"1 Vendor Configuration File", "2 Vendor Log File", "3 …/4 … <n>"'),
  // A.4.1.5: URL is string(256); the CPE PUTs (HTTP) the file there.
  url: z
    .string()
    .max(256, 'at most 256 characters')
    .regex(/^(https?|ftp):\/\/[^\s]+$/i, 'an http, https or ftp URL'),
  username: z.string().max(256).default(''),
  // Kept with the task for the session to send; never echoed by the API nor written to logs.
  password: z.string().max(256).default(''),
  delaySeconds: z.number().int().nonnegative().max(86_400).default(0),
  commandKey,
});
export type UploadSpec = z.infer<typeof uploadSpec>;

export const taskOperation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('getParameters'), paths: z.array(anyPath).min(1).max(1000) }),
  z.strictObject({
    kind: z.literal('setParameters'),
    values: z.record(parameterPath, declaredValue),
  }),
  z.strictObject({
    kind: z.literal('addObject'),
    /** The table, e.g. `Device.NAT.PortMapping.`. */
    path: objectPath,
    parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), declaredValue).default({}),
  }),
  z.strictObject({ kind: z.literal('deleteObject'), path: objectPath }),
  z.strictObject({ kind: z.literal('reboot') }),
  z.strictObject({ kind: z.literal('factoryReset') }),
  z.strictObject({ kind: z.literal('download'), file: downloadSpec }),
  z.strictObject({ kind: z.literal('refresh'), path: anyPath }),
  z.strictObject({ kind: z.literal('upload'), file: uploadSpec }),
  z.strictObject({
    kind: z.literal('scheduleInform'),
    // TR-069 A.4.1.2: DelaySeconds > 0 (a CPE faults 9003 on 0).
    delaySeconds: z.number().int().min(1, 'at least 1').max(31_536_000),
    commandKey,
  }),
]);
export type TaskOperation = z.infer<typeof taskOperation>;

export const taskSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ -; at most 64'),
    deviceId: z.string().min(1).max(256),
    createdAt: z.number().int().nonnegative(),
    /** Not run after this time. */
    expiresAt: z.number().int().nonnegative().optional(),
    operation: taskOperation,
  })
  .superRefine((t, ctx) => {
    if (t.expiresAt !== undefined && t.expiresAt <= t.createdAt)
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be after createdAt' });
  });
export type Task = z.infer<typeof taskSchema>;
export type TaskInput = z.input<typeof taskSchema>;

export function parseTask(input: unknown): Task {
  const r = taskSchema.safeParse(input);
  if (!r.success)
    throw new DomainError(DomainErrorCode.InvalidTask, 'invalid task', issuesOf(r.error));
  return r.data;
}
