import { z } from 'zod';
import { boolFromEnv, intFromEnv, loadConfig, type Env } from '@acs/config';

/** Every gateway setting, from the environment (`@acs/config`); see docs/gateway.md for each. */
export const gatewayConfigSchema = z
  .object({
    GATEWAY_PORT: intFromEnv(0, 65535).default(7547),
    GATEWAY_BIND: z.string().min(1).default('0.0.0.0'),
    /** PEM files; both set → HTTPS. */
    GATEWAY_TLS_CERT: z.string().min(1).optional(),
    GATEWAY_TLS_KEY: z.string().min(1).optional(),
    /** Idle timeout of a session: lock TTL, refreshed on each request. */
    GATEWAY_SESSION_TIMEOUT_MS: intFromEnv(1_000, 3_600_000).default(30_000),
    /** `inbox`: the empty POST waits for provisioning; `none`: it ends the session at once. */
    GATEWAY_PROVISIONING: z.enum(['inbox', 'none']).default('inbox'),
    /** How long one empty POST / RPC response waits on the inbox before the session ends. */
    GATEWAY_INBOX_WAIT_MS: intFromEnv(1, 600_000).default(10_000),
    /** Concurrent sessions this pod admits; more → 503 + Retry-After. */
    GATEWAY_MAX_SESSIONS: intFromEnv(1, 10_000_000).default(20_000),
    GATEWAY_RETRY_AFTER_S: intFromEnv(1, 3600).default(10),
    GATEWAY_MAX_BODY_BYTES: intFromEnv(1024, 1 << 30).default(4 * 1024 * 1024),
    GATEWAY_BODY_TIMEOUT_MS: intFromEnv(100, 600_000).default(10_000),
    GATEWAY_HEADERS_TIMEOUT_MS: intFromEnv(100, 600_000).default(10_000),
    GATEWAY_KEEPALIVE_TIMEOUT_MS: intFromEnv(100, 600_000).default(30_000),
    /** How long SIGTERM waits for open sessions before closing. */
    GATEWAY_DRAIN_TIMEOUT_MS: intFromEnv(0, 600_000).default(30_000),
    /** `required`: every session authenticates; `none`: labs only. */
    GATEWAY_AUTH: z.enum(['required', 'none']).default('required'),
    GATEWAY_AUTH_REALM: z.string().min(1).default('acs'),
    /** Accept Basic over plain HTTP (lab CPEs and simulators send it pre-emptively). */
    GATEWAY_BASIC_OVER_HTTP: boolFromEnv.default(false),
    /** Unknown devices: `reject`, or `register` when they present the bootstrap credentials. */
    GATEWAY_BOOTSTRAP_POLICY: z.enum(['reject', 'register']).default('reject'),
    GATEWAY_BOOTSTRAP_USERNAME: z.string().min(1).optional(),
    GATEWAY_BOOTSTRAP_PASSWORD: z.string().min(1).optional(),
    /** Failed authentications per source address and window before 429. */
    GATEWAY_AUTH_MAX_FAILURES: intFromEnv(1, 1_000_000).default(20),
    GATEWAY_AUTH_WINDOW_MS: intFromEnv(1_000, 86_400_000).default(60_000),
  })
  .superRefine((c, ctx) => {
    if ((c.GATEWAY_TLS_CERT === undefined) !== (c.GATEWAY_TLS_KEY === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'set both GATEWAY_TLS_CERT and GATEWAY_TLS_KEY, or neither',
      });
    if (c.GATEWAY_INBOX_WAIT_MS >= c.GATEWAY_SESSION_TIMEOUT_MS)
      ctx.addIssue({
        code: 'custom',
        message: 'GATEWAY_INBOX_WAIT_MS must be below GATEWAY_SESSION_TIMEOUT_MS',
      });
    if (
      c.GATEWAY_BOOTSTRAP_POLICY === 'register' &&
      (c.GATEWAY_BOOTSTRAP_USERNAME === undefined || c.GATEWAY_BOOTSTRAP_PASSWORD === undefined)
    )
      ctx.addIssue({
        code: 'custom',
        message: 'GATEWAY_BOOTSTRAP_POLICY=register needs GATEWAY_BOOTSTRAP_USERNAME/PASSWORD',
      });
  });

export type GatewayEnv = z.infer<typeof gatewayConfigSchema>;

/** The settings the gateway code reads, in its own names. */
export interface GatewayConfig {
  readonly port: number;
  readonly bind: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly sessionTimeoutMs: number;
  readonly provisioning: 'inbox' | 'none';
  readonly inboxWaitMs: number;
  readonly maxSessions: number;
  readonly retryAfterSeconds: number;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly auth: AuthConfig;
}

export interface AuthConfig {
  readonly mode: 'required' | 'none';
  readonly realm: string;
  readonly basicOverHttp: boolean;
  readonly bootstrap:
    | { readonly policy: 'reject' }
    | { readonly policy: 'register'; readonly username: string; readonly password: string };
  readonly maxFailures: number;
  readonly failureWindowMs: number;
}

export function toGatewayConfig(e: GatewayEnv): GatewayConfig {
  return {
    port: e.GATEWAY_PORT,
    bind: e.GATEWAY_BIND,
    ...(e.GATEWAY_TLS_CERT !== undefined && e.GATEWAY_TLS_KEY !== undefined
      ? { tls: { certFile: e.GATEWAY_TLS_CERT, keyFile: e.GATEWAY_TLS_KEY } }
      : {}),
    sessionTimeoutMs: e.GATEWAY_SESSION_TIMEOUT_MS,
    provisioning: e.GATEWAY_PROVISIONING,
    inboxWaitMs: e.GATEWAY_INBOX_WAIT_MS,
    maxSessions: e.GATEWAY_MAX_SESSIONS,
    retryAfterSeconds: e.GATEWAY_RETRY_AFTER_S,
    maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
    bodyTimeoutMs: e.GATEWAY_BODY_TIMEOUT_MS,
    headersTimeoutMs: e.GATEWAY_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: e.GATEWAY_KEEPALIVE_TIMEOUT_MS,
    drainTimeoutMs: e.GATEWAY_DRAIN_TIMEOUT_MS,
    auth: {
      mode: e.GATEWAY_AUTH,
      realm: e.GATEWAY_AUTH_REALM,
      basicOverHttp: e.GATEWAY_BASIC_OVER_HTTP,
      bootstrap:
        e.GATEWAY_BOOTSTRAP_POLICY === 'register' &&
        e.GATEWAY_BOOTSTRAP_USERNAME !== undefined &&
        e.GATEWAY_BOOTSTRAP_PASSWORD !== undefined
          ? {
              policy: 'register',
              username: e.GATEWAY_BOOTSTRAP_USERNAME,
              password: e.GATEWAY_BOOTSTRAP_PASSWORD,
            }
          : { policy: 'reject' },
      maxFailures: e.GATEWAY_AUTH_MAX_FAILURES,
      failureWindowMs: e.GATEWAY_AUTH_WINDOW_MS,
    },
  };
}

/** Validates the gateway's environment; throws ConfigError listing every problem. */
export function loadGatewayConfig(env?: Env): GatewayConfig {
  return toGatewayConfig(loadConfig(gatewayConfigSchema, env));
}
