import { z } from 'zod';
import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { loadNbiConfig, type NbiConfig } from '@acs/nbi';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the API's telemetry. */
export const NBI_VERSION = '0.1.0';

/** Settings shared with the other scaled-out services (same names, same meaning). */
const schema = z.object({
  /** Prepended to every Kafka topic and consumer group (tenants, tests). */
  ACS_TOPIC_PREFIX: z.string().default(''),
  ACS_MONGODB_DATABASE: z.string().min(1).default('acs'),
  ACS_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).default(12),
  ACS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface NbiAppConfig {
  readonly infra: InfraConfig;
  readonly app: z.infer<typeof schema>;
  /** NBI_* (docs/nbi.md). */
  readonly nbi: NbiConfig;
  readonly telemetry: TelemetryConfig;
}

export function loadNbiAppConfig(env?: Env): NbiAppConfig {
  return {
    infra: loadInfraConfig(env),
    app: loadConfig(schema, env),
    nbi: loadNbiConfig(env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
