import { status } from '@grpc/grpc-js';
import { ExitCode } from './cli.exit-codes';
import { authHeaders, grpcStatusOf } from './api.connection';
import { statusError } from './testing/cli.harness';

describe(authHeaders.name, () => {
  it('sends an API key as x-api-key and a JWT as a bearer authorization, nothing without one', () => {
    expect(authHeaders({ kind: 'api-key', key: 'acs_1_s' })).toEqual([['x-api-key', 'acs_1_s']]);
    expect(authHeaders({ kind: 'bearer', token: 'eyJ' })).toEqual([
      ['authorization', 'Bearer eyJ'],
    ]);
    expect(authHeaders({ kind: 'none' })).toEqual([]);
  });
});

describe('apiError', () => {
  it('keeps the gRPC status and names the method, the field and each validation issue', () => {
    const e = statusError(status.INVALID_ARGUMENT, 'invalid profile', {
      field: 'definition.objects.0.key',
      issues: ['definition.objects.0.key: required', 'definition.priority: expected a number'],
    });
    expect(grpcStatusOf(e)).toBe(status.INVALID_ARGUMENT);
    expect(e.exitCode).toBe(ExitCode.Rejected);
    expect(e.message.split('\n')).toEqual([
      'Method: INVALID_ARGUMENT: invalid profile',
      '  field: definition.objects.0.key',
      '  definition.objects.0.key: required',
      '  definition.priority: expected a number',
    ]);
  });

  it('does not repeat a field or issue the status message already contains', () => {
    const e = statusError(status.INVALID_ARGUMENT, 'filter: unexpected end at position 6', {
      field: 'filter',
      issues: ['filter: unexpected end at position 6'],
      position: 6,
    });
    expect(e.message).toBe(
      'Method: INVALID_ARGUMENT: filter: unexpected end at position 6\n  at character 7',
    );
  });
});
