import type { DocumentRepository, DocumentStore } from '@acs/store';
import type { ConnreqResult, DeviceContact } from '../schema/wakeup.schema';
import type { ConnreqStatus, DeviceContactDirectory } from '../ports/device-contact.port';
import type { DeviceParameterSource } from '../ports/device-parameters.port';
import { StoreDeviceParameterSource } from './device-parameters.store';
import { nextStatus } from './device-status.reducer';

interface ContactDoc {
  readonly _id: string;
  readonly contact: DeviceContact;
}

interface StatusDoc {
  readonly _id: string;
  readonly status: ConnreqStatus;
}

/** Store adapter (MongoDB or embedded SQLite through @acs/store): two collections. */
export class StoreDeviceContactDirectory implements DeviceContactDirectory {
  private constructor(
    private readonly contacts: DocumentRepository<ContactDoc>,
    private readonly statuses: DocumentRepository<StatusDoc>,
    readonly parameters: DeviceParameterSource,
  ) {}

  static async open(
    store: DocumentStore,
    prefix = 'connreq_',
  ): Promise<StoreDeviceContactDirectory> {
    return new StoreDeviceContactDirectory(
      await store.collection<ContactDoc>(`${prefix}contacts`),
      await store.collection<StatusDoc>(`${prefix}status`),
      await StoreDeviceParameterSource.open(store),
    );
  }

  async get(deviceId: string): Promise<DeviceContact | undefined> {
    const [c, s] = await Promise.all([
      this.contacts.findById(deviceId),
      this.statuses.findById(deviceId),
    ]);
    if (c === undefined) return undefined;
    const last = s?.status.lastMethod;
    return last === undefined ? c.contact : { ...c.contact, lastMethod: last };
  }

  async put(contact: DeviceContact): Promise<void> {
    await this.contacts.upsert({ _id: contact.deviceId, contact });
  }

  // One writer per device at a time (the fan-out runs one request per device), so a plain
  // read-then-upsert cannot lose a concurrent result of the same device.
  async recordResult(result: ConnreqResult): Promise<void> {
    const prev = await this.statuses.findById(result.deviceId);
    await this.statuses.upsert({ _id: result.deviceId, status: nextStatus(prev?.status, result) });
  }

  async status(deviceId: string): Promise<ConnreqStatus | undefined> {
    return (await this.statuses.findById(deviceId))?.status;
  }
}
