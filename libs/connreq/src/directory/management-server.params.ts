import type { CwmpValue, ParameterValue } from '@acs/cwmp';
import { deviceContactSchema, type DeviceContact } from '../schema/wakeup.schema';
import type { StunCredential } from '../ports/device-contact.port';

// The ManagementServer parameters that say how to reach a device (TR-069 §3.2.2, Annex G, Annex
// K), under either root: `Device.` (TR-181) or `InternetGatewayDevice.` (TR-098).

export const MANAGEMENT_SERVER_PARAMS = [
  'ConnectionRequestURL',
  'ConnectionRequestUsername',
  'ConnectionRequestPassword',
  'UDPConnectionRequestAddress',
  'NATDetected',
  'STUNEnable',
  'STUNUsername',
  'STUNPassword',
  'ConnReqJabberID',
  'ConnReqAllowedJabberIDs',
] as const;
export type ManagementServerParam = (typeof MANAGEMENT_SERVER_PARAMS)[number];

/** Values as text, by short name (`ConnectionRequestURL`); absent = unknown. */
export type ManagementServerValues = Partial<Record<ManagementServerParam, string>>;

/** Write-only on the CPE (a read returns an empty string, TR-069 A.3.2.2): only the ACS knows them. */
export const WRITE_ONLY_PARAMS: ReadonlySet<ManagementServerParam> = new Set([
  'ConnectionRequestPassword',
  'STUNPassword',
]);

const ROOTS = ['Device.ManagementServer.', 'InternetGatewayDevice.ManagementServer.'] as const;
const KNOWN: ReadonlySet<string> = new Set(MANAGEMENT_SERVER_PARAMS);

/** A CWMP value as the text a CPE would show; bytes as base64. */
export function valueText(v: CwmpValue): string {
  switch (v.type) {
    case 'base64':
    case 'hexBinary':
      return Buffer.from(v.value).toString(v.type === 'base64' ? 'base64' : 'hex');
    case 'boolean':
      return v.value ? 'true' : 'false';
    default:
      return String(v.value);
  }
}

/** The ManagementServer names of an Inform's ParameterList (TR-069 A.3.3.1); others ignored. */
export function managementServerValues(params: readonly ParameterValue[]): ManagementServerValues {
  const out: ManagementServerValues = {};
  for (const p of params) {
    const root = ROOTS.find((r) => p.name.startsWith(r));
    if (root === undefined) continue;
    const name = p.name.slice(root.length);
    if (KNOWN.has(name)) out[name as ManagementServerParam] = valueText(p.value);
  }
  return out;
}

/**
 * Newer values over older ones. An empty value never hides a known write-only one: the CPE reads
 * passwords back as empty strings.
 */
export function mergeValues(
  older: ManagementServerValues,
  newer: ManagementServerValues,
): ManagementServerValues {
  const out: ManagementServerValues = { ...older };
  for (const name of MANAGEMENT_SERVER_PARAMS) {
    const v = newer[name];
    if (v === undefined) continue;
    if (v === '' && WRITE_ONLY_PARAMS.has(name)) continue;
    out[name] = v;
  }
  return out;
}

export interface DerivedContact {
  /** Undefined when nothing known reaches the device (or the data is unusable). */
  readonly contact: DeviceContact | undefined;
  /** The STUN credential by STUNUsername, when both STUNUsername and STUNPassword are known. */
  readonly stun: { readonly username: string; readonly credential: StunCredential } | undefined;
}

export interface DeriveOptions {
  /** The ACS's bare JID: XMPP is left out when ConnReqAllowedJabberIDs is set and omits it. */
  readonly acsJid?: string;
}

const present = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

/** The contact and STUN credential one device's ManagementServer values give. Pure. */
export function deriveContact(
  deviceId: string,
  v: ManagementServerValues,
  options: DeriveOptions = {},
): DerivedContact {
  // One set of credentials for every method: Annex G signs with, and Annex K carries, the
  // ConnectionRequestUsername/Password (G.2.1, K.2.2).
  const username = v.ConnectionRequestUsername ?? '';
  const password = v.ConnectionRequestPassword ?? '';
  const url = present(v.ConnectionRequestURL);
  const udpAddress = present(v.UDPConnectionRequestAddress);
  const jid = present(v.ConnReqJabberID);
  const stunUser = present(v.STUNUsername);
  const stunPassword = v.STUNPassword;
  const stunOn = v.STUNEnable === undefined || v.STUNEnable === 'true' || v.STUNEnable === '1';
  const stun =
    stunUser !== undefined && stunPassword !== undefined && stunOn
      ? {
          username: stunUser,
          credential: {
            deviceId,
            password: stunPassword,
            ...(udpAddress === undefined ? {} : { reportedAddress: udpAddress }),
          },
        }
      : undefined;
  const candidate: DeviceContact = {
    deviceId,
    ...(url === undefined ? {} : { http: { url, username, password } }),
    // UDP needs a target: the reported address, or the binding the STUN server learns.
    ...(udpAddress === undefined && stun === undefined
      ? {}
      : {
          udp: {
            ...(udpAddress === undefined ? {} : { address: udpAddress }),
            username,
            password,
            ...(v.NATDetected === undefined ? {} : { natDetected: v.NATDetected === 'true' }),
          },
        }),
    ...(jid === undefined || !jidAllowed(v.ConnReqAllowedJabberIDs, options.acsJid)
      ? {}
      : { xmpp: { jid, username, password } }),
  };
  if (candidate.http === undefined && candidate.udp === undefined && candidate.xmpp === undefined)
    return { contact: undefined, stun };
  const parsed = deviceContactSchema.safeParse(candidate);
  return { contact: parsed.success ? parsed.data : undefined, stun };
}

/**
 * Annex K.2.1: a non-empty ConnReqAllowedJabberIDs lists the only JIDs the CPE accepts requests
 * from (bare JIDs match any resource). Unknown ACS JID: assume allowed.
 */
export function jidAllowed(allowed: string | undefined, acsJid: string | undefined): boolean {
  if (allowed === undefined || acsJid === undefined) return true;
  const list = allowed
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (list.length === 0) return true;
  const full = acsJid.toLowerCase();
  const bare = full.split('/')[0] ?? full;
  return list.some((j) => j === full || j === bare);
}
