import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { type Subscription } from '@acs/bus';
import { StoreDeviceContactDirectory } from '@acs/connreq';
import { CpeFleet, type SimulatedCpe } from '@acs/cpe-sim';
import type { EventStruct } from '@acs/cwmp';
import { TOPICS, decodeEvent } from '@acs/events';
import { ApiCaller } from '@acs/nbi';
import {
  CreateProfileRequest,
  Delivery,
  ScheduleInformRequest,
  TaskStatus,
  UploadRequest,
  type ScheduleInformResponse,
  type UploadResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { startSplitStack, type SplitStack } from './split-stack';

// Issue 8 Upload and ScheduleInform end to end on the split deployment (real Kafka, Redis,
// FerretDB): the API queues the task and wakes the device (connection request, TR-069 §3.2.2),
// the simulated CPE gets the RPC in that session, uploads (HTTP PUT, TR-069 A.4.1.5) to a
// loopback file server in this test, and its TransferComplete (A.3.3.2) completes the task;
// a ScheduleInform makes it inform again with `3 SCHEDULED` + `M ScheduleInform` (A.4.1.2).

const USER = 'uploader';
const PASS = 'up-pass';

/** A loopback file server: PUT with Basic credentials stores the body; anything else is refused. */
function startFileServer(): { server: Server; uploads: Map<string, Buffer> } {
  const uploads = new Map<string, Buffer>();
  const expected = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  const server = createServer((req, res) => {
    if (req.method !== 'PUT') {
      res.writeHead(405).end();
      return;
    }
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="uploads"' }).end();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1 << 20) chunks.push(c);
    });
    req.on('end', () => {
      if (size > 1 << 20) {
        res.writeHead(413).end();
        return;
      }
      uploads.set(req.url ?? '', Buffer.concat(chunks));
      res.writeHead(201).end();
    });
  });
  return { server, uploads };
}

describe('ActionsService Upload and ScheduleInform (split apps, simulated CPE)', () => {
  const files = startFileServer();
  /** Event lists of the device's Informs, as the gateway put them on the bus. */
  const informs: EventStruct[][] = [];
  let stack: SplitStack;
  let store: SplitStack['store'];
  let api: ApiCaller;
  let admin: string;
  let fleet: CpeFleet;
  let cpe: SimulatedCpe;
  let watch: Subscription;
  let filesUrl: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => files.server.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.server.address() as AddressInfo).port}`;
    stack = await startSplitStack('actions-e2e', 'ACT');
    ({ store, api, admin, fleet, cpe } = stack);
    watch = await stack.bus.subscribe({
      groupId: `${stack.id}-informs`,
      topics: [TOPICS.informs],
      handler: (m) => {
        const e = decodeEvent(m.value);
        if (e.schema === 'cwmp.inform.v1') informs.push([...e.inform.event]);
        return Promise.resolve();
      },
    });

    // Connection-request credentials from a profile: the CPE gets them in its first session and
    // the contact directory records them, so the API's wake-ups reach it.
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
    expect(profile.code).toBe(status.OK);
    fleet.boot(cpe);
    const directory = await StoreDeviceContactDirectory.open(store);
    await expectEventually(async () => {
      const contact = await directory.get(cpe.deviceId);
      expect(contact?.http).toMatchObject({ username: 'cr-user', password: 'cr-pass' });
    }, 30_000);
  }, 90_000);

  afterAll(async () => {
    await watch?.stop();
    await stack?.stop();
    await new Promise<void>((resolve) => files.server.close(() => resolve()));
  }, 60_000);

  it('uploads the vendor configuration to the file server and completes the task after TransferComplete', async () => {
    const out = await api.call(
      '/acs.v1.ActionsService/Upload',
      UploadRequest.fromPartial({
        deviceId: cpe.deviceId,
        file: {
          fileType: '1 Vendor Configuration File',
          url: `${filesUrl}/uploads/config.json`,
          username: USER,
          password: PASS,
          commandKey: 'cfg-e2e',
        },
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      admin,
      45_000,
    );
    expect(out.details).toBe('');
    const task = (out.messages[0] as UploadResponse).task;
    expect(task?.status).toBe(TaskStatus.TASK_STATUS_DONE);
    // The file really arrived, with the device's configuration (cpe-sim: JSON path → value).
    const body = files.uploads.get('/uploads/config.json');
    expect(body).toBeDefined();
    const config = JSON.parse(body?.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(config['Device.ManagementServer.ConnectionRequestUsername']).toBe('cr-user');
    // Completed by the TransferComplete of a later session: 7 TRANSFER COMPLETE + M Upload.
    expect(informs).toContainEqual(
      expect.arrayContaining([
        { eventCode: '7 TRANSFER COMPLETE', commandKey: '' },
        { eventCode: 'M Upload', commandKey: 'cfg-e2e' },
      ]),
    );
  }, 120_000);

  it('makes the device inform again with 3 SCHEDULED and M ScheduleInform', async () => {
    const out = await api.call(
      '/acs.v1.ActionsService/ScheduleInform',
      ScheduleInformRequest.fromPartial({
        deviceId: cpe.deviceId,
        delaySeconds: 1,
        commandKey: 'si-e2e',
        delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
      }),
      admin,
      45_000,
    );
    expect(out.details).toBe('');
    expect((out.messages[0] as ScheduleInformResponse).task?.status).toBe(
      TaskStatus.TASK_STATUS_DONE,
    );
    await expectEventually(
      () =>
        expect(informs).toContainEqual(
          expect.arrayContaining([
            { eventCode: '3 SCHEDULED', commandKey: '' },
            { eventCode: 'M ScheduleInform', commandKey: 'si-e2e' },
          ]),
        ),
      30_000,
    );
  }, 120_000);
});
