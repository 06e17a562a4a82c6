import { z } from 'zod';
import type {
  AcsMethodRequest,
  CpeMethodRequest,
  CpeMethodResponse,
  CwmpVersion,
  Fault,
  Inform,
} from '@acs/cwmp';
import { EventsError, EventsErrorCode } from './events.error';
import { decodeJson, encodeJson } from './json.codec';

/**
 * Versioned event schemas. Every event carries `schema` (name + version; a consumer that sees an
 * unknown one dead-letters it rather than guessing), `eventId` (stable per fact, for dedupe under
 * at-least-once delivery), `deviceId` (also the Kafka key), `sessionId` and `occurredAt`
 * (ISO-8601, ms, UTC). CWMP payloads are the typed `@acs/cwmp` messages as the codec parsed them;
 * their bigint and byte values survive through {@link encodeEvent} / {@link decodeEvent}.
 */
export const EVENT_SCHEMAS = {
  inform: 'cwmp.inform.v1',
  request: 'cwmp.request.v1',
  rpcResult: 'cwmp.rpc-result.v1',
  session: 'cwmp.session.v1',
} as const;

export type EventSchemaName = (typeof EVENT_SCHEMAS)[keyof typeof EVENT_SCHEMAS];

interface EventBase {
  readonly eventId: string;
  readonly deviceId: string;
  readonly sessionId: string;
  readonly occurredAt: string;
}

/** An Inform as received (topic `acs.cwmp.informs`). */
export interface InformEventV1 extends EventBase {
  readonly schema: 'cwmp.inform.v1';
  /** The CWMP version the session runs in (after UseCWMPVersion negotiation). */
  readonly cwmpVersion: CwmpVersion;
  readonly inform: Inform;
  /** The CPE's address as the gateway saw it (behind a proxy: the proxy's). */
  readonly remoteAddress?: string;
}

/** A CPE-originated request other than Inform (topic `acs.cwmp.requests`). */
export interface CpeRequestEventV1 extends EventBase {
  readonly schema: 'cwmp.request.v1';
  readonly request: Exclude<AcsMethodRequest, Inform> | { readonly type: 'GetRPCMethods' };
}

export type RpcOutcome =
  | { readonly kind: 'response'; readonly response: CpeMethodResponse }
  | { readonly kind: 'fault'; readonly fault: Fault };

/** The CPE's answer to an RPC the ACS sent from the inbox (topic `acs.cwmp.rpc-results`). */
export interface RpcResultEventV1 extends EventBase {
  readonly schema: 'cwmp.rpc-result.v1';
  /** The inbox entry's rpcId (= the cwmp:ID the request was sent with). */
  readonly rpcId: string;
  readonly requestType: CpeMethodRequest['type'];
  readonly outcome: RpcOutcome;
}

export type SessionEndReason =
  /** The ACS answered 204 after provisioning said `done` (or mode `none`). */
  | 'completed'
  /** Provisioning pushed nothing within the configured inbox wait. */
  | 'inbox-timeout'
  /** The CPE stopped talking; the idle timeout elapsed. */
  | 'idle-timeout'
  /** The same CPE started a new session (new Inform carrying the old session's cookie). */
  | 'superseded';

/** Session lifecycle (topic `acs.cwmp.sessions`). */
export type SessionEventV1 = EventBase & { readonly schema: 'cwmp.session.v1' } & (
    | { readonly kind: 'started'; readonly events: readonly string[] }
    | { readonly kind: 'ended'; readonly reason: SessionEndReason; readonly rpcCount: number }
  );

export type CwmpEvent = InformEventV1 | CpeRequestEventV1 | RpcResultEventV1 | SessionEventV1;

const base = {
  eventId: z.string().min(1),
  deviceId: z.string().min(1),
  sessionId: z.string().min(1),
  occurredAt: z.iso.datetime(),
};
// CWMP bodies come from (and are re-checked by) the @acs/cwmp codec; here only their shape and
// discriminant are checked, so a schema change in the codec does not need a new event version.
const message = z.looseObject({ type: z.string().min(1) });

const validators = {
  'cwmp.inform.v1': z.looseObject({
    ...base,
    schema: z.literal('cwmp.inform.v1'),
    cwmpVersion: z.enum(['1.0', '1.1', '1.2', '1.3', '1.4']),
    inform: z.looseObject({
      type: z.literal('Inform'),
      deviceId: z.looseObject({ oui: z.string(), serialNumber: z.string() }),
      event: z.array(z.looseObject({ eventCode: z.string() })),
      parameterList: z.array(z.looseObject({ name: z.string() })),
    }),
    remoteAddress: z.string().optional(),
  }),
  'cwmp.request.v1': z.looseObject({
    ...base,
    schema: z.literal('cwmp.request.v1'),
    request: message,
  }),
  'cwmp.rpc-result.v1': z.looseObject({
    ...base,
    schema: z.literal('cwmp.rpc-result.v1'),
    rpcId: z.string().min(1),
    requestType: z.string().min(1),
    outcome: z.union([
      z.looseObject({ kind: z.literal('response'), response: message }),
      z.looseObject({ kind: z.literal('fault'), fault: message }),
    ]),
  }),
  'cwmp.session.v1': z.union([
    z.looseObject({
      ...base,
      schema: z.literal('cwmp.session.v1'),
      kind: z.literal('started'),
      events: z.array(z.string()),
    }),
    z.looseObject({
      ...base,
      schema: z.literal('cwmp.session.v1'),
      kind: z.literal('ended'),
      reason: z.enum(['completed', 'inbox-timeout', 'idle-timeout', 'superseded']),
      rpcCount: z.number().int().min(0),
    }),
  ]),
} satisfies Record<EventSchemaName, z.ZodType>;

/** The event as the bytes of a Kafka value (bigint/bytes-lossless JSON). */
export function encodeEvent(event: CwmpEvent): Buffer {
  return Buffer.from(encodeJson(event), 'utf8');
}

/**
 * Parses and validates an event value.
 * @throws EventsError UnknownSchema for a schema this code does not know, InvalidEvent otherwise.
 */
export function decodeEvent(value: Buffer | Uint8Array | string): CwmpEvent {
  const raw = decodeJson(value);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new EventsError(EventsErrorCode.InvalidEvent, 'an event is a JSON object');
  const schema = (raw as { schema?: unknown }).schema;
  if (typeof schema !== 'string' || !Object.hasOwn(validators, schema))
    throw new EventsError(
      EventsErrorCode.UnknownSchema,
      `unknown event schema ${JSON.stringify(schema)}`,
    );
  const result = validators[schema as EventSchemaName].safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new EventsError(EventsErrorCode.InvalidEvent, `${schema}: ${issues}`);
  }
  // The validator checked the envelope fields; the CWMP bodies are the codec's typed messages.
  return raw as CwmpEvent;
}
