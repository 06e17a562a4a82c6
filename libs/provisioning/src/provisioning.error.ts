/** Why the provisioning service refused or could not do something. */
export enum ProvisioningErrorCode {
  /** An event that cannot be processed as it is (bad JSON, unknown schema, bad fields). Permanent. */
  InvalidEvent = 'PROVISIONING_INVALID_EVENT',
  /** The device document kept changing under us; the bus retries the event. Transient. */
  Contention = 'PROVISIONING_CONTENTION',
  /** A task id that does not exist (or belongs to another device). */
  TaskNotFound = 'PROVISIONING_TASK_NOT_FOUND',
  /** A task that does not validate, or a task id already used. */
  InvalidTask = 'PROVISIONING_INVALID_TASK',
  /** A task no longer pending (done, faulted, expired or cancelled) cannot be cancelled. */
  TaskNotPending = 'PROVISIONING_TASK_NOT_PENDING',
  /** A profile that does not validate. */
  InvalidProfile = 'PROVISIONING_INVALID_PROFILE',
  /** A device id the store does not know (it has never sent an Inform). */
  DeviceNotFound = 'PROVISIONING_DEVICE_NOT_FOUND',
  /** A tag that is not allowed (empty, too long, bad characters) or too many tags. */
  InvalidTags = 'PROVISIONING_INVALID_TAGS',
  /**
   * A CPE request of a session whose Inform is not applied yet (the topics are consumed
   * independently, so a TransferComplete can overtake its Inform). Transient: the bus retries.
   */
  NotReady = 'PROVISIONING_NOT_READY',
  /** A call with arguments that cannot work (e.g. a dead-letter replay selecting nothing). */
  InvalidArgument = 'PROVISIONING_INVALID_ARGUMENT',
  /** A stored document this code cannot read (written by something else). */
  CorruptDocument = 'PROVISIONING_CORRUPT_DOCUMENT',
}

const PERMANENT: ReadonlySet<ProvisioningErrorCode> = new Set([
  ProvisioningErrorCode.InvalidEvent,
  ProvisioningErrorCode.CorruptDocument,
]);

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';

  constructor(
    readonly code: ProvisioningErrorCode,
    message: string,
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Retrying cannot help: the consumer dead-letters such an event at once. */
  get permanent(): boolean {
    return PERMANENT.has(this.code);
  }

  static is(error: unknown, code?: ProvisioningErrorCode): error is ProvisioningError {
    return error instanceof ProvisioningError && (code === undefined || error.code === code);
  }
}
