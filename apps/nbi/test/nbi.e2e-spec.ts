import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { StoreDeviceContactDirectory } from '@acs/connreq';
import { CpeFleet, type SimulatedCpe } from '@acs/cpe-sim';
import { ApiCaller, requiredRole } from '@acs/nbi';
import {
  AddObjectRequest,
  GetParametersRequest,
  CreateApiKeyRequest,
  CreateProfileRequest,
  ListDevicesRequest,
  Delivery,
  Role,
  SetParametersRequest,
  TaskStatus,
  apiMethods,
  type AddObjectResponse,
  type CreateApiKeyResponse,
  type GetParametersResponse,
  type ListDevicesResponse,
  type SetParametersResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { startSplitStack, type SplitStack } from './split-stack';

// Issue 8 acceptance on the split deployment: the API app (its runtime: Kafka + MongoDB), the
// gateway, provisioning and connection-request services in this process on their real adapters
// (Kafka, Redis, FerretDB), and a simulated CPE that accepts HTTP connection requests (TR-069
// §3.2.2). A real @grpc/grpc-js client and grpcurl talk to the API over loopback.

const run = promisify(execFile);
const NTP = 'Device.Time.NTPServer1';

describe('NBI (split apps on Kafka + Redis + FerretDB, simulated CPE)', () => {
  let stack: SplitStack;
  let store: SplitStack['store'];
  let api: ApiCaller;
  let address: string;
  let admin: string;
  let fleet: CpeFleet;
  let cpe: SimulatedCpe;
  let crServer: SplitStack['crServer'];

  beforeAll(async () => {
    stack = await startSplitStack('nbi-e2e', 'NBI');
    ({ store, api, address, admin, fleet, cpe, crServer } = stack);
  }, 90_000);

  afterAll(() => stack?.stop(), 60_000);

  it('sets a parameter with wake-up and wait in one API call: the value is on the device', async () => {
    // Connection-request credentials come from a profile saved through the API; the CPE gets
    // them in its first session and the contact directory records them at the session's end.
    const profile = await api.call(
      '/acs.v1.ProfilesService/CreateProfile',
      CreateProfileRequest.fromPartial({
        definition: {
          name: 'connreq',
          parameters: {
            'Device.ManagementServer.ConnectionRequestUsername': 'cr-user',
            'Device.ManagementServer.ConnectionRequestPassword': 'cr-pass',
          },
        },
      }),
      admin,
    );
    expect(profile).toMatchObject({ code: status.OK });
    fleet.boot(cpe);
    await expectEventually(() => expect(cpe.crUsername).toBe('cr-user'), 30_000);
    const directory = await StoreDeviceContactDirectory.open(store);
    await expectEventually(async () => {
      const contact = await directory.get(cpe.deviceId);
      expect(contact?.http).toMatchObject({ username: 'cr-user', password: 'cr-pass' });
    }, 30_000);
    const operator = await api.call(
      '/acs.v1.ApiKeysService/CreateApiKey',
      CreateApiKeyRequest.fromPartial({ name: 'oss', role: Role.ROLE_OPERATOR }),
      admin,
    );
    const key = (operator.messages[0] as CreateApiKeyResponse).secret;
    expect(cpe.model.rawRead(NTP)).not.toBe('ntp.nbi.example');

    const out = await api.call(
      '/acs.v1.ParametersService/SetParameters',
      SetParametersRequest.fromPartial({
        deviceId: cpe.deviceId,
        values: [{ path: NTP, value: 'ntp.nbi.example' }],
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      key,
      30_000,
    );

    expect(out.details).toBe('');
    const res = out.messages[0] as SetParametersResponse;
    expect(res.task?.status).toBe(TaskStatus.TASK_STATUS_DONE);
    expect(res.values.map((v) => [v.path, v.value])).toEqual([[NTP, 'ntp.nbi.example']]);
    // On the device itself, through a session the API's wake-up started.
    expect(cpe.model.rawRead(NTP)).toBe('ntp.nbi.example');
    expect(crServer.accepted).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('reads fresh values live and adds an object with wake-up and wait, each in one call', async () => {
    // The device changed a value on its own: only a live read sees it.
    cpe.model.write('Device.Time.NTPServer2', 'changed-on-device');
    const read = await api.call(
      '/acs.v1.ParametersService/GetParameters',
      GetParametersRequest.fromPartial({
        deviceId: cpe.deviceId,
        paths: ['Device.Time.NTPServer2'],
        live: true,
      }),
      admin,
      30_000,
    );
    expect(read.details).toBe('');
    const values = (read.messages[0] as GetParametersResponse).values;
    expect(values.map((v) => [v.path, v.value])).toEqual([
      ['Device.Time.NTPServer2', 'changed-on-device'],
    ]);

    const before = cpe.model.instancesOf('Device.NAT.PortMapping.');
    const added = await api.call(
      '/acs.v1.ParametersService/AddObject',
      AddObjectRequest.fromPartial({
        deviceId: cpe.deviceId,
        path: 'Device.NAT.PortMapping.',
        parameters: [
          { path: 'ExternalPort', value: '2022', type: 'unsignedInt' },
          { path: 'InternalPort', value: '22', type: 'unsignedInt' },
        ],
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      admin,
      30_000,
    );
    expect(added.details).toBe('');
    const instance = (added.messages[0] as AddObjectResponse).instance;
    expect(cpe.model.instancesOf('Device.NAT.PortMapping.')).toEqual([...before, instance]);
    expect(cpe.model.rawRead(`Device.NAT.PortMapping.${instance}.ExternalPort`)).toBe('2022');
  }, 120_000);

  it('lists its services by reflection and answers Devices/List to grpcurl with an API key', async () => {
    const grpcurl = join(__dirname, '../../../tools/grpcurl');
    const listed = await run(grpcurl, ['-plaintext', address, 'list'], { timeout: 60_000 });
    for (const s of [
      'acs.v1.DevicesService',
      'acs.v1.ParametersService',
      'acs.v1.TasksService',
      'grpc.health.v1.Health',
    ])
      expect(listed.stdout.split('\n')).toContain(s);
    const body = JSON.stringify({ filter: 'serialNumber PREFIX "NBI"' });
    const call = await run(
      grpcurl,
      [
        '-plaintext',
        '-H',
        `authorization: Bearer ${admin}`,
        '-d',
        body,
        address,
        'acs.v1.DevicesService/ListDevices',
      ],
      { timeout: 60_000 },
    );
    const res = JSON.parse(call.stdout) as { devices?: { id: string }[] };
    expect(res.devices?.map((d) => d.id)).toEqual([cpe.deviceId]);
    // A fact condition is pushed down to FerretDB: same answer.
    const oui = cpe.deviceId.split('-')[0] ?? '';
    const pushed = await api.call(
      '/acs.v1.DevicesService/ListDevices',
      ListDevicesRequest.fromPartial({ filter: `oui = "${oui}" AND serialNumber PREFIX "NBI"` }),
      admin,
    );
    expect((pushed.messages[0] as ListDevicesResponse).devices.map((d) => d.id)).toEqual([
      cpe.deviceId,
    ]);
    const refused = await run(
      grpcurl,
      ['-plaintext', address, 'acs.v1.DevicesService/ListDevices'],
      {
        timeout: 60_000,
      },
    ).catch((e: { stderr: string }) => e);
    expect(refused.stderr).toContain('Unauthenticated');
    const health = await run(grpcurl, ['-plaintext', address, 'grpc.health.v1.Health/Check'], {
      timeout: 60_000,
    });
    expect(JSON.parse(health.stdout)).toEqual({ status: 'SERVING' });
  }, 120_000);

  it('refuses unauthenticated and under-privileged calls for every method of every service', async () => {
    const viewer = await api.call(
      '/acs.v1.ApiKeysService/CreateApiKey',
      CreateApiKeyRequest.fromPartial({ name: 'noc', role: Role.ROLE_VIEWER }),
      admin,
    );
    const operator = await api.call(
      '/acs.v1.ApiKeysService/CreateApiKey',
      CreateApiKeyRequest.fromPartial({ name: 'ops', role: Role.ROLE_OPERATOR }),
      admin,
    );
    const keys = {
      viewer: (viewer.messages[0] as CreateApiKeyResponse).secret,
      operator: (operator.messages[0] as CreateApiKeyResponse).secret,
    };
    for (const m of apiMethods()) {
      expect({ path: m.path, code: (await api.call(m)).code }).toEqual({
        path: m.path,
        code: status.UNAUTHENTICATED,
      });
      const needed = requiredRole(m.service, m.method.charAt(0).toLowerCase() + m.method.slice(1));
      const below =
        needed === 'admin'
          ? (['viewer', 'operator'] as const)
          : needed === 'operator'
            ? (['viewer'] as const)
            : [];
      for (const role of below)
        expect({
          path: m.path,
          role,
          code: (await api.call(m, undefined, keys[role])).code,
        }).toEqual({
          path: m.path,
          role,
          code: status.PERMISSION_DENIED,
        });
    }
  }, 120_000);
});
