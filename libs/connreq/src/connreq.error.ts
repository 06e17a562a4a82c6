export enum ConnreqErrorCode {
  /** A caller passed a value the service cannot use (bad URL, bad CIDR, empty id). */
  InvalidArgument = 'CONNREQ_INVALID_ARGUMENT',
  /** A wake-up command or a datagram did not match its schema. */
  Malformed = 'CONNREQ_MALFORMED',
  /** A backing server (Redis, store) cannot be reached. */
  Unavailable = 'CONNREQ_UNAVAILABLE',
  /** The component was closed. */
  Closed = 'CONNREQ_CLOSED',
}

export class ConnreqError extends Error {
  constructor(
    readonly code: ConnreqErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnreqError';
  }
}
