import { ConfigError, boolFromEnv, loadConfig } from '@acs/config';
import { z } from 'zod';
import { AcsctlError, AcsctlErrorCode } from './acsctl.error';
import { stringOption, flag, type OptionValues } from './cli.args';
import type { OutputFormat } from './output.formatter';

// Connection settings come from the environment (ACS_API_*), each overridable by its flag, and are
// validated by the same zod loader the services use: the flags are laid over the environment and
// the merged record goes through loadConfig, so `--timeout x` and `ACS_API_TIMEOUT=x` fail alike.

export const DEFAULT_API_ADDR = '127.0.0.1:50051';

const hostPort = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
    'expected HOST:PORT (IPv6 as [::1]:PORT)',
  );
const nonEmpty = z.string().min(1);

const CLI_ENV = z.object({
  ACS_API_ADDR: hostPort.default(DEFAULT_API_ADDR),
  ACS_API_KEY: nonEmpty.optional(),
  ACS_API_TOKEN: nonEmpty.optional(),
  ACS_API_TLS: boolFromEnv.optional(),
  ACS_API_CA: nonEmpty.optional(),
  ACS_API_CERT: nonEmpty.optional(),
  ACS_API_CERT_KEY: nonEmpty.optional(),
  ACS_API_SERVER_NAME: nonEmpty.optional(),
  ACS_API_TIMEOUT: z.coerce.number().positive().max(86_400).default(30),
});

export const CLI_CONFIG_SCHEMA = CLI_ENV.refine(
  (c) => c.ACS_API_KEY === undefined || c.ACS_API_TOKEN === undefined,
  {
    message: 'give an API key or a bearer token, not both',
    path: ['ACS_API_TOKEN'],
  },
).refine((c) => (c.ACS_API_CERT === undefined) === (c.ACS_API_CERT_KEY === undefined), {
  message: 'a client certificate needs its key, and a key its certificate',
  path: ['ACS_API_CERT_KEY'],
});

export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'api-key'; readonly key: string }
  | { readonly kind: 'bearer'; readonly token: string };

export type TransportSecurity =
  | { readonly kind: 'plaintext' }
  | {
      readonly kind: 'tls';
      readonly caFile?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
      readonly serverName?: string;
    };

export interface CliConfig {
  readonly address: string;
  readonly credential: Credential;
  readonly security: TransportSecurity;
  /** Deadline of each call, ms. */
  readonly timeoutMs: number;
  readonly output: OutputFormat;
  readonly progress: boolean;
}

const FLAG_TO_ENV: Readonly<Record<string, keyof typeof CLI_ENV.shape>> = {
  addr: 'ACS_API_ADDR',
  'api-key': 'ACS_API_KEY',
  token: 'ACS_API_TOKEN',
  ca: 'ACS_API_CA',
  cert: 'ACS_API_CERT',
  key: 'ACS_API_CERT_KEY',
  'server-name': 'ACS_API_SERVER_NAME',
  timeout: 'ACS_API_TIMEOUT',
};

export function loadCliConfig(
  options: OptionValues,
  env: Readonly<Record<string, string | undefined>>,
): CliConfig {
  const record: Record<string, string | undefined> = {};
  for (const name of Object.keys(CLI_ENV.shape))
    record[name] = env[name] === '' ? undefined : env[name];
  // An explicit --api-key replaces a token from the environment and vice versa.
  if (stringOption(options, 'api-key') !== undefined) record['ACS_API_TOKEN'] = undefined;
  if (stringOption(options, 'token') !== undefined) record['ACS_API_KEY'] = undefined;
  for (const [flagName, envName] of Object.entries(FLAG_TO_ENV)) {
    const v = stringOption(options, flagName);
    if (v !== undefined) record[envName] = v;
  }
  if (options['tls'] !== undefined) record['ACS_API_TLS'] = String(options['tls']);

  let c: z.infer<typeof CLI_CONFIG_SCHEMA>;
  try {
    c = loadConfig(CLI_CONFIG_SCHEMA, record);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const named = e.issues.map((i) => {
      const flagName = Object.entries(FLAG_TO_ENV).find(([, env]) => i.startsWith(`${env}:`))?.[0];
      return flagName === undefined ? i : `--${flagName}/${i}`;
    });
    throw new AcsctlError(AcsctlErrorCode.Usage, `invalid settings: ${named.join('; ')}`);
  }

  const output = outputFormat(options);
  const wantsTls =
    c.ACS_API_TLS ??
    (c.ACS_API_CA !== undefined ||
      c.ACS_API_CERT !== undefined ||
      c.ACS_API_SERVER_NAME !== undefined);
  if (!wantsTls && (c.ACS_API_CA !== undefined || c.ACS_API_CERT !== undefined))
    throw new AcsctlError(
      AcsctlErrorCode.Usage,
      '--ca/--cert need TLS; drop --no-tls (ACS_API_TLS=false)',
    );
  return {
    address: c.ACS_API_ADDR,
    credential:
      c.ACS_API_KEY !== undefined
        ? { kind: 'api-key', key: c.ACS_API_KEY }
        : c.ACS_API_TOKEN !== undefined
          ? { kind: 'bearer', token: c.ACS_API_TOKEN }
          : { kind: 'none' },
    security: wantsTls
      ? {
          kind: 'tls',
          ...(c.ACS_API_CA !== undefined && { caFile: c.ACS_API_CA }),
          ...(c.ACS_API_CERT !== undefined && { certFile: c.ACS_API_CERT }),
          ...(c.ACS_API_CERT_KEY !== undefined && { keyFile: c.ACS_API_CERT_KEY }),
          ...(c.ACS_API_SERVER_NAME !== undefined && { serverName: c.ACS_API_SERVER_NAME }),
        }
      : { kind: 'plaintext' },
    timeoutMs: Math.round(c.ACS_API_TIMEOUT * 1000),
    output,
    progress: options['progress'] !== false,
  };
}

function outputFormat(options: OptionValues): OutputFormat {
  const o = stringOption(options, 'output');
  if (flag(options, 'json')) {
    if (o !== undefined && o !== 'json')
      throw new AcsctlError(AcsctlErrorCode.Usage, `--json contradicts --output ${o}`);
    return 'json';
  }
  if (o === undefined || o === 'table' || o === 'json') return o ?? 'table';
  throw new AcsctlError(AcsctlErrorCode.Usage, `--output: expected table or json, got "${o}"`);
}

/** True when the address is on this host, where plaintext does not cross a network. */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
