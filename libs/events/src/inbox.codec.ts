import type { CpeMethodRequest } from '@acs/cwmp';
import { EventsError, EventsErrorCode } from './events.error';
import { decodeJson, encodeJson } from './json.codec';

/** W3C trace context carried from the producer of an inbox entry to the gateway. */
export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/**
 * One entry of a session's inbox (SessionRegistry.pushInbox), written by provisioning and read by
 * the gateway when the CPE sends an empty POST or answers the previous RPC.
 *
 * - `rpc`: send `request` (an ACS→CPE method) with cwmp:ID = `rpcId`; the CPE's answer is
 *   published on `acs.cwmp.rpc-results` under the same rpcId. `holdRequests` sets the
 *   cwmp:HoldRequests header (TR-069 A.3.1.1) so the CPE sends no requests of its own meanwhile.
 * - `done`: nothing more to send; the gateway answers 204 and ends the session.
 */
export type InboxEntry =
  | {
      readonly kind: 'rpc';
      readonly rpcId: string;
      readonly request: CpeMethodRequest;
      readonly holdRequests?: boolean;
      readonly trace?: TraceContext;
    }
  | { readonly kind: 'done' };

export function encodeInboxEntry(entry: InboxEntry): string {
  return encodeJson(entry);
}

/** @throws EventsError InvalidInboxEntry when the text is not a documented entry. */
export function decodeInboxEntry(text: string): InboxEntry {
  let raw: unknown;
  try {
    raw = decodeJson(text);
  } catch (e) {
    throw new EventsError(EventsErrorCode.InvalidInboxEntry, (e as Error).message);
  }
  const bad = (why: string): never => {
    throw new EventsError(EventsErrorCode.InvalidInboxEntry, why);
  };
  if (raw === null || typeof raw !== 'object') return bad('an inbox entry is a JSON object');
  const o = raw as Record<string, unknown>;
  if (o['kind'] === 'done') return { kind: 'done' };
  if (o['kind'] !== 'rpc') return bad(`unknown inbox entry kind ${JSON.stringify(o['kind'])}`);
  const rpcId = o['rpcId'];
  const request = o['request'];
  if (typeof rpcId !== 'string' || rpcId.length === 0 || rpcId.length > 256)
    return bad('rpc entry needs an rpcId of 1..256 characters');
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof (request as { type?: unknown }).type !== 'string'
  )
    return bad('rpc entry needs a request with a type');
  const hold = o['holdRequests'];
  if (hold !== undefined && typeof hold !== 'boolean') return bad('holdRequests must be a boolean');
  const trace = o['trace'];
  let traceContext: TraceContext | undefined;
  if (trace !== undefined) {
    const t = trace as Record<string, unknown>;
    if (typeof t['traceparent'] !== 'string') return bad('trace needs a traceparent');
    traceContext = {
      traceparent: t['traceparent'],
      ...(typeof t['tracestate'] === 'string' ? { tracestate: t['tracestate'] } : {}),
    };
  }
  return {
    kind: 'rpc',
    rpcId,
    // The gateway serializes it with @acs/cwmp, which rejects unknown types and bad values.
    request: request as CpeMethodRequest,
    ...(hold === undefined ? {} : { holdRequests: hold }),
    ...(traceContext === undefined ? {} : { trace: traceContext }),
  };
}
