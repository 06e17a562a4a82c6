import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { apiMethods, API_SERVICES, fileDescriptorProtos, loadDescriptorSet } from './index';

const LIB = join(__dirname, '..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out.sort();
}

describe('generated code', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'acs-proto-'));
    // generate.sh runs `buf lint` first and fails (non-zero exit, execFileSync throws) on a finding.
    execFileSync(join(LIB, 'generate.sh'), [join(tmp, 'ts'), join(tmp, 'acs.v1.binpb')], {
      stdio: 'pipe',
    });
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is what generate.sh produces from the .proto files (run libs/proto/generate.sh)', () => {
    const committed = join(LIB, 'src', 'generated');
    const fresh = join(tmp, 'ts');
    const names = (d: string): string[] => files(d).map((f) => relative(d, f));
    expect(names(fresh)).toEqual(names(committed));
    for (const name of names(fresh))
      expect({ name, text: readFileSync(join(committed, name), 'utf8') }).toEqual({
        name,
        text: readFileSync(join(fresh, name), 'utf8'),
      });
  });

  it('ships the descriptor set buf builds, for the reflection service', () => {
    expect(loadDescriptorSet().equals(readFileSync(join(tmp, 'acs.v1.binpb')))).toBe(true);
    // One FileDescriptorProto per file, each starting with its name (field 1).
    const names = fileDescriptorProtos().map((f) => f.subarray(2, 2 + (f[1] ?? 0)).toString());
    expect(names).toEqual(
      expect.arrayContaining(['acs/v1/devices.proto', 'google/protobuf/timestamp.proto']),
    );
  });
});

describe(apiMethods.name, () => {
  it('lists every method of every service once, with its streaming kind', () => {
    const methods = apiMethods();
    expect(new Set(methods.map((m) => m.path)).size).toBe(methods.length);
    expect(new Set(methods.map((m) => m.service))).toEqual(new Set(Object.keys(API_SERVICES)));
    expect(methods.find((m) => m.method === 'WatchDevices')).toMatchObject({
      path: '/acs.v1.DevicesService/WatchDevices',
      responseStream: true,
    });
    expect(methods.find((m) => m.method === 'CreateTask')?.responseStream).toBe(true);
  });
});
