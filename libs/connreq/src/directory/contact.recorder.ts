import type { DeviceContact } from '../schema/wakeup.schema';
import type { DeviceContactDirectory, StunCredentialStore } from '../ports/device-contact.port';
import type { DeviceParameterSource } from '../ports/device-parameters.port';
import {
  deriveContact,
  mergeValues,
  type ManagementServerValues,
} from './management-server.params';

export interface ContactRecorderDeps {
  readonly directory: DeviceContactDirectory;
  /** Where STUNUsername → device + STUNPassword go, for the STUN server's 401 challenge. */
  readonly stunCredentials?: StunCredentialStore;
  /** What the ACS knows beyond the Inform (values read earlier, the passwords it set). */
  readonly parameters?: DeviceParameterSource;
  /** The ACS's own JID, checked against ConnReqAllowedJabberIDs (Annex K.2.1). */
  readonly acsJid?: string;
}

export interface ContactRecorderStats {
  /** Contacts or STUN credentials written. */
  recorded: number;
  /** Refreshes that changed nothing (no write). */
  unchanged: number;
  /** Refreshes for devices nothing is known to reach them by. */
  empty: number;
}

export type RefreshOutcome = 'recorded' | 'unchanged' | 'empty';

/**
 * Keeps the contact directory and the STUN credentials in step with what devices report, so a
 * wake-up needs only the device id. `refresh` merges the Inform's ManagementServer values (newest)
 * over what the ACS stored, and writes only when something changed. Per Inform it reads the stored
 * values, then the directory entry (if the device is reachable) and the STUN credential (if it
 * uses STUN) to compare with them: up to three reads, and no write when nothing changed.
 */
export class ContactRecorder {
  readonly stats: ContactRecorderStats = { recorded: 0, unchanged: 0, empty: 0 };

  constructor(private readonly deps: ContactRecorderDeps) {}

  async refresh(deviceId: string, reported: ManagementServerValues = {}): Promise<RefreshOutcome> {
    const stored = (await this.deps.parameters?.managementServer(deviceId)) ?? {};
    const derived = deriveContact(deviceId, mergeValues(stored, reported), {
      ...(this.deps.acsJid === undefined ? {} : { acsJid: this.deps.acsJid }),
    });
    let wrote = false;
    if (derived.contact !== undefined) {
      const prev = await this.deps.directory.get(deviceId);
      if (prev === undefined || !sameContact(prev, derived.contact)) {
        await this.deps.directory.put(derived.contact);
        wrote = true;
      }
    }
    const store = this.deps.stunCredentials;
    if (derived.stun !== undefined && store !== undefined) {
      const { username, credential } = derived.stun;
      const prev = await store.lookup(username);
      if (
        prev?.deviceId !== credential.deviceId ||
        prev.password !== credential.password ||
        prev.reportedAddress !== credential.reportedAddress
      ) {
        await store.set(username, credential);
        wrote = true;
      }
    }
    if (derived.contact === undefined && derived.stun === undefined) {
      this.stats.empty++;
      return 'empty';
    }
    if (wrote) this.stats.recorded++;
    else this.stats.unchanged++;
    return wrote ? 'recorded' : 'unchanged';
  }
}

/** Equal apart from `lastMethod` (the directory adds it from the status, not the contact). */
function sameContact(a: DeviceContact, b: DeviceContact): boolean {
  const strip = ({ lastMethod: _ignored, ...rest }: DeviceContact) => rest;
  return canonical(strip(a)) === canonical(strip(b));
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}
