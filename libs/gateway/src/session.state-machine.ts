import type { CwmpEnvelope, CwmpMessage, Fault, Inform } from '@acs/cwmp';
import type { CpeRequestEventV1, RpcOutcome } from '@acs/events';
import type { SessionRecord } from './session.record';

/** One CPE HTTP request, after the body was read and parsed. */
export type ParsedRequest =
  | { readonly kind: 'empty' }
  | { readonly kind: 'message'; readonly envelope: CwmpEnvelope }
  /** A well-formed envelope whose body method this ACS does not know (→ fault 8000). */
  | { readonly kind: 'unknown-method'; readonly method: string; readonly id?: string }
  /** A known method with bad arguments (→ fault 8003 inside a session). */
  | { readonly kind: 'invalid-message'; readonly reason: string; readonly id?: string }
  /** Not a CWMP envelope at all (bad XML, DOCTYPE, limits) (→ 400). */
  | { readonly kind: 'malformed'; readonly reason: string };

export type CpeRequest = CpeRequestEventV1['request'];

/** What the gateway must do with a request, decided from the session record alone. */
export type Step =
  | { readonly action: 'start'; readonly inform: Inform; readonly envelope: CwmpEnvelope }
  | { readonly action: 'reject'; readonly status: 400; readonly reason: string }
  | {
      readonly action: 'fault';
      readonly code: 8000 | 8003;
      readonly id?: string;
      readonly reason: string;
    }
  | { readonly action: 'answer-request'; readonly request: CpeRequest; readonly id?: string }
  | { readonly action: 'rpc-result'; readonly rpcId: string; readonly outcome: RpcOutcome }
  | { readonly action: 'next-rpc' };

const CPE_REQUEST_TYPES = new Set<string>([
  'TransferComplete',
  'AutonomousTransferComplete',
  'GetRPCMethods',
  'RequestDownload',
  'Kicked',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
]);

function isCpeRequest(m: CwmpMessage): m is CpeRequest {
  return CPE_REQUEST_TYPES.has(m.type);
}

/**
 * The session state machine (TR-069 3.7.2 and A.3): a pure function of the stored record (null =
 * no session) and the parsed request. The caller performs the step's side effects.
 */
export function nextStep(record: SessionRecord | null, req: ParsedRequest): Step {
  if (req.kind === 'malformed') return { action: 'reject', status: 400, reason: req.reason };
  if (req.kind === 'message' && req.envelope.body.type === 'Inform') {
    // A new Inform always starts a session; one carrying the cookie of a live session of the same
    // device supersedes it (the CPE gave that session up, TR-069 3.7.1.5 retry).
    return { action: 'start', inform: req.envelope.body, envelope: req.envelope };
  }
  // TR-069 3.7.2.1: the first message of a session must be an Inform.
  if (record === null)
    return {
      action: 'reject',
      status: 400,
      reason: 'no session: the first request must be an Inform',
    };

  switch (req.kind) {
    case 'empty':
      return { action: 'next-rpc' };
    case 'unknown-method':
      // TR-069 A.5.1: 8000 Method not supported.
      return fault(8000, `method ${req.method} not supported`, req.id);
    case 'invalid-message':
      return fault(8003, req.reason, req.id);
    case 'message':
      break;
  }
  const env = req.envelope;
  const body = env.body;
  if (isCpeRequest(body))
    return { action: 'answer-request', request: body, ...idOf(env.header.id) };

  const state = record.state;
  if (body.type === 'Fault') {
    if (state.phase !== 'awaiting-rpc-result')
      return { action: 'reject', status: 400, reason: 'fault without an outstanding RPC' };
    return {
      action: 'rpc-result',
      rpcId: state.rpcId,
      outcome: { kind: 'fault', fault: body satisfies Fault },
    };
  }
  if (body.type.endsWith('Response')) {
    if (state.phase !== 'awaiting-rpc-result')
      return { action: 'reject', status: 400, reason: `${body.type} without an outstanding RPC` };
    if (body.type !== `${state.requestType}Response`)
      return {
        action: 'reject',
        status: 400,
        reason: `${body.type} does not answer ${state.requestType}`,
      };
    // The codec's response union; the suffix check above ties it to the request that was sent.
    return {
      action: 'rpc-result',
      rpcId: state.rpcId,
      outcome: {
        kind: 'response',
        response: body as Extract<RpcOutcome, { kind: 'response' }>['response'],
      },
    };
  }
  // An ACS→CPE method sent by the CPE (e.g. Reboot): not something the ACS implements.
  return fault(8000, `method ${body.type} not supported by the ACS`, env.header.id);
}

function fault(code: 8000 | 8003, reason: string, id: string | undefined): Step {
  return { action: 'fault', code, reason, ...idOf(id) };
}

function idOf(id: string | undefined): { id?: string } {
  return id === undefined ? {} : { id };
}
