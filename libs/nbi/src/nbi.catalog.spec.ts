import { status } from '@grpc/grpc-js';
import type { FaultRecord } from '@acs/domain';
import { loadState, storeState } from '@acs/provisioning';
import {
  ClearFaultRequest,
  CreateProfileRequest,
  DeleteProfileRequest,
  DryRunProfileRequest,
  GetProfileRequest,
  ListAuditEntriesRequest,
  ListFaultsRequest,
  RetryFaultRequest,
  UpdateProfileRequest,
  type DryRunProfileResponse,
  type GetProfileResponse,
  type ListAuditEntriesResponse,
  type ListFaultsResponse,
  type RetryFaultResponse,
  type UpdateProfileResponse,
} from '@acs/proto';
import { putDevice, sampleDevice, startHarness, type NbiHarness } from './testing/nbi.harness';

const SSID = 'Device.WiFi.SSID.1.SSID';

describe('profiles and faults through the API', () => {
  let h: NbiHarness;

  beforeAll(async () => {
    h = await startHarness();
    await putDevice(h.repos, sampleDevice(1, ['lab'], 'home'));
    await putDevice(h.repos, sampleDevice(2, [], 'home'));
    await putDevice(h.repos, sampleDevice(3, ['lab'], 'lab-ssid'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates, refuses to re-create, updates to the next version, reads and deletes a profile', async () => {
    const def = { name: 'wifi', filter: [{ field: 'tag', op: 'eq', value: 'lab' }] };
    const created = await h.api.call(
      '/acs.v1.ProfilesService/CreateProfile',
      CreateProfileRequest.fromPartial({ definition: { ...def, parameters: { [SSID]: 'a' } } }),
      h.keys.admin,
    );
    expect(created.code).toBe(status.OK);
    const again = await h.api.call(
      '/acs.v1.ProfilesService/CreateProfile',
      CreateProfileRequest.fromPartial({ definition: { ...def, parameters: { [SSID]: 'a' } } }),
      h.keys.admin,
    );
    expect(again.code).toBe(status.ALREADY_EXISTS);
    const updated = await h.api.call(
      '/acs.v1.ProfilesService/UpdateProfile',
      UpdateProfileRequest.fromPartial({ definition: { ...def, parameters: { [SSID]: 'b' } } }),
      h.keys.admin,
    );
    expect((updated.messages[0] as UpdateProfileResponse).profile?.version).toBe(2);
    const got = await h.api.call(
      '/acs.v1.ProfilesService/GetProfile',
      GetProfileRequest.fromPartial({ name: 'wifi' }),
      h.keys.viewer,
    );
    const profile = (got.messages[0] as GetProfileResponse).profile;
    expect(profile?.definition).toMatchObject({ name: 'wifi', parameters: { [SSID]: 'b' } });
    expect(profile?.updatedBy).toMatch(/^apikey:/);
    const deleted = await h.api.call(
      '/acs.v1.ProfilesService/DeleteProfile',
      DeleteProfileRequest.fromPartial({ name: 'wifi' }),
      h.keys.admin,
    );
    expect(deleted.code).toBe(status.OK);
    const gone = await h.api.call(
      '/acs.v1.ProfilesService/GetProfile',
      GetProfileRequest.fromPartial({ name: 'wifi' }),
      h.keys.viewer,
    );
    expect(gone.code).toBe(status.NOT_FOUND);
    const trail = await h.api.call(
      '/acs.v1.AuditService/ListAuditEntries',
      ListAuditEntriesRequest.fromPartial({ global: true }),
      h.keys.admin,
    );
    const actions = (trail.messages[0] as ListAuditEntriesResponse).entries.map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('profile.'))).toEqual([
      'profile.saved',
      'profile.saved',
      'profile.deleted',
    ]);
  });

  it('dry-runs a profile: only the matching devices whose value differs would get a SetParameterValues', async () => {
    const out = await h.api.call(
      '/acs.v1.ProfilesService/DryRunProfile',
      DryRunProfileRequest.fromPartial({
        definition: {
          name: 'lab-ssid',
          filter: [{ field: 'tag', op: 'eq', value: 'lab' }],
          parameters: { [SSID]: 'lab-ssid' },
        },
      }),
      h.keys.operator,
    );
    expect(out.details).toBe('');
    const res = out.messages[0] as DryRunProfileResponse;
    expect(res.devicesExamined).toBe(3);
    expect(res.devices).toEqual([
      {
        deviceId: sampleDevice(1, [], '').id,
        rpcs: [{ method: 'SetParameterValues', targets: [SSID] }],
      },
    ]);
    expect(await h.repos.profiles.findById('lab-ssid')).toBeUndefined();
  });

  it('lists, retries and clears a fault in the device state and its mirror', async () => {
    const id = sampleDevice(2, [], '').id;
    const doc = await h.repos.devices.findById(id);
    const state = loadState(doc!.state, id);
    const record: FaultRecord = {
      source: { kind: 'profile', name: 'wifi', version: 1 },
      target: SSID,
      kind: 'cpe',
      method: 'SetParameterValues',
      code: 9007,
      message: 'Invalid parameter value',
      retries: 3,
      firstAt: 1,
      lastAt: 2,
      nextRetryAt: Date.now() + 3_600_000,
    };
    const key = `profile:wifi|${SSID}`;
    await h.repos.devices.update(id, doc!._version, {
      $set: { state: storeState({ ...state, faults: { [key]: record } }) },
    });
    await h.repos.faults.insert({
      _id: `${id}|${key}`,
      deviceId: id,
      sourceKind: 'profile',
      sourceName: 'wifi',
      target: SSID,
      kind: 'cpe',
      method: 'SetParameterValues',
      code: 9007,
      message: 'Invalid parameter value',
      retries: 3,
      firstAt: 1,
      lastAt: 2,
      nextRetryAt: record.nextRetryAt,
    });
    const listed = await h.api.call(
      '/acs.v1.FaultsService/ListFaults',
      ListFaultsRequest.fromPartial({ deviceId: id }),
      h.keys.viewer,
    );
    const faults = (listed.messages[0] as ListFaultsResponse).faults;
    expect(faults.map((f) => [f.id, f.code])).toEqual([[`${id}|${key}`, 9007]]);

    const before = Date.now();
    const retried = await h.api.call(
      '/acs.v1.FaultsService/RetryFault',
      RetryFaultRequest.fromPartial({ faultId: `${id}|${key}` }),
      h.keys.operator,
    );
    expect(
      Number((retried.messages[0] as RetryFaultResponse).fault?.nextRetryAt?.seconds),
    ).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const afterRetry = await h.repos.devices.findById(id);
    expect(loadState(afterRetry!.state, id).faults[key]?.nextRetryAt).toBeGreaterThanOrEqual(
      before,
    );

    const cleared = await h.api.call(
      '/acs.v1.FaultsService/ClearFault',
      ClearFaultRequest.fromPartial({ faultId: `${id}|${key}` }),
      h.keys.operator,
    );
    expect(cleared.code).toBe(status.OK);
    const after = await h.repos.devices.findById(id);
    expect(loadState(after!.state, id).faults).toEqual({});
    expect(await h.repos.faults.findById(`${id}|${key}`)).toBeUndefined();
    const trail = await h.api.call(
      '/acs.v1.AuditService/ListAuditEntries',
      ListAuditEntriesRequest.fromPartial({ deviceId: id }),
      h.keys.admin,
    );
    expect((trail.messages[0] as ListAuditEntriesResponse).entries.map((e) => e.action)).toEqual([
      'fault.retried',
      'fault.cleared',
    ]);
  });
});
