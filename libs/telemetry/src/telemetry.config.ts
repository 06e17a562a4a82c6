import { boolFromEnv, intFromEnv } from '@acs/config';
import { z } from 'zod';

/** pino levels, plus `silent` for tests. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** OTLP/HTTP body encodings (OTEL_EXPORTER_OTLP_PROTOCOL); OTLP over gRPC is not offered. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/**
 * The environment variables every app reads for telemetry. A fragment: apps spread `.shape` into
 * their own schema (`z.object({ ...telemetryConfigSchema.shape, ... })`) and pass the parsed
 * values to `telemetryOptionsFromConfig`, because @acs/config is the only reader of process.env.
 */
export const telemetryConfigSchema = z.object({
  /** Master switch. false: no SDK, no-op tracer and meter, /metrics answers 503. */
  OTEL_ENABLED: boolFromEnv.default(true),
  /** OTLP/HTTP collector base URL (e.g. http://tempo:4318); traces go to `<url>/v1/traces`. Unset: spans are created (trace ids in logs, propagation) but not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP/HTTP body encoding: protobuf (the OTel default, cheaper to encode and send) or JSON. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(OTLP_PROTOCOLS).default('http/protobuf'),
  /** Overrides the app's own service name. */
  OTEL_SERVICE_NAME: z.string().min(1).max(128).optional(),
  /** Share of new traces kept (parent-based: a sampled parent keeps its children). */
  OTEL_TRACES_SAMPLER_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Kubernetes pod name (downward API); becomes k8s.pod.name and service.instance.id. */
  POD_NAME: z.string().min(1).max(253).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Port of the Prometheus scrape server; 0 = mount the handler on the app's own HTTP server. */
  METRICS_PORT: intFromEnv(0, 65535).default(9464),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
