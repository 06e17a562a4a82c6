import { intFromEnv, loadConfig } from '@acs/config';
import { CWMP_VERSIONS } from '@acs/cwmp';
import { z } from 'zod';

// The CLI's options, validated with the same zod loader the services use for their environment:
// `--name value` / `--name=value` pairs become the record that loadConfig checks.

const templateMix = z.string().transform((s, ctx) => {
  const out: { template: 'tr181' | 'tr098'; share: number }[] = [];
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [name, share = '1'] = part.split(':');
    const n = Number(share);
    if ((name !== 'tr181' && name !== 'tr098') || !(n > 0)) {
      ctx.addIssue({ code: 'custom', message: `bad template "${part}" (tr181|tr098[:share])` });
      return z.NEVER;
    }
    out.push({ template: name, share: n });
  }
  return out;
});

export const SIM_OPTIONS = z.object({
  devices: intFromEnv(1, 1_000_000).default(100),
  templates: templateMix.default([{ template: 'tr181', share: 1 }]),
  'acs-url': z.url().default('http://127.0.0.1:7547/'),
  'acs-password': z.string().default('cpe-secret'),
  'ramp-up': z.coerce.number().min(0).max(86_400).default(10),
  interval: intFromEnv(1, 31 * 86_400).default(300),
  'cwmp-version': z.enum(CWMP_VERSIONS as ['1.0', '1.1', '1.2', '1.3', '1.4']).default('1.2'),
  quirks: z.string().default(''),
  'quirk-share': z.coerce.number().min(0).max(1).default(0),
  concurrency: intFromEnv(1, 100_000).default(500),
  duration: z.coerce.number().min(0).default(0),
  'cr-host': z.string().default('127.0.0.1'),
  'cr-port': intFromEnv(0, 65_535).default(7548),
  'cr-password': z.string().default('cr-secret'),
  'udp-port': intFromEnv(0, 65_535).default(0),
  'stun-server': z
    .string()
    .regex(/^[^:]+:\d{1,5}$/, 'host:port')
    .optional(),
  'stun-devices': intFromEnv(0, 1_000_000).default(0),
  'xmpp-service': z
    .string()
    .regex(/^xmpps?:\/\/.+/, 'xmpp://host:port')
    .optional(),
  'xmpp-domain': z.string().default('acs.local'),
  'xmpp-user-prefix': z.string().default('cpe-'),
  'xmpp-password': z.string().default('cpe-secret'),
  'xmpp-devices': intFromEnv(0, 100_000).default(0),
  'serial-prefix': z
    .string()
    .regex(/^[A-Za-z0-9]{0,16}$/)
    .default('SIM'),
  'summary-file': z.string().optional(),
  quiet: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type SimOptions = z.infer<typeof SIM_OPTIONS>;

/** `--devices 10 --acs-url=http://…` → { devices: '10', 'acs-url': 'http://…' }; `--quiet` → 'true'. */
export function argvRecord(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--'))
      throw new Error(`unexpected argument "${a}" (options are --name value)`);
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) out[a.slice(2)] = 'true';
      else {
        out[a.slice(2)] = next;
        i++;
      }
    }
  }
  return out;
}

export function loadSimOptions(argv: readonly string[]): SimOptions {
  const record = argvRecord(argv);
  const known = new Set(Object.keys(SIM_OPTIONS.shape));
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new Error(`unknown option(s): ${unknown.map((k) => `--${k}`).join(', ')}`);
  return loadConfig(SIM_OPTIONS, record);
}

export const USAGE = `cpe-sim — simulated TR-069 CPEs against an ACS

  --devices N            number of CPEs (100)
  --templates SPEC       tr181[:share],tr098[:share] (tr181)
  --acs-url URL          ACS URL (http://127.0.0.1:7547/)
  --acs-password PW      CPE → ACS password; the username is the serial number (cpe-secret)
  --ramp-up S            spread the first BOOTSTRAP informs over S seconds (10)
  --interval S           PeriodicInformInterval (300)
  --cwmp-version V       1.0 … 1.4 (1.2)
  --quirks LIST          e.g. missingXsiType,booleanDigits,slowResponseMs=200,dropAfterMessages=3
  --quirk-share F        share of devices with the quirks, 0…1 (0)
  --concurrency N        sessions at once (500)
  --duration S           stop after S seconds; 0 = until Ctrl-C (0)
  --cr-host H --cr-port P  HTTP connection request server (127.0.0.1:7548; 0 = any port)
  --cr-password PW       connection request password; the username is the serial number (cr-secret)
  --udp-port P           UDP connection request listener (Annex G); 0 = off
  --stun-server H:P      STUN server (TR-111) the first --stun-devices devices keep a binding with;
                         each such device gets its own UDP socket, which also takes UDP connection requests
  --stun-devices N       how many devices run a STUN client (0)
  --xmpp-service URL     XMPP server (Annex K); the first --xmpp-devices devices log in as
                         <xmpp-user-prefix><n>@<xmpp-domain> (n from 1) with --xmpp-password
  --xmpp-domain D --xmpp-user-prefix P --xmpp-password PW --xmpp-devices N   (acs.local, cpe-, cpe-secret, 0)
  --serial-prefix S      serial numbers are S + 8 digits (SIM)
  --summary-file F       write the JSON summary there too
  --quiet                no progress lines
`;
