import { status } from '@grpc/grpc-js';
import { EXIT_CODES_HELP, ExitCode, exitCodeForGrpcStatus } from './cli.exit-codes';

describe('exitCodeForGrpcStatus', () => {
  it('maps each status class to the exit code scripts branch on', () => {
    const table: [status, ExitCode][] = [
      [status.OK, ExitCode.Ok],
      [status.NOT_FOUND, ExitCode.NotFound],
      [status.UNAUTHENTICATED, ExitCode.Denied],
      [status.PERMISSION_DENIED, ExitCode.Denied],
      [status.DEADLINE_EXCEEDED, ExitCode.Unavailable],
      [status.UNAVAILABLE, ExitCode.Unavailable],
      [status.RESOURCE_EXHAUSTED, ExitCode.Unavailable],
      [status.INVALID_ARGUMENT, ExitCode.Rejected],
      [status.FAILED_PRECONDITION, ExitCode.Rejected],
      [status.ALREADY_EXISTS, ExitCode.Rejected],
      [status.ABORTED, ExitCode.Rejected],
      [status.OUT_OF_RANGE, ExitCode.Rejected],
      [status.CANCELLED, ExitCode.Interrupted],
      [status.INTERNAL, ExitCode.Internal],
      [status.UNKNOWN, ExitCode.Internal],
      [status.UNIMPLEMENTED, ExitCode.Internal],
      [status.DATA_LOSS, ExitCode.Internal],
    ];
    for (const [s, code] of table)
      expect([status[s], exitCodeForGrpcStatus(s)]).toEqual([status[s], code]);
  });

  it('documents every exit code in the help', () => {
    for (const v of Object.values(ExitCode).filter((v) => typeof v === 'number'))
      expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${v} `, 'm'));
  });
});
