import { XmppWorkerHost, type XmppAccount } from '../xmpp/xmpp-worker.host';

export type ResponderBehaviour = 'accept' | 'service-unavailable' | 'not-authorized';

export interface ServedRequest {
  readonly from: string;
  readonly username: string;
  readonly outcome: string;
}

/**
 * A CPE's side of Annex K for tests and the simulator: logs in as the device's JID and answers
 * connectionRequest IQs, checking the CR credentials.
 */
export class XmppCpeResponder {
  private readonly host: XmppWorkerHost;
  readonly served: ServedRequest[] = [];

  constructor(
    account: XmppAccount,
    expect: { username: string; password: string },
    behaviour: ResponderBehaviour = 'accept',
  ) {
    this.host = new XmppWorkerHost(account, 'responder', { expect, behaviour });
    this.host.on((e) => {
      if (e.type === 'served')
        this.served.push({ from: e.from, username: e.username, outcome: e.outcome });
    });
  }

  waitOnline(timeoutMs = 10_000): Promise<void> {
    return this.host.waitOnline(timeoutMs);
  }

  setBehaviour(b: ResponderBehaviour): void {
    this.host.post({ op: 'behaviour', value: b });
  }

  close(): Promise<void> {
    return this.host.stop();
  }
}
