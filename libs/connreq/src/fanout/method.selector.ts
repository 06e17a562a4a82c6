import type { ConnreqMethod, DeviceContact } from '../schema/wakeup.schema';
import type { StunBinding } from '../ports/binding-store.port';

export interface MethodChoiceInput {
  readonly contact: DeviceContact | undefined;
  readonly binding: StunBinding | undefined;
  /** The command's restriction, if any. */
  readonly requested?: readonly ConnreqMethod[];
  /** Methods this deployment can use (e.g. no XMPP server configured). */
  readonly available: ReadonlySet<ConnreqMethod>;
}

// Preference without history: XMPP reaches devices behind NAT through their own connection,
// then HTTP (a confirmed answer), then UDP (fire and forget). What worked last goes first.
const DEFAULT_ORDER: readonly ConnreqMethod[] = ['xmpp', 'http', 'udp'];

/** The methods to try, in order: only those the device supports and the deployment offers. */
export function chooseMethods(input: MethodChoiceInput): ConnreqMethod[] {
  const c = input.contact;
  const supported = (m: ConnreqMethod): boolean => {
    if (!input.available.has(m)) return false;
    if (input.requested !== undefined && !input.requested.includes(m)) return false;
    switch (m) {
      case 'http':
        return c?.http !== undefined;
      case 'udp':
        // Annex G needs the credentials and a target: the STUN binding or the reported address.
        return c?.udp !== undefined && (input.binding !== undefined || c.udp.address !== undefined);
      case 'xmpp':
        return c?.xmpp !== undefined;
    }
  };
  const last = c?.lastMethod;
  const order =
    last === undefined ? DEFAULT_ORDER : [last, ...DEFAULT_ORDER.filter((m) => m !== last)];
  return order.filter(supported);
}
