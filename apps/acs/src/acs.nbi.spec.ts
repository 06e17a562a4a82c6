import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { status } from '@grpc/grpc-js';
import { startHttpCpe } from '@acs/cpe-sim';
import { ApiCaller } from '@acs/nbi';
import {
  Delivery,
  ListDevicesRequest,
  SetParametersRequest,
  TaskStatus,
  type ListDevicesResponse,
  type SetParametersResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { loadAcsConfig } from './acs.config';
import { AcsRuntime } from './acs.runtime';

const NTP = 'Device.Time.NTPServer1';

// The all-in-one ACS serves the gRPC API in-process: the first start hands out the initial admin
// key once (a file in the data directory), and a set with wake-up and wait reaches a simulated CPE
// over an HTTP connection request in one API call. A restart keeps the key and creates no other.
describe('AcsRuntime serving the gRPC API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (): Promise<AcsRuntime> => {
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles, { recursive: true });
    writeFileSync(
      join(profiles, 'connreq.yaml'),
      [
        'name: connreq',
        'parameters:',
        '  Device.ManagementServer.ConnectionRequestUsername: cr-user',
        '  Device.ManagementServer.ConnectionRequestPassword: cr-pass',
        '',
      ].join('\n'),
    );
    const acs = await AcsRuntime.create(
      loadAcsConfig({
        ACS_DATA_DIR: join(dir, 'data'),
        ACS_PROFILE_DIR: profiles,
        GATEWAY_PORT: '0',
        GATEWAY_BIND: '127.0.0.1',
        GATEWAY_BASIC_OVER_HTTP: 'true',
        GATEWAY_BOOTSTRAP_POLICY: 'register',
        GATEWAY_BOOTSTRAP_USERNAME: 'boot',
        GATEWAY_BOOTSTRAP_PASSWORD: 'strap',
        STUN_HOST: '127.0.0.1',
        STUN_PORT: '0',
        // The simulated CPE listens on loopback, which the default address policy refuses.
        CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
        CONNREQ_DENY_CIDRS: '',
      }),
      pino({ level: 'silent' }),
    );
    await acs.onApplicationBootstrap();
    return acs;
  };
  const stop = async (acs: AcsRuntime): Promise<void> => {
    await acs.beforeApplicationShutdown();
    await acs.onApplicationShutdown();
  };

  it('hands out the admin key once and sets a parameter with wake-up and wait in one call', async () => {
    const acs = await start();
    const keyFile = join(dir, 'data', 'nbi-admin.key');
    expect(acs.nbi?.bootstrap.kind).toBe('created');
    const admin = readFileSync(keyFile, 'utf8').trim();
    const api = new ApiCaller(`127.0.0.1:${acs.nbi?.port}`);
    const { fleet, cpe, crServer, stop: stopCpe } = await startHttpCpe({
      group: {
        acsUrl: `http://127.0.0.1:${acs.address?.port}/`,
        acsUsername: 'boot',
        acsPassword: 'strap',
        preemptiveBasic: true,
      },
    });
    try {
      fleet.boot(cpe);
      // Provisioning sets the CR credentials; the contact recorder stores them at session end.
      await expectEventually(() => expect(cpe.crUsername).toBe('cr-user'), 10_000);
      await expectEventually(
        () => expect(acs.connreq?.contacts?.stats.recorded).toBeGreaterThanOrEqual(2),
        10_000,
      );
      const out = await api.call(
        '/acs.v1.ParametersService/SetParameters',
        SetParametersRequest.fromPartial({
          deviceId: cpe.deviceId,
          values: [{ path: NTP, value: 'ntp.all-in-one.example' }],
          delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
        }),
        admin,
        20_000,
      );
      expect(out.details).toBe('');
      expect((out.messages[0] as SetParametersResponse).task?.status).toBe(
        TaskStatus.TASK_STATUS_DONE,
      );
      expect(cpe.model.rawRead(NTP)).toBe('ntp.all-in-one.example');
      expect(crServer.accepted).toBeGreaterThanOrEqual(1);
    } finally {
      api.close();
      await stopCpe();
      await stop(acs);
    }

    // Restarted on the same data: the key still works and no second one is created.
    rmSync(keyFile);
    const again = await start();
    const api2 = new ApiCaller(`127.0.0.1:${again.nbi?.port}`);
    try {
      expect(again.nbi?.bootstrap.kind).toBe('exists');
      expect(existsSync(keyFile)).toBe(false);
      const list = await api2.call(
        '/acs.v1.DevicesService/ListDevices',
        ListDevicesRequest.fromPartial({}),
        admin,
      );
      expect(list.code).toBe(status.OK);
      expect((list.messages[0] as ListDevicesResponse).devices).toHaveLength(1);
    } finally {
      api2.close();
      await stop(again);
    }
  }, 60_000);
});
