export enum BusErrorCode {
  /** The broker cannot be reached or did not acknowledge in time. */
  Unavailable = 'BUS_UNAVAILABLE',
  /** A caller passed something the bus cannot accept (empty topic, bad key). */
  InvalidArgument = 'BUS_INVALID_ARGUMENT',
  /** The bus was closed. */
  Closed = 'BUS_CLOSED',
}

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BusError';
  }
}
