import type { ManagementServerValues } from '../directory/management-server.params';
import type { DeviceParameterSource } from '../ports/device-parameters.port';

/** In-process adapter (tests, and deployments that configure contacts by hand). */
export class InMemoryDeviceParameterSource implements DeviceParameterSource {
  private readonly byDevice = new Map<string, ManagementServerValues>();

  set(deviceId: string, values: ManagementServerValues): void {
    this.byDevice.set(deviceId, values);
  }

  managementServer(deviceId: string): Promise<ManagementServerValues | undefined> {
    return Promise.resolve(this.byDevice.get(deviceId));
  }
}
