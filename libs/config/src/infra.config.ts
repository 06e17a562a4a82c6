import { z } from 'zod';
import { csv, loadConfig, type Env } from './config.loader';

/** Where the real Kafka, Redis and MongoDB servers are. */
export const infraConfigSchema = z.object({
  KAFKA_BROKERS: csv.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)).default(['127.0.0.1:19092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('acs'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:16379'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// URI').default('mongodb://127.0.0.1:27117/'),
});

export type InfraConfig = z.infer<typeof infraConfigSchema>;

export function loadInfraConfig(env?: Env): InfraConfig {
  return loadConfig(infraConfigSchema, env);
}
