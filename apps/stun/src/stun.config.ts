import { z } from 'zod';
import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { loadConnreqConfig, type ConnreqConfig } from '@acs/connreq';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the STUN server's telemetry. */
export const STUN_VERSION = '0.1.0';

const deploymentSchema = z.object({
  /** Redis key prefix of the bindings (the connection-request service's); unset: `acs:`. */
  ACS_REDIS_PREFIX: z.string().optional(),
});

export interface StunAppConfig {
  readonly infra: InfraConfig;
  /** STUN_* settings live in the connection-request config (docs/connection-requests.md). */
  readonly connreq: ConnreqConfig;
  readonly deployment: z.infer<typeof deploymentSchema>;
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
}

export function loadStunAppConfig(env?: Env): StunAppConfig {
  return {
    infra: loadInfraConfig(env),
    connreq: loadConnreqConfig(env),
    deployment: loadConfig(deploymentSchema, env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
