import { status } from '@grpc/grpc-js';
import {
  DevicesServiceService,
  WatchDevicesResponse,
  type Device,
  type ListDevicesRequest,
} from '@acs/proto';
import { Device as DeviceMsg } from '@acs/proto';
import { ExitCode } from '../cli.exit-codes';
import { FakeApi } from '../testing/fake.api';
import { runWith, statusError } from '../testing/cli.harness';

function device(id: string, extra: Partial<Device> = {}): Device {
  return DeviceMsg.fromPartial({
    id,
    productClass: 'HG8245',
    softwareVersion: '1.2',
    tags: ['lab'],
    lastInform: { seconds: 1_700_000_000n, nanos: 0 },
    ...extra,
  });
}

/** Three pages of two devices, keyed by page token. */
function pagedApi(): FakeApi {
  const pages: Record<string, { devices: Device[]; nextPageToken: string }> = {
    '': { devices: [device('A'), device('B')], nextPageToken: 'p2' },
    p2: { devices: [device('C'), device('D')], nextPageToken: 'p3' },
    p3: { devices: [device('E')], nextPageToken: '' },
  };
  return new FakeApi().on(
    DevicesServiceService.listDevices,
    (r: ListDevicesRequest) => pages[r.pageToken]!,
  );
}

describe('devices commands', () => {
  it('lists one page as a table and says how to get the next one', async () => {
    const api = pagedApi();
    const r = await runWith(api, [
      'devices',
      'list',
      '--filter',
      'tag = "lab"',
      '--page-size',
      '2',
    ]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^ID\s+PRODUCT CLASS\s+SOFTWARE\s+TAGS\s+LAST INFORM\s+FAULTS$/,
    );
    expect(r.stdout).toContain('2023-11-14T22:13:20.000Z');
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toContain('--page-token p2');
    expect(api.calls[0]!.request).toMatchObject({
      filter: 'tag = "lab"',
      pageSize: 2,
      pageToken: '',
    });
  });

  it('follows the cursor with --all: one header, then every page; NDJSON in --json', async () => {
    const table = await runWith(pagedApi(), ['devices', 'list', '--all']);
    expect(
      table.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['ID', 'A', 'B', 'C', 'D', 'E']);
    expect(table.stderr).toBe('');
    const json = await runWith(pagedApi(), ['devices', 'list', '--all', '--json']);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((d) => d.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('prints one page as the response document in --json', async () => {
    const r = await runWith(pagedApi(), ['devices', 'list', '-o', 'json']);
    const doc = JSON.parse(r.stdout) as {
      devices: { id: string; lastInform: string }[];
      nextPageToken: string;
    };
    expect(doc.nextPageToken).toBe('p2');
    expect(doc.devices[0]).toMatchObject({ id: 'A', lastInform: '2023-11-14T22:13:20.000Z' });
  });

  it('sends the field mask and parameter paths, and shows them as columns', async () => {
    const api = new FakeApi().on(DevicesServiceService.listDevices, () => ({
      devices: [
        device('A', {
          parameters: [{ path: 'Device.DeviceInfo.UpTime', value: '42', type: 'unsignedInt' }],
        }),
      ],
      nextPageToken: '',
    }));
    const r = await runWith(api, [
      'devices',
      'list',
      '--fields',
      'id,software_version',
      '--params',
      'Device.DeviceInfo.UpTime',
    ]);
    expect(api.calls[0]!.request).toMatchObject({
      readMask: ['id', 'software_version'],
      parameterPaths: ['Device.DeviceInfo.UpTime'],
    });
    expect(r.stdout).toMatch(
      /^ID\s+SOFTWARE_VERSION\s+Device\.DeviceInfo\.UpTime\nA\s+1\.2\s+42\n$/,
    );
  });

  it('shows one device with its parameters, escaping what the device sent', async () => {
    const api = new FakeApi().on(DevicesServiceService.getDevice, () => ({
      device: device('A', {
        parameters: [{ path: 'Device.X', value: 'evil\x1b[2J', type: 'string' }],
      }),
    }));
    const r = await runWith(api, ['devices', 'get', 'A', '--params', 'Device.X']);
    expect(r.stdout).toMatch(/^id\s+A$/m);
    expect(r.stdout).toMatch(/^tags\s+lab$/m);
    expect(r.stdout).toContain('evil\\x1b[2J');
    expect(r.stdout).not.toContain('\x1b');
  });

  it('adds and removes tags, printing the resulting set', async () => {
    const api = new FakeApi()
      .on(DevicesServiceService.addTags, (r) => ({ tags: ['lab', ...r.tags] }))
      .on(DevicesServiceService.removeTags, () => ({ tags: [] }));
    const add = await runWith(api, ['devices', 'tag', 'add', 'A', 'eu', 'vip']);
    expect(add.stdout).toBe('A: tags lab,eu,vip\n');
    expect(api.calls[0]!.request).toEqual({ deviceId: 'A', tags: ['eu', 'vip'] });
    const rm = await runWith(api, ['devices', 'tag', 'remove', 'A', 'lab', '--json']);
    expect(JSON.parse(rm.stdout)).toEqual({ deviceId: 'A', tags: [] });
  });
});

describe('devices watch', () => {
  const change = (id: string, extra: Partial<WatchDevicesResponse> = {}): WatchDevicesResponse =>
    WatchDevicesResponse.fromPartial({
      changeId: id,
      deviceId: 'A',
      cause: 'inform',
      occurredAt: { seconds: 1_700_000_000n, nanos: 0 },
      ...extra,
    });

  it('prints each change once (the stream may redeliver), with no deadline by default', async () => {
    const api = new FakeApi().onStream(DevicesServiceService.watchDevices, async function* () {
      yield change('c1', {
        boot: true,
        parameters: [{ path: 'Device.X', value: 'v\x1b', type: 'string' }],
      });
      yield change('c1', { boot: true });
      yield change('c2', {
        tagsChanged: true,
        tags: ['lab'],
        parameters: [{ path: 'Device.Y', type: 'string' }],
      });
    });
    const r = await runWith(api, ['devices', 'watch', 'A', 'B']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stdout).toBe(
      [
        '2023-11-14T22:13:20.000Z  A  inform  boot  Device.X=v\\x1b',
        '2023-11-14T22:13:20.000Z  A  inform  tags=lab  Device.Y=(deleted)',
        '',
      ].join('\n'),
    );
    expect(api.calls[0]).toMatchObject({
      request: { deviceIds: ['A', 'B'] },
      options: { deadlineMs: null },
    });
  });

  it('stops at --for with exit 0, and prints JSON lines', async () => {
    const api = new FakeApi().onStream(DevicesServiceService.watchDevices, async function* () {
      yield change('c1');
      throw statusError(status.DEADLINE_EXCEEDED, 'deadline');
    });
    const r = await runWith(api, ['devices', 'watch', '--for', '5', '--json']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ changeId: 'c1', deviceId: 'A' });
    expect(api.calls[0]!.options).toEqual({ deadlineMs: 5000 });
  });

  it('reports a lost stream without --for as unavailable', async () => {
    const api = new FakeApi().onStream(DevicesServiceService.watchDevices, async function* () {
      yield change('c1');
      throw statusError(status.UNAVAILABLE, 'gone');
    });
    expect((await runWith(api, ['devices', 'watch'])).code).toBe(ExitCode.Unavailable);
  });
});
