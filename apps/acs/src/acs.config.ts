import { z } from 'zod';
import { loadConfig, processEnv, type Env } from '@acs/config';
import { loadConnreqConfig, type ConnreqConfig } from '@acs/connreq';
import { loadGatewayConfig, type GatewayConfig } from '@acs/gateway';
import { loadNbiConfig, type NbiConfig } from '@acs/nbi';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the all-in-one ACS's telemetry. */
export const ACS_VERSION = '0.1.0';

const acsSchema = z.object({
  /** Directory of the embedded store (created if missing; `.data/` is git-ignored). */
  ACS_DATA_DIR: z.string().min(1).default('./.data'),
  /** Profiles (JSON/YAML files) saved into the store at start; optional. */
  ACS_PROFILE_DIR: z.string().min(1).optional(),
  ACS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface AcsConfig {
  readonly gateway: GatewayConfig;
  /** Connection requests and the STUN server (docs/connection-requests.md). */
  readonly connreq: ConnreqConfig;
  readonly dataDir: string;
  readonly profileDir: string | undefined;
  readonly logLevel: z.infer<typeof acsSchema>['ACS_LOG_LEVEL'];
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
  /** The gRPC API served in-process: NBI_* (docs/nbi.md). */
  readonly nbi: NbiConfig;
}

/**
 * The all-in-one ACS reads the gateway's, the connection-request service's variables; the
 * provisioning service runs in the same process and fills the session inboxes.
 */
export function loadAcsConfig(env: Env = processEnv()): AcsConfig {
  const acs = loadConfig(acsSchema, env);
  return {
    gateway: loadGatewayConfig(env),
    connreq: loadConnreqConfig(env),
    dataDir: acs.ACS_DATA_DIR,
    profileDir: acs.ACS_PROFILE_DIR,
    logLevel: acs.ACS_LOG_LEVEL,
    telemetry: loadConfig(telemetryConfigSchema, env),
    // The API binds where the CWMP endpoint does unless told otherwise, and on an ephemeral port
    // when the CWMP port is ephemeral (tests run several all-in-one processes side by side).
    nbi: loadNbiConfig({
      NBI_HOST: env.GATEWAY_BIND,
      NBI_PORT: env.GATEWAY_PORT === '0' ? '0' : undefined,
      ...definedOnly(env),
    }),
  };
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}
