import { statSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  apiMethods,
  CreateProfileRequest,
  Delivery,
  GetDeviceRequest,
  ListAuditEntriesRequest,
  ListDevicesRequest,
  SetParametersRequest,
  type ListAuditEntriesResponse,
  type ListDevicesResponse,
} from '@acs/proto';
import { expectEventually } from '@acs/testing';
import { requiredRole } from './auth/roles.table';
import { errorDetailOf } from './grpc-status.mapper';
import { startNbi } from './nbi.runtime';
import { putDevice, sampleDevice, startHarness, type NbiHarness } from './testing/nbi.harness';

const keyOf = (m: string): string => m.charAt(0).toLowerCase() + m.slice(1);

describe(startNbi.name, () => {
  let h: NbiHarness;

  beforeAll(async () => {
    h = await startHarness();
    for (let n = 0; n < 25; n++)
      await putDevice(
        h.repos,
        sampleDevice(n, n % 3 === 0 ? ['lab'] : [], n % 2 === 0 ? 'even' : 'odd'),
      );
  });

  afterAll(async () => {
    await h.close();
  });

  it('writes the initial admin key once, to a file only its owner can read', () => {
    expect(h.nbi.bootstrap.kind).toBe('created');
    expect(statSync(join(h.dir, 'admin.key')).mode & 0o777).toBe(0o600);
    expect(h.bootstrapKey).toMatch(/^acs_[0-9a-f]{16}_/);
  });

  it('refuses every method of every service without a credential, with a bad one, and below its role', async () => {
    const methods = apiMethods();
    expect(methods.length).toBeGreaterThan(30);
    for (const m of methods) {
      const none = await h.api.call(m);
      expect({ path: m.path, code: none.code }).toEqual({
        path: m.path,
        code: status.UNAUTHENTICATED,
      });
      const forged = await h.api.call(m, undefined, `acs_0123456789abcdef_${'x'.repeat(43)}`);
      expect({ path: m.path, code: forged.code }).toEqual({
        path: m.path,
        code: status.UNAUTHENTICATED,
      });
      const needed = requiredRole(m.service, keyOf(m.method));
      const below =
        needed === 'admin' ? ['viewer', 'operator'] : needed === 'operator' ? ['viewer'] : [];
      for (const role of below as ('viewer' | 'operator')[]) {
        const out = await h.api.call(m, undefined, h.keys[role]);
        expect({ path: m.path, role, code: out.code }).toEqual({
          path: m.path,
          role,
          code: status.PERMISSION_DENIED,
        });
      }
      // The role that suffices gets past the guard (an empty request may still be invalid).
      const ok = await h.api.call(m, undefined, h.keys[needed ?? 'admin'], 300);
      expect({
        path: m.path,
        refused: [status.UNAUTHENTICATED, status.PERMISSION_DENIED].includes(ok.code),
        internal: ok.code === status.INTERNAL || ok.code === status.UNKNOWN,
      }).toEqual({ path: m.path, refused: false, internal: false });
    }
  });

  it('lists devices matching a filter in id order, page by page, with a field mask', async () => {
    const seen: string[] = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const out = await h.api.call(
        '/acs.v1.DevicesService/ListDevices',
        ListDevicesRequest.fromPartial({
          filter: 'tag = "lab" OR Device.WiFi.SSID.1.SSID = "odd"',
          pageSize: 4,
          pageToken: token,
          readMask: ['id', 'tags'],
        }),
        h.keys.viewer,
      );
      expect(out.code).toBe(status.OK);
      const res = out.messages[0] as ListDevicesResponse;
      for (const d of res.devices) {
        expect(d.serialNumber).toBe('');
        seen.push(d.id);
      }
      token = res.nextPageToken;
      if (token === '') break;
    }
    const expected = Array.from({ length: 25 }, (_, n) => n)
      .filter((n) => n % 3 === 0 || n % 2 === 1)
      .map((n) => `00D09E-HG-${String(n).padStart(4, '0')}`);
    expect(seen).toEqual(expected);
  });

  it('lets the store skip devices whose facts differ, with the same answer as the filter', async () => {
    const ids = async (filter: string): Promise<string[]> => {
      const out = await h.api.call(
        '/acs.v1.DevicesService/ListDevices',
        ListDevicesRequest.fromPartial({ filter, pageSize: 1000, readMask: ['id'] }),
        h.keys.viewer,
      );
      expect(out.code).toBe(status.OK);
      return (out.messages[0] as ListDevicesResponse).devices.map((d) => d.id);
    };
    const lab = await ids('tag = "lab"');
    expect(lab).toHaveLength(9);
    expect(await ids('productClass = "HG" AND tag = "lab"')).toEqual(lab);
    expect(await ids('tag = "lab" AND serialNumber = "3"')).toEqual(['00D09E-HG-0003']);
    expect(await ids('productClass = "XX" AND tag = "lab"')).toEqual([]);
    expect(await ids('productClass = "XX" OR tag = "lab"')).toEqual(lab);
  });

  it('names the field and the position of a bad filter, and the field of a bad request', async () => {
    const bad = await h.api.call(
      '/acs.v1.DevicesService/ListDevices',
      ListDevicesRequest.fromPartial({ filter: 'tag = "lab" AND colour = "red"' }),
      h.keys.viewer,
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('position 16');
    expect(errorDetailOf(bad.trailers)).toMatchObject({ field: 'filter', position: 16 });

    const mask = await h.api.call(
      '/acs.v1.DevicesService/GetDevice',
      GetDeviceRequest.fromPartial({ deviceId: '00D09E-HG-0001', readMask: ['id', 'colour'] }),
      h.keys.viewer,
    );
    expect(mask.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailOf(mask.trailers)?.field).toBe('read_mask.1');

    const missing = await h.api.call(
      '/acs.v1.DevicesService/GetDevice',
      GetDeviceRequest.fromPartial({ deviceId: 'nope' }),
      h.keys.viewer,
    );
    expect(missing.code).toBe(status.NOT_FOUND);

    const profile = await h.api.call(
      '/acs.v1.ProfilesService/CreateProfile',
      CreateProfileRequest.fromPartial({
        definition: { name: 'wifi', objects: [{ path: 'Device.WiFi.SSID.' }] },
      }),
      h.keys.admin,
    );
    expect(profile.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailOf(profile.trailers)?.field).toBe('definition.objects.0.key');
  });

  it('queues a parameter change as a task, in the audit trail with the caller', async () => {
    const out = await h.api.call(
      '/acs.v1.ParametersService/SetParameters',
      SetParametersRequest.fromPartial({
        deviceId: '00D09E-HG-0002',
        values: [{ path: 'Device.WiFi.SSID.1.SSID', value: 'new' }],
        delivery: Delivery.DELIVERY_QUEUE,
      }),
      h.keys.operator,
    );
    expect(out.code).toBe(status.OK);
    const trail = await h.api.call(
      '/acs.v1.AuditService/ListAuditEntries',
      ListAuditEntriesRequest.fromPartial({ deviceId: '00D09E-HG-0002' }),
      h.keys.admin,
    );
    const entries = (trail.messages[0] as ListAuditEntriesResponse).entries;
    expect(entries.map((e) => [e.action, e.actor.slice(0, 7)])).toEqual([
      ['task.created', 'apikey:'],
    ]);
  });

  it('answers garbage request bytes on every method with a status, and keeps serving', async () => {
    const { Client, credentials, Metadata } = await import('@grpc/grpc-js');
    const { randomBytes } = await import('node:crypto');
    const raw = new Client(`127.0.0.1:${h.nbi.port}`, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${h.keys.admin}`);
    const id = (b: Buffer): Buffer => b;
    const codes = new Set<number>();
    // INTERNAL is only grpc-js refusing bytes that are not the request message.
    const internal = new Set<string>();
    try {
      for (const m of apiMethods()) {
        for (let i = 0; i < 10; i++) {
          const body = randomBytes(1 + ((i * 37) % 200));
          codes.add(
            await new Promise<number>((resolve) => {
              const deadline = Date.now() + (m.responseStream ? 300 : 2_000);
              if (m.responseStream) {
                const s = raw.makeServerStreamRequest(m.path, id, id, body, metadata, { deadline });
                s.on('data', () => undefined);
                s.on('error', (e: { code: status; details: string }) => {
                  if (e.code === status.INTERNAL) internal.add(e.details);
                  resolve(e.code);
                });
                s.on('end', () => resolve(status.OK));
              } else
                raw.makeUnaryRequest(m.path, id, id, body, metadata, { deadline }, (e) => {
                  if (e?.code === status.INTERNAL) internal.add(e.details);
                  resolve(e === null ? status.OK : e.code);
                });
            }),
          );
        }
      }
    } finally {
      raw.close();
    }
    expect(codes.has(status.UNKNOWN)).toBe(false);
    expect([...internal]).toEqual(internal.size === 0 ? [] : ['Error deserializing request']);
    const after = await h.api.call(
      '/acs.v1.DevicesService/ListDevices',
      ListDevicesRequest.fromPartial({ pageSize: 1 }),
      h.keys.viewer,
    );
    expect(after.code).toBe(status.OK);
  });

  it('answers health checks without a credential', async () => {
    const { HealthClient } = await healthClient();
    const c = new HealthClient(`127.0.0.1:${h.nbi.port}`);
    await expectEventually(async () => {
      const r = await c.check('acs.v1.DevicesService');
      expect(r).toBe('SERVING');
    }, 5_000);
    c.close();
  });
});

async function healthClient() {
  const grpc = await import('@grpc/grpc-js');
  const { service } = await import('grpc-health-check');
  const Ctor = grpc.makeGenericClientConstructor(service, 'Health');
  class HealthClient {
    private readonly c: InstanceType<typeof Ctor>;
    constructor(address: string) {
      this.c = new Ctor(address, grpc.credentials.createInsecure());
    }
    check(name: string): Promise<string> {
      return new Promise((resolve, reject) =>
        (
          this.c as unknown as {
            check(r: object, cb: (e: Error | null, res?: { status: string }) => void): void;
          }
        ).check({ service: name }, (e, res) =>
          e === null ? resolve(res?.status ?? '') : reject(e),
        ),
      );
    }
    close(): void {
      this.c.close();
    }
  }
  return { HealthClient };
}
