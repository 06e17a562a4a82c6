import { z } from 'zod';
import { ConnreqError, ConnreqErrorCode } from '../connreq.error';

// Versioned event schemas (`schema` field). Key = device id on both topics, so the wake-ups and
// results of one device stay in order. They may move into libs/events later.

export const CONNREQ_METHODS = ['http', 'udp', 'xmpp'] as const;
export type ConnreqMethod = (typeof CONNREQ_METHODS)[number];

const text = (max: number) => z.string().min(1).max(max);

/** What the service needs to reach one device; any part may be missing. */
export const deviceContactSchema = z.object({
  deviceId: text(256),
  /** TR-069 ManagementServer.ConnectionRequestURL/Username/Password (§3.2.2). */
  http: z
    .object({ url: text(2048), username: z.string().max(256), password: z.string().max(256) })
    .optional(),
  /** Annex G: UDPConnectionRequestAddress ("host:port") and the CR credentials that sign it. */
  udp: z
    .object({
      address: text(300).optional(),
      username: z.string().max(256),
      password: z.string().max(256),
      /** ManagementServer.NATDetected as the CPE last reported it (Annex G.2.2), for operators. */
      natDetected: z.boolean().optional(),
    })
    .optional(),
  /** Annex K: ConnReqJabberID and the CR credentials carried in the IQ. */
  xmpp: z
    .object({ jid: text(3071), username: z.string().max(256), password: z.string().max(256) })
    .optional(),
  /** The method that last led to an accepted request (preferred next time). */
  lastMethod: z.enum(CONNREQ_METHODS).optional(),
});
export type DeviceContact = z.infer<typeof deviceContactSchema>;

export const WAKEUP_SCHEMA_V1 = 'acs.connreq.wakeup/1';

export const wakeupCommandSchema = z.object({
  schema: z.literal(WAKEUP_SCHEMA_V1),
  deviceId: text(256),
  /** ISO-8601 time the wake-up was asked for. */
  requestedAt: z.iso.datetime(),
  /** Free text for operators ("task 42", "nbi"). */
  reason: z.string().max(256).optional(),
  /** Restricts the methods to try; default: every method the device supports. */
  methods: z.array(z.enum(CONNREQ_METHODS)).min(1).max(3).optional(),
  /** Contact data inline; else the DeviceContactDirectory is asked. */
  contact: deviceContactSchema.optional(),
  /** Give up when not accepted by then (ISO-8601). */
  expiresAt: z.iso.datetime().optional(),
});
export type WakeupCommand = z.infer<typeof wakeupCommandSchema>;

/**
 * accepted: the CPE answered 200/204 (HTTP) or an IQ result (XMPP).
 * sent: the UDP datagrams went out (UDP has no answer; the session's "6 CONNECTION REQUEST" is
 * the confirmation). busy: 503 / service-unavailable until retries ran out. auth-failed: 401 after
 * credentials / not-authorized (a device fault). denied: the address policy refused the target.
 * unreachable: refused, timed out, no route. no-method: nothing known to reach the device.
 * expired: `expiresAt` passed before it was accepted. error: anything else (detail says).
 */
export const ATTEMPT_OUTCOMES = [
  'accepted',
  'sent',
  'busy',
  'auth-failed',
  'denied',
  'unreachable',
  'error',
] as const;
export type AttemptOutcomeKind = (typeof ATTEMPT_OUTCOMES)[number];
export const RESULT_OUTCOMES = [...ATTEMPT_OUTCOMES, 'no-method', 'expired'] as const;
export type ResultOutcome = (typeof RESULT_OUTCOMES)[number];

export const RESULT_SCHEMA_V1 = 'acs.connreq.result/1';

export const attemptRecordSchema = z.object({
  method: z.enum(CONNREQ_METHODS),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  detail: z.string().max(512).optional(),
  at: z.iso.datetime(),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

export const connreqResultSchema = z.object({
  schema: z.literal(RESULT_SCHEMA_V1),
  deviceId: text(256),
  outcome: z.enum(RESULT_OUTCOMES),
  /** The method of the final attempt. */
  method: z.enum(CONNREQ_METHODS).optional(),
  attempts: z.array(attemptRecordSchema).max(64),
  /** Why, when no attempt says it (no-method, an internal failure before any attempt). */
  detail: z.string().max(512).optional(),
  /** Wake-ups for this device merged into this one while it was pending (0 = none). */
  coalesced: z.number().int().min(0),
  requestedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
});
export type ConnreqResult = z.infer<typeof connreqResultSchema>;

/** @throws ConnreqError Malformed with every problem listed. */
export function parseWakeupCommand(value: Buffer | string): WakeupCommand {
  return parseJson(wakeupCommandSchema, value, 'wake-up command');
}

export function parseConnreqResult(value: Buffer | string): ConnreqResult {
  return parseJson(connreqResultSchema, value, 'connection-request result');
}

function parseJson<S extends z.ZodType>(
  schema: S,
  value: Buffer | string,
  what: string,
): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (e) {
    throw new ConnreqError(ConnreqErrorCode.Malformed, `${what} is not JSON`, { cause: e });
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConnreqError(ConnreqErrorCode.Malformed, `${what}: ${issues.join('; ')}`);
}
