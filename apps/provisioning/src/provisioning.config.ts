import { z } from 'zod';
import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the provisioning service's telemetry. */
export const PROVISIONING_VERSION = '0.1.0';

/** Settings of the scaled-out provisioning service (see docs/provisioning.md, "Provisioning service"). */
const schema = z.object({
  /** Prepended to every Kafka topic and consumer group (tenants, tests). */
  ACS_TOPIC_PREFIX: z.string().default(''),
  ACS_REDIS_PREFIX: z.string().default('acs:'),
  ACS_MONGODB_DATABASE: z.string().min(1).default('acs'),
  ACS_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).default(12),
  ACS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  PROVISIONING_GROUP_ID: z.string().min(1).default('provisioning'),
  /** A directory of profile files (JSON/YAML) imported at start; optional. */
  PROVISIONING_PROFILE_DIR: z.string().min(1).optional(),
  PROVISIONING_PROFILE_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  PROVISIONING_INBOX_TTL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  PROVISIONING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  PROVISIONING_MAX_STEPS: z.coerce.number().int().min(1).max(1_000).default(32),
});

export interface ProvisioningAppConfig {
  readonly infra: InfraConfig;
  readonly provisioning: z.infer<typeof schema>;
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
}

export function loadProvisioningAppConfig(env?: Env): ProvisioningAppConfig {
  return {
    infra: loadInfraConfig(env),
    provisioning: loadConfig(schema, env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
