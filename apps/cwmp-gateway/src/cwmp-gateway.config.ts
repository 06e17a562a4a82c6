import { z } from 'zod';
import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { loadGatewayConfig, type GatewayConfig } from '@acs/gateway';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the gateway's telemetry. */
export const CWMP_GATEWAY_VERSION = '0.1.0';

/** Deployment settings of the scaled-out gateway on top of the gateway's own (see docs/gateway.md). */
const deploymentSchema = z.object({
  /** Prepended to every Kafka topic and consumer group (tenants, tests). */
  ACS_TOPIC_PREFIX: z.string().default(''),
  ACS_REDIS_PREFIX: z.string().default('acs:'),
  ACS_MONGODB_DATABASE: z.string().min(1).default('acs'),
  ACS_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).default(12),
  ACS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface CwmpGatewayAppConfig {
  readonly gateway: GatewayConfig;
  readonly infra: InfraConfig;
  readonly deployment: z.infer<typeof deploymentSchema>;
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
}

export function loadCwmpGatewayAppConfig(env?: Env): CwmpGatewayAppConfig {
  return {
    gateway: loadGatewayConfig(env),
    infra: loadInfraConfig(env),
    deployment: loadConfig(deploymentSchema, env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
