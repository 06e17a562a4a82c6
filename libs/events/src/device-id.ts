import { EventsError, EventsErrorCode } from './events.error';

export interface DeviceIdentity {
  readonly oui: string;
  readonly productClass?: string;
  readonly serialNumber: string;
}

const SAFE = /^[A-Za-z0-9_]*$/;

/**
 * Percent-escapes every character outside [A-Za-z0-9_] (and `-`, which separates the parts, so a
 * `-` inside a part is escaped too) as %XX of its UTF-8 bytes, the way GenieACS builds ids, so
 * `OUI-ProductClass-SerialNumber` splits unambiguously.
 */
export function escapeDeviceIdPart(part: string): string {
  if (SAFE.test(part)) return part;
  let out = '';
  for (const ch of part) {
    if (SAFE.test(ch)) out += ch;
    else
      for (const b of Buffer.from(ch, 'utf8'))
        out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The device id used as Kafka key, lock key and store `_id`: `OUI-ProductClass-SerialNumber`, or
 * `OUI-SerialNumber` when the CPE sends no ProductClass (TR-069 A.3.3.1 DeviceIdStruct).
 * @throws EventsError InvalidDeviceId when OUI or SerialNumber is empty.
 */
export function deriveDeviceId(id: DeviceIdentity): string {
  if (id.oui.length === 0 || id.serialNumber.length === 0)
    throw new EventsError(
      EventsErrorCode.InvalidDeviceId,
      'DeviceId needs an OUI and a SerialNumber',
    );
  const parts = [id.oui];
  if (id.productClass !== undefined && id.productClass.length > 0) parts.push(id.productClass);
  parts.push(id.serialNumber);
  return parts.map(escapeDeviceIdPart).join('-');
}

/** Splits a device id back into its parts (the inverse of {@link deriveDeviceId}). */
export function parseDeviceId(deviceId: string): DeviceIdentity {
  const parts = deviceId.split('-').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new EventsError(
        EventsErrorCode.InvalidDeviceId,
        `bad escape in ${JSON.stringify(deviceId)}`,
      );
    }
  });
  const [oui, a, b] = parts;
  if (oui === undefined || a === undefined || parts.length > 3 || oui === '' || a === '')
    throw new EventsError(
      EventsErrorCode.InvalidDeviceId,
      `not a device id: ${JSON.stringify(deviceId)}`,
    );
  return b === undefined ? { oui, serialNumber: a } : { oui, productClass: a, serialNumber: b };
}
