import { z } from 'zod';
import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { loadConnreqConfig, type ConnreqConfig } from '@acs/connreq';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the connection-request service's telemetry. */
export const CONNECTION_REQUEST_VERSION = '0.1.0';

/** Deployment settings shared with the gateway and provisioning apps. */
const deploymentSchema = z.object({
  /** Prepended to every Kafka topic and consumer group (tenants, tests). */
  ACS_TOPIC_PREFIX: z.string().default(''),
  /** Redis key prefix (STUN bindings, wake-up trace contexts): the gateway's; unset: `acs:`. */
  ACS_REDIS_PREFIX: z.string().optional(),
});

export interface ConnectionRequestAppConfig {
  readonly infra: InfraConfig;
  /** docs/connection-requests.md */
  readonly connreq: ConnreqConfig;
  readonly deployment: z.infer<typeof deploymentSchema>;
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
}

export function loadConnectionRequestAppConfig(env?: Env): ConnectionRequestAppConfig {
  return {
    infra: loadInfraConfig(env),
    connreq: loadConnreqConfig(env),
    deployment: loadConfig(deploymentSchema, env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
