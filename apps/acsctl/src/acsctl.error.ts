import { ExitCode } from './cli.exit-codes';

export enum AcsctlErrorCode {
  /** Unknown command or option, malformed option value. */
  Usage = 'USAGE',
  /** The -f file cannot be read or parsed. */
  InvalidFile = 'INVALID_FILE',
  /** The API answered with a non-OK gRPC status. */
  Api = 'API',
  /** The operation ran and failed (task faulted/expired). */
  OperationFailed = 'OPERATION_FAILED',
  /** The API answered something the CLI cannot use. */
  BadResponse = 'BAD_RESPONSE',
  /** Ctrl-C. */
  Interrupted = 'INTERRUPTED',
}

/** Every failure the CLI reports: a message for stderr and the exit code a script sees. */
export class AcsctlError extends Error {
  /** For Api errors: the gRPC status code. */
  readonly grpcStatus: number | undefined;

  constructor(
    readonly code: AcsctlErrorCode,
    message: string,
    readonly exitCode: ExitCode = defaultExitCode(code),
    options?: ErrorOptions & { readonly grpcStatus?: number },
  ) {
    super(message, options);
    this.name = 'AcsctlError';
    this.grpcStatus = options?.grpcStatus;
  }
}

function defaultExitCode(code: AcsctlErrorCode): ExitCode {
  switch (code) {
    case AcsctlErrorCode.Usage:
    case AcsctlErrorCode.InvalidFile:
      return ExitCode.Usage;
    case AcsctlErrorCode.OperationFailed:
      return ExitCode.OperationFailed;
    case AcsctlErrorCode.Interrupted:
      return ExitCode.Interrupted;
    case AcsctlErrorCode.Api:
    case AcsctlErrorCode.BadResponse:
      return ExitCode.Internal;
  }
}

export const usageError = (message: string): AcsctlError =>
  new AcsctlError(AcsctlErrorCode.Usage, message);
