import { boolFromEnv, csv, intFromEnv, loadConfig, type Env } from '@acs/config';
import { z } from 'zod';
import { DEFAULT_ADDRESS_POLICY } from '../http/address.policy';

/**
 * Environment of the connection-request service and the STUN server (docs/connection-requests.md).
 * The address policy defaults to DEFAULT_ADDRESS_POLICY (no loopback, link-local, multicast).
 */
export const connreqConfigSchema = z.object({
  CONNREQ_ALLOW_CIDRS: z.string().default(DEFAULT_ADDRESS_POLICY.allow.join(',')).pipe(csv),
  CONNREQ_DENY_CIDRS: z.string().default(DEFAULT_ADDRESS_POLICY.deny.join(',')).pipe(csv),
  CONNREQ_HTTP_TIMEOUT_MS: intFromEnv(100, 120_000).default(10_000),
  CONNREQ_ALLOW_BASIC: boolFromEnv.default(false),
  CONNREQ_CONCURRENCY: intFromEnv(1, 100_000).default(1_000),
  CONNREQ_RATE_PER_SEC: intFromEnv(1, 1_000_000).default(5_000),
  CONNREQ_MAX_PENDING: intFromEnv(1, 10_000_000).default(10_000),
  CONNREQ_UDP_COPIES: intFromEnv(1, 10).default(3),
  CONNREQ_UDP_GAP_MS: intFromEnv(0, 10_000).default(200),
  CONNREQ_GROUP_ID: z.string().min(1).default('acs-connection-request'),
  /**
   * Fill the contact directory and STUN credentials from Informs and session ends
   * (docs/connection-requests.md, "Contact directory").
   */
  CONNREQ_RECORD_CONTACTS: boolFromEnv.default(true),
  CONNREQ_CONTACTS_GROUP_ID: z.string().min(1).default('acs-connreq-contacts'),
  /**
   * This STUN server's relay node id: recorded in the bindings it learns, and the id under which
   * it sends relayed UDP wake-ups (docs/connection-requests.md, "Split deployment"). Unset: no relay.
   */
  STUN_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  /** Without an embedded STUN server, send UDP wake-ups through the STUN node that learned them. */
  CONNREQ_UDP_VIA_RELAY: boolFromEnv.default(false),
  /** Kafka topic prefix (the apps' deployment setting), for apps/stun's relay consumer. */
  ACS_TOPIC_PREFIX: z.string().default(''),
  /** Run the STUN server inside the connection-request process, which enables UDP wake-ups. */
  CONNREQ_EMBED_STUN: boolFromEnv.default(true),
  STUN_HOST: z.string().min(1).default('0.0.0.0'),
  STUN_PORT: intFromEnv(0, 65535).default(3478),
  STUN_REQUIRE_AUTH: boolFromEnv.default(true),
  STUN_BINDING_TTL_MS: intFromEnv(1_000, 86_400_000).default(300_000),
  /** XMPP (Annex K) is enabled when XMPP_SERVICE is set. */
  XMPP_SERVICE: z
    .string()
    .regex(/^xmpps?:\/\//, 'xmpp://host:port')
    .optional(),
  XMPP_DOMAIN: z.string().min(1).optional(),
  XMPP_ACS_USERNAME: z.string().min(1).optional(),
  XMPP_ACS_PASSWORD: z.string().optional(),
  /**
   * Database holding the contact directory, statuses and STUN credentials, and the provisioning
   * device documents the contact recorder reads: it must be provisioning's database. Default
   * ACS_MONGODB_DATABASE (the name apps/provisioning and apps/cwmp-gateway read), else `acs`.
   */
  ACS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .optional(),
  ACS_MONGODB_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .optional(),
});

type ConnreqEnvConfig = z.infer<typeof connreqConfigSchema>;
export type ConnreqConfig = Omit<ConnreqEnvConfig, 'ACS_DATABASE' | 'ACS_MONGODB_DATABASE'> & {
  readonly ACS_DATABASE: string;
};

export function loadConnreqConfig(env?: Env): ConnreqConfig {
  const { ACS_DATABASE, ACS_MONGODB_DATABASE, ...rest } = loadConfig(connreqConfigSchema, env);
  return { ...rest, ACS_DATABASE: ACS_DATABASE ?? ACS_MONGODB_DATABASE ?? 'acs' };
}
