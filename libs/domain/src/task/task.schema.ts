import { z } from 'zod';
import { DomainError, DomainErrorCode } from '../domain.error';
import { issuesOf } from '../profile/profile.loader';
import { declaredValue, downloadSpec, objectPath, parameterPath } from '../profile/profile.schema';

// Tasks (issue 5, point 6): one-off operations queued for one device, executed in its next
// session. Times are epoch milliseconds (they come from the API with the server's clock).

const anyPath = z.union([parameterPath, objectPath], { error: 'not a parameter or object path' });

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
