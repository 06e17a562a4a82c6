import type { AttemptOutcome } from '../ports/attempt.outcome';
import type { XmppConnectionRequestInput } from './xmpp-connreq.types';
import { XmppWorkerHost, type XmppAccount, type WorkerEvent } from './xmpp-worker.host';

export interface XmppConnectionRequesterOptions extends XmppAccount {
  /** Wait for the CPE's IQ result. Default 10 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * XMPP connection request (TR-069 Annex K): the ACS keeps one client connection to the operator's
 * XMPP server and sends `<iq type="get">` with `<connectionRequest>` (username/password) to the
 * device's ConnReqJabberID. result = accepted; not-authorized = wrong credentials;
 * service-unavailable = busy (K.2.2); the IQ timing out or the JID being unknown/offline =
 * unreachable. The connection reconnects by itself (@xmpp/reconnect).
 */
export class XmppConnectionRequester {
  private readonly host: XmppWorkerHost;
  private readonly pending = new Map<number, (o: AttemptOutcome) => void>();
  private nextId = 1;
  private readonly timeoutMs: number;

  constructor(options: XmppConnectionRequesterOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.host = new XmppWorkerHost(options, 'caller');
    this.host.on((e) => this.onEvent(e));
  }

  get status(): string {
    return this.host.status;
  }

  waitOnline(timeoutMs = 10_000): Promise<void> {
    return this.host.waitOnline(timeoutMs);
  }

  request(input: XmppConnectionRequestInput): Promise<AttemptOutcome> {
    if (this.host.status !== 'online')
      return Promise.resolve({ kind: 'unreachable', detail: `XMPP client ${this.host.status}` });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.host.post({ op: 'request', id, ...input, timeoutMs: this.timeoutMs });
    });
  }

  async close(): Promise<void> {
    for (const [, resolve] of this.pending)
      resolve({ kind: 'error', detail: 'XMPP client closed' });
    this.pending.clear();
    await this.host.stop();
  }

  private onEvent(e: WorkerEvent): void {
    if (e.type !== 'reply') return;
    const resolve = this.pending.get(e.id);
    if (resolve === undefined) return;
    this.pending.delete(e.id);
    resolve(
      e.ok
        ? { kind: 'accepted', detail: 'IQ result' }
        : classifyXmppError(e.condition, e.name, e.message),
    );
  }
}

/** Stanza error condition (RFC 6120 §8.3.3) → attempt outcome. */
export function classifyXmppError(
  condition?: string,
  name?: string,
  message?: string,
): AttemptOutcome {
  if (name === 'TimeoutError') return { kind: 'unreachable', detail: 'IQ timed out' };
  switch (condition) {
    case 'not-authorized':
    case 'forbidden':
      return { kind: 'auth-failed', detail: condition };
    case 'service-unavailable':
    case 'resource-constraint':
      return { kind: 'busy', detail: condition };
    case 'recipient-unavailable':
    case 'item-not-found':
    case 'remote-server-not-found':
    case 'remote-server-timeout':
    case 'jid-malformed':
      return { kind: 'unreachable', detail: condition };
    default:
      return { kind: 'error', detail: condition ?? message ?? 'XMPP error' };
  }
}
