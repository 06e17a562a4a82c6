import { z } from 'zod';
import { boolFromEnv, intFromEnv, loadConfig, type Env } from '@acs/config';

/** Environment of the northbound gRPC API (docs/nbi.md), the same in apps/nbi and apps/acs. */
export const nbiConfigSchema = z
  .object({
    /** Serve the API (apps/acs; apps/nbi always does). */
    NBI_ENABLED: boolFromEnv.default(true),
    NBI_HOST: z.string().min(1).default('0.0.0.0'),
    NBI_PORT: intFromEnv(0, 65535).default(50051),
    /** Deadline of a call whose client set none, and the cap on any client's deadline. */
    NBI_MAX_CALL_MS: intFromEnv(100, 3_600_000).default(60_000),
    /** Cap on a WatchDevices stream without a client deadline (it otherwise runs until cancelled). */
    NBI_MAX_WATCH_MS: intFromEnv(1_000, 2_000_000_000).default(86_400_000),
    /**
     * Where the first start writes the initial admin API key (mode 0600), when no admin key
     * exists yet; `-` prints it to stderr instead. Default: `<data dir>/nbi-admin.key`.
     */
    NBI_ADMIN_KEY_FILE: z.string().min(1).optional(),
    /** JWT bearer tokens: HS256 shared secret (≥ 32 characters) and/or RS256 public key file. */
    NBI_JWT_HS256_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    NBI_JWT_RS256_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    NBI_JWT_ISSUER: z.string().min(1).optional(),
    NBI_JWT_AUDIENCE: z.string().min(1).optional(),
    /** TLS for the API; with NBI_TLS_CLIENT_CA_FILE clients must present a certificate (mTLS). */
    NBI_TLS_CERT_FILE: z.string().min(1).optional(),
    NBI_TLS_KEY_FILE: z.string().min(1).optional(),
    NBI_TLS_CLIENT_CA_FILE: z.string().min(1).optional(),
    /** Consumer group prefix of the per-process device change feed (Watch, task waits). */
    NBI_FEED_GROUP_PREFIX: z.string().min(1).default('nbi-feed'),
  })
  .superRefine((c, ctx) => {
    if ((c.NBI_TLS_CERT_FILE === undefined) !== (c.NBI_TLS_KEY_FILE === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['NBI_TLS_KEY_FILE'],
        message: 'NBI_TLS_CERT_FILE and NBI_TLS_KEY_FILE go together',
      });
    if (c.NBI_TLS_CLIENT_CA_FILE !== undefined && c.NBI_TLS_CERT_FILE === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['NBI_TLS_CLIENT_CA_FILE'],
        message: 'mTLS needs NBI_TLS_CERT_FILE and NBI_TLS_KEY_FILE',
      });
  });

export type NbiConfig = z.infer<typeof nbiConfigSchema>;

export function loadNbiConfig(env?: Env): NbiConfig {
  return loadConfig(nbiConfigSchema, env);
}
