import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { status } from '@grpc/grpc-js';
import { KafkaEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { emptyDeviceState, type DeviceState } from '@acs/domain';
import { ApiCaller, nbiConfigSchema, silentNbiLogger, startNbi, type NbiHandle } from '@acs/nbi';
import { CreateApiKeyRequest, Role, type CreateApiKeyResponse } from '@acs/proto';
import { openRepositories, provisioningApi, storeState, SystemClock } from '@acs/provisioning';
import { MongoDocumentStore } from '@acs/store';
import { expectEventually, uniqueName } from '@acs/testing';

// The built CLI (apps/acsctl/dist/main.js, run as a child process like an operator's shell runs
// it) against the real API: startNbi in this process, on FerretDB and Kafka from
// deploy/local/services (own database and topic prefix). Checks output and exit codes as scripts
// see them. CLI coverage, not API coverage: libs/nbi tests the API itself.

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'apps/acsctl/dist/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function device(n: number, tags: string[], ssid: string): DeviceState {
  const id = `00D09E-HG-${String(n).padStart(4, '0')}`;
  return {
    ...emptyDeviceState(id, {
      oui: '00D09E',
      productClass: 'HG',
      serialNumber: String(n),
      manufacturer: 'ACME',
    }),
    tags,
    nodes: {
      'Device.WiFi.SSID.1.SSID': {
        kind: 'parameter',
        value: { type: 'string', value: ssid },
        writable: true,
      },
    },
  };
}

