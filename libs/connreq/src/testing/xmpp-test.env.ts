import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig, processEnv, type Env } from '@acs/config';
import { z } from 'zod';

const schema = z.object({
  XMPP_SERVICE: z.string().regex(/^xmpps?:\/\//),
  XMPP_DOMAIN: z.string().min(1),
  XMPP_ACS_USERNAME: z.string().min(1),
  XMPP_ACS_PASSWORD: z.string(),
  XMPP_CPE_PASSWORD: z.string(),
});

export type XmppTestEnv = z.infer<typeof schema>;

/**
 * The real XMPP server for integration tests: prosody from deploy/local/services (`up` starts it
 * with the other services). When XMPP_SERVICE is not in the environment, ask the launcher, which
 * is idempotent, to start it and print its endpoint and test accounts.
 */
export function xmppTestEnv(): XmppTestEnv {
  let env: Env = processEnv();
  if (env['XMPP_SERVICE'] === undefined) {
    const launcher = join(__dirname, '../../../../deploy/local/services');
    execFileSync(launcher, ['up', 'xmpp'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const printed: Record<string, string> = {};
    for (const line of execFileSync(launcher, ['env', 'xmpp'], { encoding: 'utf8' }).split('\n')) {
      const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) printed[m[1]] = m[2];
    }
    env = { ...printed, ...env };
  }
  return loadConfig(schema, env);
}
