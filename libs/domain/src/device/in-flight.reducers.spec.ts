import type { AddObject, DeleteObject, SetParameterValues } from '@acs/cwmp';
import { mergeDesired } from '../desired/desired-state.merge';
import { plan } from '../plan/plan.engine';
import type { PlannedRpc } from '../plan/plan.types';
import { applyRpcResult, applyRpcSent } from '../plan/rpc-result.apply';
import { parseProfile } from '../profile/profile.loader';
import { device, inform, NOW, s, T0, TR181, u } from '../testing/device.fixtures';
import { summarize } from '../testing/plan.summary';
import { applyGetParameterNamesResponse, applyInform } from './device-state.reducers';
import type { DeviceState, ParameterNode } from './device-state.types';
import { settleInFlight } from './in-flight.reducers';

const PI = 'Device.ManagementServer.PeriodicInformInterval';
const PM = 'Device.NAT.PortMapping.';
const P1 = { kind: 'profile', name: 'p1', version: 1 } as const;

const rpc = (
  request: SetParameterValues | AddObject | DeleteObject,
  createdFor?: string,
): PlannedRpc => ({
  request,
  purpose:
    request.type === 'SetParameterValues'
      ? 'set'
      : request.type === 'AddObject'
        ? 'addObject'
        : 'deleteObject',
  items: [{ target: 'x', source: P1 }],
  ...(createdFor === undefined ? {} : { createdFor }),
});
const spv = (key: string, value = 300): PlannedRpc =>
  rpc({
    type: 'SetParameterValues',
    parameterList: [{ name: PI, value: u(value) }],
    parameterKey: key,
  });
const withKey = (key: string) => ({
  ...inform('Device.', ['2 PERIODIC']),
  parameterList: [{ name: 'Device.ManagementServer.ParameterKey', value: s(key) }],
});
const param = (st: DeviceState, p: string) => st.nodes[p] as ParameterNode;

describe(settleInFlight.name, () => {
  const base = {
    ...device('Device.', TR181),
    nodes: {
      ...device('Device.', TR181).nodes,
      [PM]: { kind: 'object' as const, instance: false, childrenReadAt: T0 },
    },
  };

  it('applies a set whose response was lost when the Inform reports its ParameterKey', () => {
    const sent = applyRpcSent(base, spv('k1'));
    const next = applyInform(sent, withKey('k1'), NOW);
    expect(param(next, PI)).toMatchObject({
      value: u(300),
      valueReadAt: NOW,
      lastSet: { value: u(300) },
    });
    expect(next.inFlight).toBeUndefined();
  });

  it('drops sets the Inform does not confirm and keeps the old values', () => {
    const sent = applyRpcSent(applyRpcSent(base, spv('k1')), spv('k2', 400));
    const next = applyInform(sent, withKey('other'), NOW);
    expect(param(next, PI).value).toEqual(u(3600));
    expect(next.inFlight).toBeUndefined();
  });

  it('forgets the values of a set sent before the confirmed one, so they are read again', () => {
    const add = rpc({ type: 'AddObject', objectName: PM, parameterKey: 'k2' }, 'obj');
    const sent = applyRpcSent(applyRpcSent(base, spv('k1')), add);
    const next = applyInform(sent, withKey('k2'), NOW);
    expect(param(next, PI).value).toBeUndefined();
    expect(param(next, PI).valueReadAt).toBeUndefined();
  });

  it('removes an instance whose DeleteObject the Inform confirms', () => {
    const del = rpc({
      type: 'DeleteObject',
      objectName: 'Device.WiFi.SSID.2.',
      parameterKey: 'k1',
    });
    const next = applyInform(applyRpcSent(base, del), withKey('k1'), NOW);
    expect(Object.keys(next.nodes).filter((p) => p.startsWith('Device.WiFi.SSID.2.'))).toEqual([]);
  });

  it('settles the entry when the result does arrive', () => {
    const sent = applyRpcSent(base, spv('k1'));
    const done = applyRpcResult(
      sent,
      spv('k1'),
      { type: 'SetParameterValuesResponse', status: 0 },
      NOW,
    );
    expect(done.inFlight).toBeUndefined();
    const faulted = applyRpcResult(
      sent,
      spv('k1'),
      { type: 'Fault', faultCode: 'Client', faultString: 'x', detail: { faultCode: 9007 } },
      NOW,
    );
    expect(faulted.inFlight).toBeUndefined();
  });

  it('links the instance a lost AddObject created, so the next plan sets it up instead of adding another', () => {
    const profile = parseProfile({
      name: 'p1',
      objects: [{ path: PM, key: { ExternalPort: 8080 } }],
    });
    const desired = mergeDesired(base, [profile], [], { now: NOW });
    const step = plan(base, desired, { now: NOW });
    expect(step.rpcs.map(summarize)).toEqual([`Add ${PM}`]);
    const add = step.rpcs[0] as PlannedRpc;
    const sent = applyRpcSent(base, add);
    // The session broke: the CPE created instance 4 but its response never came back.
    const key = add.request.type === 'AddObject' ? add.request.parameterKey : '';
    const next = applyInform(sent, withKey(key), NOW + 1);
    expect(next.unlinked).toHaveLength(1);
    const again = plan(next, mergeDesired(next, [profile], [], { now: NOW + 1 }), { now: NOW + 1 });
    expect(again.rpcs.map(summarize)).toEqual([`GPN ${PM} true`]);
    const found = applyGetParameterNamesResponse(
      next,
      { type: 'GetParameterNames', parameterPath: PM, nextLevel: true },
      { type: 'GetParameterNamesResponse', parameterList: [{ name: `${PM}4.`, writable: true }] },
      NOW + 1,
    );
    expect(found.unlinked).toBeUndefined();
    expect(found.nodes[`${PM}4.`]).toMatchObject({ createdFor: desired.objects[0]?.id });
    const setup = plan(found, mergeDesired(found, [profile], [], { now: NOW + 1 }), {
      now: NOW + 1,
    });
    expect(setup.rpcs.map(summarize)).toEqual([`SPV ${PM}4.ExternalPort=unsignedInt:8080`]);
  });
});