describe('acsctl against the API', () => {
  const infra = loadInfraConfig();
  const database = uniqueName('acsctl').replace(/[^A-Za-z0-9_]/g, '_');
  let dir: string;
  let store: MongoDocumentStore;
  let bus: KafkaEventBus;
  let nbi: NbiHandle;
  let admin: string;
  let viewer: string;

  function acsctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        {
          cwd: dir,
          timeout: 30_000,
          env: {
            PATH: process.env['PATH'] ?? '',
            ACS_API_ADDR: `127.0.0.1:${nbi.port}`,
            ACS_API_KEY: admin,
            ...env,
          },
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  beforeAll(async () => {
    // The CLI as shipped: its compiled output and that of the libs it imports.
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/.bin/tsc'), '-b', join(ROOT, 'apps/acsctl/tsconfig.lib.json')],
      {
        stdio: 'inherit',
      },
    );
    dir = mkdtempSync(join(tmpdir(), 'acsctl-'));
    store = await MongoDocumentStore.connect({
      uri: infra.MONGODB_URI,
      database,
      serverSelectionTimeoutMS: 5_000,
    });
    bus = new KafkaEventBus({
      brokers: infra.KAFKA_BROKERS,
      clientId: 'acsctl-test',
      prefix: `${uniqueName('acsctl')}.`,
      sessionTimeoutMs: 6_000,
    });
    const repos = await openRepositories(store);
    const clock = new SystemClock();
    nbi = await startNbi({
      config: nbiConfigSchema.parse({ NBI_HOST: '127.0.0.1', NBI_PORT: '0' }),
      store,
      bus,
      provisioning: provisioningApi(repos, bus, clock),
      defaultAdminKeyFile: join(dir, 'admin.key'),
      logger: silentNbiLogger,
    });
    admin = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
    const caller = new ApiCaller(`127.0.0.1:${nbi.port}`);
    const out = await caller.call(
      '/acs.v1.ApiKeysService/CreateApiKey',
      CreateApiKeyRequest.fromPartial({ name: 'viewer', role: Role.ROLE_VIEWER }),
      admin,
    );
    caller.close();
    expect(out.code).toBe(status.OK);
    viewer = (out.messages[0] as CreateApiKeyResponse).secret;
    for (let n = 0; n < 7; n++) {
      const s = device(n, n % 2 === 0 ? ['lab'] : [], n % 3 === 0 ? 'guest' : 'home');
      await repos.devices.insert({
        _id: s.id,
        state: storeState(s),
        appliedEvents: [],
        createdAt: 1,
        updatedAt: 1,
      });
    }
  }, 120_000);

  afterAll(async () => {
    await nbi?.stop();
    await bus?.close();
    await store?.close();
    const client = new MongoClient(infra.MONGODB_URI, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists devices matching a filter on a tag and a parameter value, as JSON and as a table', async () => {
    const json = await acsctl([
      'devices',
      'list',
      '--filter',
      'tag = "lab" AND Device.WiFi.SSID.1.SSID = "guest"',
      '--json',
      '--fields',
      'id,tags',
    ]);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const doc = JSON.parse(json.stdout) as { devices: { id: string; tags: string[] }[] };
    expect(doc.devices).toEqual([
      { id: '00D09E-HG-0000', tags: ['lab'] },
      { id: '00D09E-HG-0006', tags: ['lab'] },
    ]);
    const table = await acsctl([
      'devices',
      'list',
      '--page-size',
      '3',
      '--all',
      '--params',
      'Device.WiFi.SSID.1.SSID',
    ]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+PRODUCT CLASS\s+SOFTWARE\s+TAGS\s+LAST INFORM\s+FAULTS\s+Device\.WiFi\.SSID\.1\.SSID$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(
      Array.from({ length: 7 }, (_, n) => `00D09E-HG-000${n}`),
    );
    expect(lines[1]).toMatch(/\sguest$/);
  });

  it('exits 2 for an unknown device and 5 for a bad filter, naming the field', async () => {
    const missing = await acsctl(['devices', 'get', 'NOPE-NOPE-1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOT_FOUND');
    const bad = await acsctl(['devices', 'list', '--filter', 'tag = ']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('INVALID_ARGUMENT');
    expect(bad.stderr).toContain('filter');
  });

  it('exits 3 without a credential, with a wrong one, and for a viewer changing tags', async () => {
    expect((await acsctl(['devices', 'list'], { ACS_API_KEY: '' })).code).toBe(3);
    expect(
      (await acsctl(['devices', 'list'], { ACS_API_KEY: `acs_0123456789abcdef_${'x'.repeat(43)}` }))
        .code,
    ).toBe(3);
    const denied = await acsctl(['devices', 'tag', 'add', '00D09E-HG-0001', 'vip'], {
      ACS_API_KEY: viewer,
    });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('PERMISSION_DENIED');
    expect((await acsctl(['devices', 'list'], { ACS_API_KEY: viewer })).code).toBe(0);
  });

  it('exits 4 when the API is unreachable', async () => {
    const r = await acsctl(['devices', 'list', '--addr', '127.0.0.1:1', '--timeout', '2']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('UNAVAILABLE');
  });

  it('exits 1 on a usage error without calling the API', async () => {
    const r = await acsctl(['devices', 'list', '--addr', '127.0.0.1:1', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--bogus');
  });

  it('adds and removes tags', async () => {
    const add = await acsctl(['devices', 'tag', 'add', '00D09E-HG-0001', 'vip', 'eu']);
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toMatch(/^00D09E-HG-0001: tags .*vip/);
    const listed = await acsctl(['devices', 'list', '--filter', 'tag = "vip"', '--json']);
    expect(
      (JSON.parse(listed.stdout) as { devices: { id: string }[] }).devices.map((d) => d.id),
    ).toEqual(['00D09E-HG-0001']);
    const rm = await acsctl(['devices', 'tag', 'remove', '00D09E-HG-0001', 'vip', 'eu', '--json']);
    expect(JSON.parse(rm.stdout)).toEqual({ deviceId: '00D09E-HG-0001', tags: [] });
  });

  it('applies a profile from YAML (create, then update), lists, shows, dry-runs and deletes it', async () => {
    const file = join(dir, 'wifi.yaml');
    writeFileSync(
      file,
      'name: wifi\npriority: 10\nparameters:\n  Device.WiFi.SSID.1.SSID: guest\n',
    );
    expect(await acsctl(['profiles', 'apply', '-f', file])).toMatchObject({
      code: 0,
      stdout: 'profile wifi created (version 1)\n',
    });
    writeFileSync(
      file,
      'name: wifi\npriority: 20\nparameters:\n  Device.WiFi.SSID.1.SSID: guest\n',
    );
    const updated = await acsctl(['profiles', 'apply', '-f', file]);
    expect(updated).toMatchObject({ code: 0 });
    expect(updated.stdout).toMatch(/^profile wifi updated \(version \d+\)\n$/);
    expect((await acsctl(['profiles', 'list'])).stdout).toMatch(/^wifi\s+\d+\s+20\s/m);
    const shown = await acsctl(['profiles', 'get', 'wifi']);
    expect(shown.stdout).toContain('priority: 20');
    const dry = await acsctl(['profiles', 'dry-run', '-f', file, '--filter', 'tag = "lab"']);
    expect(dry.code).toBe(0);
    // lab devices with "home" set would change; 0000 and 0006 already have "guest".
    expect(dry.stdout).toMatch(
      /^00D09E-HG-0002\s+SetParameterValues\(Device\.WiFi\.SSID\.1\.SSID\)$/m,
    );
    expect(dry.stdout).not.toContain('00D09E-HG-0000');
    expect((await acsctl(['profiles', 'delete', 'wifi'])).code).toBe(0);
    expect((await acsctl(['profiles', 'get', 'wifi'])).code).toBe(2);
  });

  it('refuses an invalid profile with exit 5 and the field at fault', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\npriority: high\n');
    const r = await acsctl(['profiles', 'apply', '-f', file]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('priority');
  });

  it('queues a parameter change as a task, lists, cancels and retries it', async () => {
    const set = await acsctl([
      'params',
      'set',
      '00D09E-HG-0003',
      'Device.WiFi.SSID.1.SSID=office',
      '--json',
    ]);
    expect(set.code).toBe(0);
    const task = (JSON.parse(set.stdout) as { task: { id: string; status: string } }).task;
    expect(task.status).toBe('TASK_STATUS_PENDING');
    const list = await acsctl(['tasks', 'list', '00D09E-HG-0003']);
    expect(list.stdout).toMatch(
      new RegExp(`^${task.id}\\s+00D09E-HG-0003\\s+setParameters\\s+pending`, 'm'),
    );
    expect((await acsctl(['tasks', 'cancel', task.id])).stdout).toMatch(/^status\s+cancelled$/m);
    const got = await acsctl(['tasks', 'get', task.id, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: task.id, status: 'TASK_STATUS_CANCELLED' });
    const retry = await acsctl(['tasks', 'retry', task.id, '--json']);
    expect(retry.code).toBe(0);
    const again = JSON.parse(retry.stdout) as { id: string; status: string };
    expect(again.status).toBe('TASK_STATUS_PENDING');
    expect(again.id).not.toBe(task.id);
    // Only a faulted, expired or cancelled task can be retried: a failed precondition.
    const refused = await acsctl(['tasks', 'retry', again.id]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('FAILED_PRECONDITION');
  });

  it('creates a task from a file and prints its streamed status as JSON lines', async () => {
    const file = join(dir, 'reboot.yaml');
    writeFileSync(file, 'reboot: {}\n');
    const r = await acsctl(['tasks', 'create', '00D09E-HG-0004', '-f', file, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { task: { status: string; operation: unknown } });
    expect(lines[0]!.task).toMatchObject({
      status: 'TASK_STATUS_PENDING',
      operation: { reboot: {} },
    });
  });

  it('exits 4 naming the task when the device does not apply a change before the deadline', async () => {
    // Nothing consumes wake-ups here, so the device never connects.
    const r = await acsctl([
      'params',
      'set',
      '00D09E-HG-0005',
      'Device.WiFi.SSID.1.SSID=x',
      '--wait',
      '--timeout',
      '2',
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('DEADLINE_EXCEEDED');
  });

  it('watches a device and prints its tag change; Ctrl-C ends the watch with 130', async () => {
    const watcher = spawn(
      process.execPath,
      [MAIN, 'devices', 'watch', '00D09E-HG-0002', '--json'],
      {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '',
          ACS_API_ADDR: `127.0.0.1:${nbi.port}`,
          ACS_API_KEY: admin,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    watcher.stdout.setEncoding('utf8').on('data', (s: string) => void (out += s));
    const exited = new Promise<number | null>((r) => watcher.once('exit', (code) => r(code)));
    try {
      // The watch subscribes when its call arrives: tag until a change shows (bounded by the wait).
      let n = 0;
      await expectEventually(async () => {
        await acsctl(['devices', 'tag', 'add', '00D09E-HG-0002', `seen-${n++}`]);
        const changes = out
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map(
            (l) => JSON.parse(l) as { deviceId: string; tagsChanged?: boolean; tags?: string[] },
          );
        expect(changes.some((c) => c.deviceId === '00D09E-HG-0002' && c.tagsChanged === true)).toBe(
          true,
        );
      }, 20_000);
    } finally {
      watcher.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });

  it('lists no faults as an empty table', async () => {
    expect(await acsctl(['faults', 'list'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^ID\s+DEVICE/) as unknown,
    });
  });
});
