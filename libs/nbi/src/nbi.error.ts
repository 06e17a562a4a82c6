/** Why the API refused or could not serve a call; each code has one gRPC status (grpc-status.mapper). */
export enum NbiErrorCode {
  /** A request field is missing or malformed (the error names it). */
  InvalidArgument = 'NBI_INVALID_ARGUMENT',
  /** The filter expression does not parse (the error gives the position). */
  InvalidFilter = 'NBI_INVALID_FILTER',
  /** A page token that this server did not issue, or for another query. */
  InvalidPageToken = 'NBI_INVALID_PAGE_TOKEN',
  NotFound = 'NBI_NOT_FOUND',
  AlreadyExists = 'NBI_ALREADY_EXISTS',
  /** The object is not in a state that allows the call (a task no longer pending…). */
  FailedPrecondition = 'NBI_FAILED_PRECONDITION',
  /** No credential, or one that is unknown, revoked, expired or badly signed. */
  Unauthenticated = 'NBI_UNAUTHENTICATED',
  /** The caller's role does not allow the method. */
  PermissionDenied = 'NBI_PERMISSION_DENIED',
  /** The call's deadline passed before the device answered. */
  DeadlineExceeded = 'NBI_DEADLINE_EXCEEDED',
  /** The client cancelled the call. */
  Cancelled = 'NBI_CANCELLED',
  /** A dependency (store, bus) cannot be reached; retrying later may work. */
  Unavailable = 'NBI_UNAVAILABLE',
  /** Concurrent writers kept changing the object; retrying may work. */
  Aborted = 'NBI_ABORTED',
}

export interface NbiErrorDetails {
  /** Request field at fault, dotted (`values.0.path`). */
  readonly field?: string;
  /** Every validation problem, `field: message`. */
  readonly issues?: readonly string[];
  /** Filter syntax errors: 0-based offset in the expression. */
  readonly position?: number;
  /** Overrides the reason derived from the code (e.g. the wrapped library's code). */
  readonly reason?: string;
}

export class NbiError extends Error {
  override readonly name = 'NbiError';

  constructor(
    readonly code: NbiErrorCode,
    message: string,
    readonly details: NbiErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(error: unknown, code?: NbiErrorCode): error is NbiError {
    return error instanceof NbiError && (code === undefined || error.code === code);
  }

  static invalid(field: string, message: string, issues?: readonly string[]): NbiError {
    return new NbiError(NbiErrorCode.InvalidArgument, `${field}: ${message}`, {
      field,
      ...(issues === undefined ? {} : { issues }),
    });
  }

  static notFound(what: string): NbiError {
    return new NbiError(NbiErrorCode.NotFound, `${what} not found`);
  }
}
