import { escapePathKey } from '@acs/domain';
import type { DocumentRepository, DocumentStore } from '@acs/store';
import {
  MANAGEMENT_SERVER_PARAMS,
  WRITE_ONLY_PARAMS,
  type ManagementServerValues,
} from '../directory/management-server.params';
import type { DeviceParameterSource } from '../ports/device-parameters.port';

// The part of the provisioning service's device document (libs/provisioning/src/device.document.ts,
// collection `devices`, `_id` = device id) read here: the DeviceState's `nodes` map, keyed by
// escaped paths, with CWMP values stored as JSON (longs as decimal text, bytes as base64). Read
// as a shape rather than through @acs/provisioning, which would make a dependency cycle (its test
// helpers use the simulator, which uses this lib).
interface StoredValue {
  readonly type?: unknown;
  readonly value?: unknown;
}
interface StoredParameterNode {
  readonly kind?: unknown;
  readonly value?: StoredValue;
  readonly valueReadAt?: unknown;
  readonly lastSet?: { readonly value?: StoredValue; readonly at?: unknown };
}
interface StoredDeviceDocument {
  readonly _id: string;
  readonly state?: {
    readonly root?: unknown;
    readonly nodes?: Readonly<Record<string, StoredParameterNode | undefined>>;
  };
}

export const DEVICES_COLLECTION = 'devices';

/**
 * Reads the provisioning service's device documents of the same database: the values read from
 * the device, and for the write-only passwords the value provisioning last set (a profile or task
 * setting ConnectionRequestPassword / STUNPassword is how the ACS knows it).
 */
export class StoreDeviceParameterSource implements DeviceParameterSource {
  private constructor(private readonly devices: DocumentRepository<StoredDeviceDocument>) {}

  static async open(
    store: DocumentStore,
    collection = DEVICES_COLLECTION,
  ): Promise<StoreDeviceParameterSource> {
    return new StoreDeviceParameterSource(await store.collection<StoredDeviceDocument>(collection));
  }

  async managementServer(deviceId: string): Promise<ManagementServerValues | undefined> {
    const doc = await this.devices.findById(deviceId);
    if (doc === undefined) return undefined;
    const nodes = doc.state?.nodes ?? {};
    const root = doc.state?.root;
    const out: ManagementServerValues = {};
    for (const r of typeof root === 'string' ? [root] : ['Device.', 'InternetGatewayDevice.'])
      for (const name of MANAGEMENT_SERVER_PARAMS) {
        const node = nodes[escapePathKey(`${r}ManagementServer.${name}`)];
        if (node?.kind !== 'parameter') continue;
        // A read password is an empty string (TR-069 A.3.2.2): only what the ACS set counts.
        const v = WRITE_ONLY_PARAMS.has(name) ? text(node.lastSet?.value) : newest(node);
        if (v !== undefined) out[name] = v;
      }
    return out;
  }
}

function text(v: StoredValue | undefined): string | undefined {
  const x = v?.value;
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'
    ? String(x)
    : undefined;
}

/** The value read or the value set, whichever is newer. */
function newest(node: StoredParameterNode): string | undefined {
  const read = text(node.value);
  const set = text(node.lastSet?.value);
  if (set === undefined) return read;
  const readAt = typeof node.valueReadAt === 'number' ? node.valueReadAt : undefined;
  const setAt = typeof node.lastSet?.at === 'number' ? node.lastSet.at : undefined;
  if (read === undefined || readAt === undefined) return set;
  return setAt !== undefined && setAt > readAt ? set : read;
}
