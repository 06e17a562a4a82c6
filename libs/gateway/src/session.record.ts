import type { CpeMethodRequest, CwmpVersion } from '@acs/cwmp';

/**
 * Where a session stands between two HTTP requests (TR-069 3.7.2). Serialised into the session
 * record in the registry, so any gateway pod can take the next request.
 */
export type SessionState =
  /** InformResponse sent: the CPE may send its own requests, or an empty POST. */
  | { readonly phase: 'open' }
  /** An RPC from the inbox was sent; the CPE's next message should be its response or a fault. */
  | {
      readonly phase: 'awaiting-rpc-result';
      readonly rpcId: string;
      readonly requestType: CpeMethodRequest['type'];
    };

export interface SessionRecord {
  readonly v: 1;
  readonly sessionId: string;
  readonly deviceId: string;
  readonly cwmpVersion: CwmpVersion;
  /** The cwmp namespace every ACS envelope of the session uses. */
  readonly namespace: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  readonly state: SessionState;
  readonly rpcCount: number;
  /**
   * rpcIds already sent in this session (the latest {@link SENT_RPC_IDS_KEPT}): provisioning may
   * push an entry again after a redelivery, and the CPE must not get the RPC twice.
   */
  readonly sentRpcIds?: readonly string[];
  /** Sequence of CPE requests answered, for stable event ids. */
  readonly requestCount: number;
  /** W3C traceparent of the session (from the CPE request or new), put on every event. */
  readonly trace?: string;
}

export const SENT_RPC_IDS_KEPT = 64;

export function encodeRecord(r: SessionRecord): string {
  return JSON.stringify(r);
}

/** null for a record that is missing or not one this code wrote (treated as no session). */
export function decodeRecord(text: string | null): SessionRecord | null {
  if (text === null) return null;
  try {
    const r = JSON.parse(text) as Partial<SessionRecord>;
    if (r.v !== 1 || typeof r.sessionId !== 'string' || typeof r.deviceId !== 'string') return null;
    return r as SessionRecord;
  } catch {
    return null;
  }
}
