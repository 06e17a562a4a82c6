/** Why an event, inbox entry or device id could not be encoded or decoded. */
export enum EventsErrorCode {
  /** Not JSON, or JSON that does not match the declared schema. */
  InvalidEvent = 'InvalidEvent',
  /** The `schema` field names a schema (or version) this code does not know. */
  UnknownSchema = 'UnknownSchema',
  /** A session-inbox entry that is not one of the documented kinds. */
  InvalidInboxEntry = 'InvalidInboxEntry',
  /** Device identity fields that cannot form a device id (e.g. empty OUI or serial number). */
  InvalidDeviceId = 'InvalidDeviceId',
}

export class EventsError extends Error {
  override readonly name = 'EventsError';

  constructor(
    readonly code: EventsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
