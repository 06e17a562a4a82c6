import { status } from '@grpc/grpc-js';
import {
  FaultsServiceService,
  ActionsServiceService,
  Profile,
  ProfilesServiceService,
} from '@acs/proto';
import { ExitCode } from '../cli.exit-codes';
import { FakeApi } from '../testing/fake.api';
import { runWith, statusError } from '../testing/cli.harness';

const FILE = 'name: wifi\npriority: 10\nparameters:\n  Device.WiFi.SSID.1.SSID: guest\n';

describe('profiles commands', () => {
  it('creates a profile from a YAML file', async () => {
    const api = new FakeApi().on(ProfilesServiceService.createProfile, (r) => ({
      profile: Profile.fromPartial({
        name: String(r.definition?.['name']),
        version: 1,
        definition: r.definition,
      }),
    }));
    const r = await runWith(api, ['profiles', 'apply', '-f', 'p.yaml'], {
      files: { 'p.yaml': FILE },
    });
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stdout).toBe('profile wifi created (version 1)\n');
    expect(api.calls[0]!.request).toEqual({
      definition: {
        name: 'wifi',
        priority: 10,
        parameters: { 'Device.WiFi.SSID.1.SSID': 'guest' },
      },
    });
  });

  it('updates when the name exists', async () => {
    const api = new FakeApi()
      .on(ProfilesServiceService.createProfile, () => {
        throw statusError(status.ALREADY_EXISTS, 'profile wifi exists');
      })
      .on(ProfilesServiceService.updateProfile, () => ({
        profile: Profile.fromPartial({ name: 'wifi', version: 4 }),
      }));
    const r = await runWith(api, ['profiles', 'apply', '-f', 'p.yaml', '--json'], {
      files: { 'p.yaml': FILE },
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      action: 'updated',
      profile: { name: 'wifi', version: 4 },
    });
  });

  it('passes a validation error naming the field through with exit 5', async () => {
    const api = new FakeApi().on(ProfilesServiceService.createProfile, () => {
      throw statusError(status.INVALID_ARGUMENT, 'invalid profile', {
        field: 'definition.priority',
        issues: ['definition.priority: expected a number'],
      });
    });
    const r = await runWith(api, ['profiles', 'apply', '-f', 'p.yaml'], {
      files: { 'p.yaml': 'name: x\npriority: high\n' },
    });
    expect(r.code).toBe(ExitCode.Rejected);
    expect(r.stderr).toContain('field: definition.priority');
    expect(r.stderr).toContain('definition.priority: expected a number');
  });

  it('refuses a malformed file locally with its line, exit 1', async () => {
    const api = new FakeApi();
    const r = await runWith(api, ['profiles', 'apply', '-f', 'p.yaml'], {
      files: { 'p.yaml': 'name: [\n' },
    });
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toMatch(/p\.yaml: line \d+/);
    expect(api.calls).toEqual([]);
  });

  it('prints a stored profile as YAML that apply takes back', async () => {
    const definition = {
      name: 'wifi',
      priority: 10,
      parameters: { 'Device.WiFi.SSID.1.SSID': 'guest' },
    };
    const api = new FakeApi().on(ProfilesServiceService.getProfile, () => ({
      profile: Profile.fromPartial({ name: 'wifi', version: 2, definition }),
    }));
    const r = await runWith(api, ['profiles', 'get', 'wifi']);
    expect(r.stdout).toContain('name: wifi\npriority: 10\n');
    const back = new FakeApi().on(ProfilesServiceService.createProfile, (req) => ({
      profile: Profile.fromPartial({ name: 'wifi', definition: req.definition }),
    }));
    await runWith(back, ['profiles', 'apply', '-f', 'p.yaml'], { files: { 'p.yaml': r.stdout } });
    expect(back.calls[0]!.request).toEqual({ definition });
  });

  it('shows a dry run per device and how many were examined', async () => {
    const api = new FakeApi().on(ProfilesServiceService.dryRunProfile, () => ({
      devices: [
        {
          deviceId: 'A',
          rpcs: [{ method: 'SetParameterValues', targets: ['Device.WiFi.SSID.1.SSID'] }],
        },
      ],
      devicesExamined: 7,
      truncated: false,
    }));
    const r = await runWith(
      api,
      ['profiles', 'dry-run', '-f', 'p.yaml', '--filter', 'tag = "lab"', '--max-devices', '50'],
      {
        files: { 'p.yaml': FILE },
      },
    );
    expect(api.calls[0]!.request).toMatchObject({ deviceFilter: 'tag = "lab"', maxDevices: 50 });
    expect(r.stdout).toMatch(/^A\s+SetParameterValues\(Device\.WiFi\.SSID\.1\.SSID\)$/m);
    expect(r.stderr).toBe('1 of 7 examined device(s) would change\n');
  });
});

describe('faults and wake commands', () => {
  it('lists, clears and retries faults, and wakes a device', async () => {
    const api = new FakeApi()
      .on(FaultsServiceService.listFaults, () => ({
        faults: [
          {
            id: 'f1',
            deviceId: 'D',
            sourceKind: 'profile',
            sourceName: 'wifi',
            target: 'Device.A',
            kind: 'cpe',
            method: 'SetParameterValues',
            code: 9007,
            message: 'bad',
            retries: 2,
          },
        ],
        nextPageToken: '',
      }))
      .on(FaultsServiceService.clearFault, () => ({}))
      .on(FaultsServiceService.retryFault, () => ({}))
      .on(ActionsServiceService.wakeUp, () => ({ requestId: 'cr-9' }));
    const list = await runWith(api, ['faults', 'list', '--device', 'D']);
    expect(list.stdout).toMatch(/^f1\s+D\s+profile:wifi\s+Device\.A\s+9007\s+bad\s+2\s+-$/m);
    expect((await runWith(api, ['faults', 'clear', 'f1'])).stdout).toBe('fault f1 cleared\n');
    await runWith(api, ['faults', 'retry', 'f1', '--wake']);
    expect(api.calls[2]!.request).toEqual({ faultId: 'f1', wakeUp: true });
    expect((await runWith(api, ['wake', 'D', '--json'])).stdout).toBe(
      '{\n  "deviceId": "D",\n  "requestId": "cr-9"\n}\n',
    );
  });
});
