import { Metadata, status } from '@grpc/grpc-js';
import { ListDevicesRequest, WakeUpRequest } from '@acs/proto';
import { putDevice, sampleDevice, startHarness, type NbiHarness } from '../testing/nbi.harness';
import { Authenticator } from './authenticator';
import { signHs256 } from './jwt.verifier';

const SECRET = 'jwt-secret-for-the-authenticator-test!';

describe(Authenticator.name, () => {
  let h: NbiHarness;
  const jwt = (role: string, sub = 'alice'): string =>
    signHs256({ sub, role, exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);

  beforeAll(async () => {
    h = await startHarness({ NBI_JWT_HS256_SECRET: SECRET });
    await putDevice(h.repos, sampleDevice(1, [], 'x'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('takes a JWT bearer token with its role, and records its subject as the actor', async () => {
    const list = await h.api.call(
      '/acs.v1.DevicesService/ListDevices',
      ListDevicesRequest.fromPartial({}),
      jwt('viewer'),
    );
    expect(list.code).toBe(status.OK);
    const denied = await h.api.call(
      '/acs.v1.ActionsService/WakeUp',
      WakeUpRequest.fromPartial({ deviceId: sampleDevice(1, [], '').id }),
      jwt('viewer'),
    );
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.details).toContain('needs role operator; jwt:alice is viewer');
    const woken = await h.api.call(
      '/acs.v1.ActionsService/WakeUp',
      WakeUpRequest.fromPartial({ deviceId: sampleDevice(1, [], '').id }),
      jwt('operator', 'bob'),
    );
    expect(woken.code).toBe(status.OK);
    const audit = await h.nbi.deps.audit.repo.find({ action: 'device.wakeup' });
    expect(audit.items.map((a) => a.actor)).toEqual(['jwt:bob']);
  });

  it('accepts x-api-key and refuses malformed or foreign credentials', async () => {
    const auth = new Authenticator(h.nbi.deps.keys, undefined);
    const md = (name: string, value: string): Metadata => {
      const m = new Metadata();
      m.set(name, value);
      return m;
    };
    await expect(auth.authenticate(md('x-api-key', h.keys.operator))).resolves.toMatchObject({
      role: 'operator',
      via: 'api-key',
    });
    for (const [name, value, message] of [
      ['authorization', 'Basic dXNlcjpwYXNz', 'expected "Bearer <token>"'],
      ['authorization', `Bearer ${jwt('admin')}`, 'JWT not configured'],
      ['x-api-key', 'acs_short', 'malformed API key'],
      ['x-other', 'x', 'no credential'],
    ] as const)
      await expect(auth.authenticate(md(name, value))).rejects.toThrow(message);
  });
});
