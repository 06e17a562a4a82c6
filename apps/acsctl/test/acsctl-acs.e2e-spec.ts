import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpCpe, type HttpCpe, type SimulatedCpe } from '@acs/cpe-sim';
import { expectEventually } from '@acs/testing';

// The built CLI against the built all-in-one ACS (apps/acs/dist/main.js, a child process: gateway,
// provisioning, connection requests and the API) and a simulated CPE on loopback: a change with
// --wait reaches the device and the CLI reports it done in one call; a task's streamed status is
// followed to the end; a change the device refuses exits 6.

const ROOT = join(__dirname, '../../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('acsctl against the all-in-one ACS with a simulated CPE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-acs-'));
  let acs: ChildProcess;
  let acsLog = '';
  let nbiPort = 0;
  let admin = '';
  let sim: HttpCpe | undefined;
  let cpe: SimulatedCpe;

  function acsctl(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'apps/acsctl/dist/main.js'), ...args],
        {
          cwd: dir,
          timeout: 30_000,
          env: {
            PATH: process.env['PATH'] ?? '',
            ACS_API_ADDR: `127.0.0.1:${nbiPort}`,
            ACS_API_KEY: admin,
          },
        },
        (error, stdout, stderr) =>
          resolve({
            code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
            stdout,
            stderr,
          }),
      );
    });
  }

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/.bin/tsc'),
        '-b',
        join(ROOT, 'apps/acs/tsconfig.lib.json'),
        join(ROOT, 'apps/acsctl/tsconfig.lib.json'),
      ],
      { stdio: 'inherit' },
    );
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(
      join(dir, 'profiles', 'connreq.yaml'),
      'name: connreq\nparameters:\n  Device.ManagementServer.ConnectionRequestUsername: cr-user\n  Device.ManagementServer.ConnectionRequestPassword: cr-pass\n',
    );
    const gatewayPort = await freePort();
    nbiPort = await freePort();
    acs = spawn(process.execPath, [join(ROOT, 'apps/acs/dist/main.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ACS_DATA_DIR: join(dir, 'data'),
        ACS_PROFILE_DIR: join(dir, 'profiles'),
        ACS_LOG_LEVEL: 'warn',
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_BIND: '127.0.0.1',
        GATEWAY_BASIC_OVER_HTTP: 'true',
        GATEWAY_BOOTSTRAP_POLICY: 'register',
        GATEWAY_BOOTSTRAP_USERNAME: 'boot',
        GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
        NBI_HOST: '127.0.0.1',
        NBI_PORT: String(nbiPort),
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        // The simulated CPE listens on loopback, which the default address policy refuses.
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
        OTEL_ENABLED: 'false',
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    acs.stderr
      ?.setEncoding('utf8')
      .on('data', (s: string) => void (acsLog = (acsLog + s).slice(-4000)));
    const keyFile = join(dir, 'data', 'nbi-admin.key');
    await expectEventually(() => {
      expect(acs.exitCode).toBeNull();
      expect(existsSync(keyFile)).toBe(true);
    }, 30_000);
    admin = readFileSync(keyFile, 'utf8').trim();

    sim = await startHttpCpe({
      group: {
        acsUrl: `http://127.0.0.1:${gatewayPort}/`,
        acsUsername: 'boot',
        acsPassword: 'strap',
        preemptiveBasic: true,
      },
    });
    cpe = sim.cpe;
    sim.fleet.boot(cpe);
    // Registered once the profile gave the CPE its connection-request credentials.
    await expectEventually(async () => {
      const r = await acsctl([
        'params',
        'get',
        cpe.deviceId,
        'Device.ManagementServer.ConnectionRequestUsername',
        '--json',
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ values: [{ value: 'cr-user' }] });
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    if (acs !== undefined && acs.exitCode === null) {
      const exited = new Promise<void>((r) => acs.once('exit', () => r()));
      acs.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets a value with wake-up and wait: exit 0, the task done, the value on the device', async () => {
    const r = await acsctl([
      'params',
      'set',
      cpe.deviceId,
      'Device.ManagementServer.PeriodicInformInterval:unsignedInt=777',
      '--wait',
    ]);
    expect({ code: r.code, stderr: r.stderr, log: r.code === 0 ? '' : acsLog }).toEqual({
      code: 0,
      stderr: '',
      log: '',
    });
    expect(r.stdout).toMatch(/^task \S+ done$/m);
    expect(r.stdout).toMatch(
      /^Device\.ManagementServer\.PeriodicInformInterval\s+777\s+unsignedInt/m,
    );
    expect(cpe.model.rawRead('Device.ManagementServer.PeriodicInformInterval')).toBe('777');
  });

  it('follows a task’s streamed status from pending to done', async () => {
    const file = join(dir, 'refresh.yaml');
    writeFileSync(file, 'getParameters: { paths: [Device.DeviceInfo.SoftwareVersion] }\n');
    const r = await acsctl(['tasks', 'create', cpe.deviceId, '-f', file, '--wait', '--json']);
    expect(r.code).toBe(0);
    const statuses = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { task: { status: string } }).task.status);
    expect(statuses[0]).toBe('TASK_STATUS_PENDING');
    expect(statuses.at(-1)).toBe('TASK_STATUS_DONE');
  });

  it('exits 6 with the device’s fault when the device refuses the change', async () => {
    // Read-only on the device (TR-181): the CPE answers SetParameterValues with a fault.
    const r = await acsctl([
      'params',
      'set',
      cpe.deviceId,
      'Device.DeviceInfo.SerialNumber=X',
      '--wait',
    ]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^task \S+ faulted: 9\d{3} /m);
  });
});
