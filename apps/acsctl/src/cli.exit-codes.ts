import { status as GrpcStatus } from '@grpc/grpc-js';

// Exit codes are part of the CLI's interface: scripts branch on them, so each one names a class of
// outcome a caller handles differently (fix the command line, give up on the object, fix the
// credential, retry later, fix the request, look at the device), and they never change meaning.

export enum ExitCode {
  /** The command did what was asked. */
  Ok = 0,
  /** Bad command line or input file: unknown command/option, malformed value, unreadable file. */
  Usage = 1,
  /** The device, task, profile or fault does not exist (gRPC NOT_FOUND). */
  NotFound = 2,
  /** No or bad credential (UNAUTHENTICATED), or the role lacks the method (PERMISSION_DENIED). */
  Denied = 3,
  /** Retry later: the deadline passed, the API or a dependency is down, or rate-limited. */
  Unavailable = 4,
  /** The API refused the request: INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, OUT_OF_RANGE. */
  Rejected = 5,
  /** The request was accepted but the operation failed on the device (task faulted or expired). */
  OperationFailed = 6,
  /** A bug on either side: INTERNAL, UNKNOWN, UNIMPLEMENTED, DATA_LOSS, or a malformed answer. */
  Internal = 7,
  /** Interrupted by Ctrl-C (128 + SIGINT, the shell convention). */
  Interrupted = 130,
}

/** The exit code for a gRPC status code. */
export function exitCodeForGrpcStatus(code: GrpcStatus): ExitCode {
  switch (code) {
    case GrpcStatus.OK:
      return ExitCode.Ok;
    case GrpcStatus.NOT_FOUND:
      return ExitCode.NotFound;
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
      return ExitCode.Denied;
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return ExitCode.Unavailable;
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
    case GrpcStatus.OUT_OF_RANGE:
      return ExitCode.Rejected;
    case GrpcStatus.CANCELLED:
      return ExitCode.Interrupted;
    case GrpcStatus.INTERNAL:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.DATA_LOSS:
      return ExitCode.Internal;
  }
}

/** One line per code, for `acsctl --help` and docs/acsctl.md. */
export const EXIT_CODES_HELP = `exit codes:
  0    ok
  1    usage: bad command line or input file
  2    not found
  3    unauthenticated or permission denied
  4    unavailable or deadline exceeded (retry later)
  5    rejected: invalid argument, failed precondition, already exists, aborted
  6    the operation failed on the device (task faulted or expired)
  7    internal error
  130  interrupted
`;
