import { z } from 'zod';
import { ConfigError, ConfigErrorCode } from './config.error';

export type Env = Readonly<Record<string, string | undefined>>;

/** The process environment. This lib is the only place that reads it. */
export function processEnv(): Env {
  return process.env;
}

/**
 * Validates `env` against a schema whose keys are environment variable names.
 * Fails fast with every problem listed, so a misconfigured pod dies at start.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = processEnv()): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(ConfigErrorCode.Invalid, issues);
}

/** Comma-separated list → trimmed non-empty strings. */
export const csv = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0));

/** Integer from an env string, with bounds. */
export const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** "true"/"false"/"1"/"0" → boolean. */
export const boolFromEnv = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
