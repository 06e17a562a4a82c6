import { DevicesServiceService } from '@acs/proto';
import { status } from '@grpc/grpc-js';
import { ExitCode } from './cli.exit-codes';
import { runCli } from './cli.runner';
import { unhandledCommands } from './command.registry';
import { FakeApi } from './testing/fake.api';
import { FakeClock, runWith, statusError } from './testing/cli.harness';

describe(runCli.name, () => {
  it('has a handler for every command in the table', () => {
    expect(unhandledCommands()).toEqual([]);
  });

  it('prints help and exits 0 without connecting', async () => {
    let connected = false;
    const out: string[] = [];
    const code = await runCli(
      ['devices', '--help'],
      {
        stdout: { isTTY: false, write: (s) => void out.push(s) },
        stderr: { isTTY: false, write: () => undefined },
        env: {},
        clock: new FakeClock(),
        readFile: async () => '',
        signal: new AbortController().signal,
      },
      async () => {
        connected = true;
        return new FakeApi();
      },
    );
    expect(code).toBe(ExitCode.Ok);
    expect(connected).toBe(false);
    expect(out.join('')).toContain('devices tag add DEVICE TAG...');
    expect(out.join('')).not.toContain('params set');
  });

  it('exits 1 on a usage error, names it on stderr and never calls the API', async () => {
    const api = new FakeApi();
    const r = await runWith(api, ['devices', 'list', '--page-size', '0']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('--page-size: expected an integer from 1 to 1000');
    expect(r.stdout).toBe('');
    expect(api.calls).toEqual([]);
  });

  it('maps API statuses to exit codes and prints the field named in the error detail', async () => {
    const cases: [status, ExitCode][] = [
      [status.NOT_FOUND, ExitCode.NotFound],
      [status.UNAUTHENTICATED, ExitCode.Denied],
      [status.PERMISSION_DENIED, ExitCode.Denied],
      [status.UNAVAILABLE, ExitCode.Unavailable],
      [status.DEADLINE_EXCEEDED, ExitCode.Unavailable],
      [status.INVALID_ARGUMENT, ExitCode.Rejected],
      [status.FAILED_PRECONDITION, ExitCode.Rejected],
      [status.INTERNAL, ExitCode.Internal],
    ];
    for (const [s, exit] of cases) {
      const api = new FakeApi().on(DevicesServiceService.listDevices, () => {
        throw statusError(s, 'went wrong', {
          field: 'filter',
          reason: 'X',
          issues: [],
          position: 4,
        });
      });
      const r = await runWith(api, ['devices', 'list', '--filter', 'tag = ']);
      expect([status[s], r.code]).toEqual([status[s], exit]);
      expect(r.stderr).toContain(`${status[s]}: went wrong`);
      expect(r.stderr).toContain('field: filter');
      expect(r.stderr).toContain('at character 5');
      expect(api.closed).toBe(true);
    }
  });

  it('still reports the status when the error detail trailer is garbage', async () => {
    const e = statusError(status.NOT_FOUND, 'no such device', Buffer.from([0xff, 0xff, 0xff]));
    const api = new FakeApi().on(DevicesServiceService.getDevice, () => {
      throw e;
    });
    const r = await runWith(api, ['devices', 'get', 'X']);
    expect(r.code).toBe(ExitCode.NotFound);
    expect(r.stderr).toBe('acsctl: Method: NOT_FOUND: no such device\n');
  });

  it('warns when a credential would cross the network in plaintext, not on loopback', async () => {
    const api = new FakeApi().on(DevicesServiceService.deleteDevice, () => ({}));
    const remote = await runWith(api, ['devices', 'delete', 'D'], {
      env: { ACS_API_ADDR: 'acs.example.net:50051', ACS_API_KEY: 'k' },
    });
    expect(remote.stderr).toContain('warning: sending the credential without TLS');
    const local = await runWith(api, ['devices', 'delete', 'D'], { env: { ACS_API_KEY: 'k' } });
    expect(local.stderr).toBe('');
    expect(local.config?.credential).toEqual({ kind: 'api-key', key: 'k' });
  });

  it('erases the progress line on a terminal before printing an error', async () => {
    const api = new FakeApi().on(DevicesServiceService.listDevices, () => {
      throw statusError(status.UNAVAILABLE, 'down');
    });
    const r = await runWith(api, ['devices', 'list'], { tty: true });
    expect(r.code).toBe(ExitCode.Unavailable);
    expect(r.stderr).toBe(
      '\r\x1b[2K| listing devices: page 1, 0 so far (0.0 s)\r\x1b[2Kacsctl: Method: UNAVAILABLE: down\n',
    );
  });

  it('reports a bug in a handler as an internal error, exit 7', async () => {
    const api = new FakeApi().on(DevicesServiceService.deleteDevice, () => {
      throw new TypeError('boom');
    });
    const r = await runWith(api, ['devices', 'delete', 'D']);
    expect(r.code).toBe(ExitCode.Internal);
    expect(r.stderr).toContain('internal error: TypeError: boom');
  });
});
