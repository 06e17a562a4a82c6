import type { ConnreqResult, DeviceContact } from '../schema/wakeup.schema';
import type { ConnreqStatus, DeviceContactDirectory } from '../ports/device-contact.port';
import { nextStatus } from './device-status.reducer';

/** In-process adapter (all-in-one mode and tests). */
export class InMemoryDeviceContactDirectory implements DeviceContactDirectory {
  private readonly contacts = new Map<string, DeviceContact>();
  private readonly statuses = new Map<string, ConnreqStatus>();

  get(deviceId: string): Promise<DeviceContact | undefined> {
    const c = this.contacts.get(deviceId);
    const last = this.statuses.get(deviceId)?.lastMethod;
    if (c === undefined) return Promise.resolve(undefined);
    return Promise.resolve(last === undefined ? c : { ...c, lastMethod: last });
  }

  put(contact: DeviceContact): Promise<void> {
    this.contacts.set(contact.deviceId, contact);
    return Promise.resolve();
  }

  recordResult(result: ConnreqResult): Promise<void> {
    this.statuses.set(result.deviceId, nextStatus(this.statuses.get(result.deviceId), result));
    return Promise.resolve();
  }

  status(deviceId: string): Promise<ConnreqStatus | undefined> {
    return Promise.resolve(this.statuses.get(deviceId));
  }
}
