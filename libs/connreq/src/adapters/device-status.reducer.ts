import type { ConnreqResult } from '../schema/wakeup.schema';
import type { ConnreqStatus } from '../ports/device-contact.port';

/** The per-device status after a result: last good method kept, credential fault set or cleared. */
export function nextStatus(prev: ConnreqStatus | undefined, r: ConnreqResult): ConnreqStatus {
  const good = r.outcome === 'accepted' || r.outcome === 'sent' ? r.method : undefined;
  const lastMethod = good ?? prev?.lastMethod;
  const authFail = r.attempts.find((a) => a.outcome === 'auth-failed');
  const credentialsFault =
    authFail !== undefined
      ? { method: authFail.method, at: authFail.at }
      : r.outcome === 'accepted'
        ? undefined
        : prev?.credentialsFault;
  return {
    deviceId: r.deviceId,
    lastResult: r,
    ...(lastMethod === undefined ? {} : { lastMethod }),
    ...(credentialsFault === undefined ? {} : { credentialsFault }),
  };
}
