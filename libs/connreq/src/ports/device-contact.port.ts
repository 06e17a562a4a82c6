import type { ConnreqMethod, ConnreqResult, DeviceContact } from '../schema/wakeup.schema';
import type { DeviceParameterSource } from './device-parameters.port';

/** Per-device connection-request status, visible per device (last result, last good method). */
export interface ConnreqStatus {
  readonly deviceId: string;
  readonly lastResult: ConnreqResult;
  readonly lastMethod?: ConnreqMethod;
  /** Set when the CPE refused the credentials (TR-069 §3.2.2: 401 after credentials). */
  readonly credentialsFault?: { readonly method: ConnreqMethod; readonly at: string };
}

/**
 * What the service knows about reaching each device. Filled by the ContactRecorder from Informs
 * and the provisioning device documents (ConnectionRequestURL, UDPConnectionRequestAddress,
 * ConnReqJabberID and the credentials the ACS set); read by the fan-out; updated with each result.
 */
export interface DeviceContactDirectory {
  get(deviceId: string): Promise<DeviceContact | undefined>;
  put(contact: DeviceContact): Promise<void>;
  /** Records a finished wake-up: last result, last good method, credential faults. */
  recordResult(result: ConnreqResult): Promise<void>;
  status(deviceId: string): Promise<ConnreqStatus | undefined>;
  /**
   * The stored device parameters next to this directory (the store adapter reads the provisioning
   * device documents of the same database), used by the ContactRecorder when none is given.
   */
  readonly parameters?: DeviceParameterSource;
}

/** The STUN credentials of a device (TR-069 ManagementServer.STUNUsername/STUNPassword). */
export interface StunCredential {
  readonly deviceId: string;
  readonly password: string;
  /** The CPE's reported UDPConnectionRequestAddress ("host:port"), for NAT detection. */
  readonly reportedAddress?: string;
}

export interface StunCredentialLookup {
  /** By STUNUsername. */
  lookup(username: string): Promise<StunCredential | undefined>;
}

/** STUN credentials the contact recorder keeps up to date (both adapters implement it). */
export interface StunCredentialStore extends StunCredentialLookup {
  set(username: string, credential: StunCredential): void | Promise<void>;
}
