import type { ManagementServerValues } from '../directory/management-server.params';

/**
 * What the ACS knows of one device's ManagementServer parameters: values read from the device,
 * and for the write-only ones (ConnectionRequestPassword, STUNPassword) the value the ACS last
 * set. Undefined for a device the ACS has no record of.
 */
export interface DeviceParameterSource {
  managementServer(deviceId: string): Promise<ManagementServerValues | undefined>;
}
