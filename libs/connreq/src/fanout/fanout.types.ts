import type { HttpConnectionRequestInput } from '../http/http-connreq.client';
import type { AttemptOutcome } from '../ports/attempt.outcome';
import type { ConnreqMethod, ConnreqResult } from '../schema/wakeup.schema';
import type { UdpConnectionRequestTask } from '../udp/udp-connreq.sender';
import type { XmppConnectionRequestInput } from '../xmpp/xmpp-connreq.types';
import type { BackoffPolicy } from './backoff';

/** One transport per method; a missing one means the deployment does not offer that method. */
export interface Requesters {
  readonly http?: { request(input: HttpConnectionRequestInput): Promise<AttemptOutcome> };
  readonly udp?: { request(task: UdpConnectionRequestTask): Promise<AttemptOutcome> };
  readonly xmpp?: { request(input: XmppConnectionRequestInput): Promise<AttemptOutcome> };
}

/** Where finished wake-ups go (the results topic). */
export interface ResultSink {
  publish(result: ConnreqResult): Promise<void>;
}

export interface FanoutLimits {
  /** Devices admitted (queued or running) at once; `submit` waits beyond it. Default 10,000. */
  readonly maxPending: number;
  /** Requests in flight at once. Default 1,000. */
  readonly concurrency: number;
  /** Requests started per second, all methods together. Default 5,000. */
  readonly ratePerSec: number;
  /** Token bucket size. Default = ratePerSec / 10 (at least 1). */
  readonly burst?: number;
  readonly retry: Readonly<Record<ConnreqMethod, BackoffPolicy>>;
}

export const DEFAULT_FANOUT_LIMITS: FanoutLimits = {
  maxPending: 10_000,
  concurrency: 1_000,
  ratePerSec: 5_000,
  retry: {
    // A busy CPE (503) usually frees up within seconds; wrong credentials are not retried.
    http: { maxAttempts: 3, baseMs: 1_000, maxMs: 10_000 },
    // Each UDP attempt already sends several copies; another attempt helps only a lost pinhole.
    udp: { maxAttempts: 1, baseMs: 1_000, maxMs: 5_000 },
    xmpp: { maxAttempts: 2, baseMs: 1_000, maxMs: 10_000 },
  },
};

export interface FanoutStats {
  submitted: number;
  coalesced: number;
  started: number;
  finished: number;
  attempts: number;
  pending: number;
  running: number;
  byOutcome: Record<string, number>;
  resultErrors: number;
}
