export enum SessionsErrorCode {
  /** The registry's backing server cannot be reached. */
  Unavailable = 'SESSIONS_UNAVAILABLE',
  /** A caller passed an argument the registry cannot accept (empty id, bad TTL). */
  InvalidArgument = 'SESSIONS_INVALID_ARGUMENT',
  /** The registry was closed. */
  Closed = 'SESSIONS_CLOSED',
}

export class SessionsError extends Error {
  constructor(
    readonly code: SessionsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionsError';
  }
}
