import { loadConfig, loadInfraConfig, type Env, type InfraConfig } from '@acs/config';
import { loadConnreqConfig, type ConnreqConfig } from '@acs/connreq';
import { telemetryConfigSchema, type TelemetryConfig } from '@acs/telemetry';

/** `service.version` of the connection-request service's telemetry. */
export const CONNECTION_REQUEST_VERSION = '0.1.0';

export interface ConnectionRequestAppConfig {
  readonly infra: InfraConfig;
  /** docs/connection-requests.md */
  readonly connreq: ConnreqConfig;
  /** OTEL_*, POD_NAME, METRICS_PORT/HOST (docs/observability.md). */
  readonly telemetry: TelemetryConfig;
}

export function loadConnectionRequestAppConfig(env?: Env): ConnectionRequestAppConfig {
  return {
    infra: loadInfraConfig(env),
    connreq: loadConnreqConfig(env),
    telemetry: loadConfig(telemetryConfigSchema, env),
  };
}
