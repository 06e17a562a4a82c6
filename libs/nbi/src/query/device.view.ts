import type { DeviceState } from '@acs/domain';
import type { DeviceDocument } from '@acs/provisioning';
import { Device } from '@acs/proto';
import { NbiError } from '../nbi.error';
import { parametersOf, toTimestamp } from '../nbi.convert';

/** Device message fields by their proto (snake_case) name, as a read_mask names them. */
const FIELDS = {
  id: 'id',
  oui: 'oui',
  product_class: 'productClass',
  serial_number: 'serialNumber',
  manufacturer: 'manufacturer',
  software_version: 'softwareVersion',
  hardware_version: 'hardwareVersion',
  provisioning_code: 'provisioningCode',
  tags: 'tags',
  last_inform: 'lastInform',
  last_boot: 'lastBoot',
  last_bootstrap: 'lastBootstrap',
  last_events: 'lastEvents',
  root: 'root',
  parameters: 'parameters',
  fault_count: 'faultCount',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
} as const satisfies Record<string, keyof Device>;

export type DeviceField = (typeof FIELDS)[keyof typeof FIELDS];

/** The fields a read mask selects (validated); no mask: all. @throws NbiError naming the path */
export function maskFields(mask: readonly string[] | undefined, field: string): Set<DeviceField> {
  if (mask === undefined || mask.length === 0) return new Set(Object.values(FIELDS));
  const out = new Set<DeviceField>();
  mask.forEach((p, i) => {
    // Accept the JSON (lowerCamel) spelling too, as grpcurl users write it.
    const f =
      (FIELDS as Record<string, DeviceField | undefined>)[p] ??
      Object.values(FIELDS).find((v) => v === p);
    if (f === undefined)
      throw NbiError.invalid(
        `${field}.${i}`,
        `unknown Device field "${p}" (one of ${Object.keys(FIELDS).join(', ')})`,
      );
    out.add(f);
  });
  return out;
}

export function deviceToProto(
  doc: DeviceDocument,
  state: DeviceState,
  fields: ReadonlySet<DeviceField>,
  parameterPaths: readonly string[],
): Device {
  const full: Device = {
    id: doc._id,
    oui: state.facts.oui,
    productClass: state.facts.productClass,
    serialNumber: state.facts.serialNumber,
    manufacturer: state.facts.manufacturer,
    softwareVersion: state.softwareVersion ?? '',
    hardwareVersion: state.hardwareVersion ?? '',
    provisioningCode: state.provisioningCode ?? '',
    tags: [...state.tags],
    lastInform: toTimestamp(state.lastInform),
    lastBoot: toTimestamp(state.lastBoot),
    lastBootstrap: toTimestamp(state.lastBootstrap),
    lastEvents: [...state.lastEvents],
    root: state.root ?? '',
    parameters: fields.has('parameters') ? parametersOf(state, parameterPaths) : [],
    faultCount: Object.keys(state.faults).length,
    createdAt: toTimestamp(doc.createdAt),
    updatedAt: toTimestamp(doc.updatedAt),
  };
  if (fields.size === Object.keys(FIELDS).length) return full;
  // Unselected fields keep their proto default (not sent on the wire).
  const out = Device.fromPartial({});
  for (const f of fields) (out as unknown as Record<string, unknown>)[f] = full[f];
  return out;
}
