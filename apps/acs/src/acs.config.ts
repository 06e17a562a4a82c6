import { z } from 'zod';
import { loadConfig, processEnv, type Env } from '@acs/config';
import { loadConnreqConfig, type ConnreqConfig } from '@acs/connreq';
import { loadGatewayConfig, type GatewayConfig } from '@acs/gateway';

const acsSchema = z.object({
  /** Directory of the embedded store (created if missing; `.data/` is git-ignored). */
  ACS_DATA_DIR: z.string().min(1).default('./.data'),
  ACS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface AcsConfig {
  readonly gateway: GatewayConfig;
  /** Connection requests and the STUN server (docs/connection-requests.md). */
  readonly connreq: ConnreqConfig;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof acsSchema>['ACS_LOG_LEVEL'];
}

/**
 * The all-in-one ACS reads the gateway's variables with one different default: no provisioning
 * service runs in this process yet, so the empty POST ends the session at once
 * (`GATEWAY_PROVISIONING=none`) instead of waiting on an inbox nobody fills.
 */
export function loadAcsConfig(env: Env = processEnv()): AcsConfig {
  const acs = loadConfig(acsSchema, env);
  return {
    gateway: loadGatewayConfig({ GATEWAY_PROVISIONING: 'none', ...env }),
    connreq: loadConnreqConfig(env),
    dataDir: acs.ACS_DATA_DIR,
    logLevel: acs.ACS_LOG_LEVEL,
  };
}
