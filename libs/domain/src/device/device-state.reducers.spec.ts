import type { GetParameterNames, GetParameterValues } from '@acs/cwmp';
import { b, device, inform, NOW, s, T0, TR181, u } from '../testing/device.fixtures';
import {
  applyAddObjectResponse,
  applyDeleteObjectResponse,
  applyGetParameterAttributesResponse,
  applyGetParameterNamesResponse,
  applyGetParameterValuesResponse,
  applyInform,
  applySetParameterAttributesResult,
  applySetParameterValuesResult,
  forgetModel,
} from './device-state.reducers';
import { emptyDeviceState, type ParameterNode } from './device-state.types';

const SSID = 'Device.WiFi.SSID.';
const PIINT = 'Device.ManagementServer.PeriodicInformInterval';
const param = (st: { nodes: Record<string, unknown> }, p: string): ParameterNode =>
  st.nodes[p] as ParameterNode;

describe(applyInform.name, () => {
  it('records facts, versions, ParameterKey, events and the inform time', () => {
    const st = applyInform(
      emptyDeviceState('id', { oui: '', productClass: '', serialNumber: '', manufacturer: '' }),
      inform('Device.', ['2 PERIODIC'], { [PIINT]: u(300) }),
      NOW,
    );
    expect(st.facts.serialNumber).toBe('SN1');
    expect(st.root).toBe('Device.');
    expect(st.softwareVersion).toBe('1.0');
    expect(st.hardwareVersion).toBe('hw1');
    expect(st.parameterKey).toBe('');
    expect(st.lastInform).toBe(NOW);
    expect(st.lastEvents).toEqual(['2 PERIODIC']);
    expect(param(st, PIINT)).toMatchObject({ value: u(300), valueReadAt: NOW });
    expect(st.lastBoot).toBeUndefined();
  });

  it('records the boot time on 1 BOOT', () => {
    const st = applyInform(device('Device.', TR181), inform('Device.', ['1 BOOT']), NOW);
    expect(st.lastBoot).toBe(NOW);
    expect(st.nodes[`${SSID}1.SSID`]).toBeDefined();
  });

  it('forgets the cached model on 0 BOOTSTRAP and keeps only what the Inform carried', () => {
    const before = { ...device('Device.', TR181), absent: { 'Device.X.': T0 } };
    const st = applyInform(before, inform('Device.', ['0 BOOTSTRAP', '1 BOOT']), NOW);
    expect(st.lastBootstrap).toBe(NOW);
    expect(st.nodes[`${SSID}1.SSID`]).toBeUndefined();
    expect(st.absent).toEqual({});
    expect(Object.keys(st.nodes).sort()).toEqual([
      'Device.DeviceInfo.HardwareVersion',
      'Device.DeviceInfo.SoftwareVersion',
      'Device.ManagementServer.ParameterKey',
    ]);
  });

  it('reads the TR-098 root and its forced parameters', () => {
    const st = applyInform(
      emptyDeviceState('id', { oui: '', productClass: '', serialNumber: '', manufacturer: '' }),
      inform('InternetGatewayDevice.', ['0 BOOTSTRAP']),
      NOW,
    );
    expect(st.root).toBe('InternetGatewayDevice.');
    expect(st.softwareVersion).toBe('1.0');
  });

  it('does not mutate the state it was given', () => {
    const before = device('Device.', TR181);
    const copy = JSON.stringify(before, (_, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    applyInform(before, inform('Device.', ['0 BOOTSTRAP']), NOW);
    expect(
      JSON.stringify(before, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ).toBe(copy);
  });
});

describe(forgetModel.name, () => {
  it('drops nodes, absences, faults and transfers but keeps facts and action runs', () => {
    const st = forgetModel({
      ...device('Device.', TR181),
      actionRuns: { 'task:t1': T0 },
      absent: { 'Device.X.': T0 },
    });
    expect(st.nodes).toEqual({});
    expect(st.absent).toEqual({});
    expect(st.actionRuns).toEqual({ 'task:t1': T0 });
    expect(st.facts.serialNumber).toBe('SN1');
  });
});

describe(applyGetParameterNamesResponse.name, () => {
  const req: GetParameterNames = {
    type: 'GetParameterNames',
    parameterPath: SSID,
    nextLevel: true,
  };

  it('marks the table discovered and records its instances and writability', () => {
    const st = applyGetParameterNamesResponse(
      device('Device.', {}),
      req,
      {
        type: 'GetParameterNamesResponse',
        parameterList: [
          { name: `${SSID}1.`, writable: true },
          { name: `${SSID}3.`, writable: false },
        ],
      },
      NOW,
    );
    expect(st.nodes[SSID]).toMatchObject({ kind: 'object', childrenReadAt: NOW });
    expect(st.nodes[`${SSID}1.`]).toEqual({ kind: 'object', instance: true, writable: true });
    expect(st.nodes[`${SSID}3.`]).toEqual({ kind: 'object', instance: true, writable: false });
  });

  it('drops an instance the device no longer lists, with its subtree', () => {
    const st = applyGetParameterNamesResponse(
      device('Device.', TR181),
      req,
      { type: 'GetParameterNamesResponse', parameterList: [{ name: `${SSID}1.`, writable: true }] },
      NOW,
    );
    expect(st.nodes[`${SSID}2.`]).toBeUndefined();
    expect(st.nodes[`${SSID}2.SSID`]).toBeUndefined();
    expect(param(st, `${SSID}1.SSID`).value).toEqual(s('home'));
  });

  it('keeps known values of parameters it lists', () => {
    const st = applyGetParameterNamesResponse(
      device('Device.', TR181),
      { type: 'GetParameterNames', parameterPath: `${SSID}1.`, nextLevel: true },
      {
        type: 'GetParameterNamesResponse',
        parameterList: [
          { name: `${SSID}1.SSID`, writable: true },
          { name: `${SSID}1.Enable`, writable: true },
        ],
      },
      NOW,
    );
    expect(param(st, `${SSID}1.SSID`)).toMatchObject({ value: s('home'), writable: true });
    expect(st.nodes[`${SSID}1.Alias`]).toBeUndefined();
  });

  it('marks every object of a full-subtree answer (NextLevel=false) discovered', () => {
    const st = applyGetParameterNamesResponse(
      device('Device.', {}),
      { type: 'GetParameterNames', parameterPath: 'Device.NAT.', nextLevel: false },
      {
        type: 'GetParameterNamesResponse',
        parameterList: [
          { name: 'Device.NAT.PortMapping.', writable: true },
          { name: 'Device.NAT.PortMapping.1.', writable: true },
          { name: 'Device.NAT.PortMapping.1.ExternalPort', writable: true },
        ],
      },
      NOW,
    );
    expect(st.nodes['Device.NAT.PortMapping.']).toMatchObject({ childrenReadAt: NOW });
    expect(st.nodes['Device.NAT.PortMapping.1.']).toMatchObject({
      childrenReadAt: NOW,
      instance: true,
    });
  });

  it('clears an absence the discovery contradicts', () => {
    const st = applyGetParameterNamesResponse(
      { ...device('Device.', {}), absent: { [`${SSID}1.`]: T0 } },
      req,
      { type: 'GetParameterNamesResponse', parameterList: [{ name: `${SSID}1.`, writable: true }] },
      NOW,
    );
    expect(st.absent).toEqual({});
  });
});

describe(applyGetParameterValuesResponse.name, () => {
  it('records values with their read time', () => {
    const req: GetParameterValues = {
      type: 'GetParameterValues',
      parameterNames: ['Device.Time.Enable'],
    };
    const st = applyGetParameterValuesResponse(
      device('Device.', {}),
      req,
      {
        type: 'GetParameterValuesResponse',
        parameterList: [{ name: 'Device.Time.Enable', value: b(true) }],
      },
      NOW,
    );
    expect(param(st, 'Device.Time.Enable')).toMatchObject({ value: b(true), valueReadAt: NOW });
  });

  it('drops parameters and instances missing from an object-path answer', () => {
    const st = applyGetParameterValuesResponse(
      device('Device.', TR181),
      { type: 'GetParameterValues', parameterNames: [SSID] },
      {
        type: 'GetParameterValuesResponse',
        parameterList: [
          { name: `${SSID}1.SSID`, value: s('home2') },
          { name: `${SSID}1.Enable`, value: b(true) },
        ],
      },
      NOW,
    );
    expect(param(st, `${SSID}1.SSID`).value).toEqual(s('home2'));
    expect(st.nodes[`${SSID}1.Alias`]).toBeUndefined();
    expect(st.nodes[`${SSID}1.`]).toBeDefined();
    expect(st.nodes[`${SSID}2.`]).toBeUndefined();
    expect(st.nodes[`${SSID}2.SSID`]).toBeUndefined();
    expect(st.nodes['Device.WiFi.Radio.1.Channel']).toBeDefined();
  });

  it('counts a read that differs from the last set value as drift, once per change', () => {
    const set = applySetParameterValuesResult(
      device('Device.', TR181),
      {
        type: 'SetParameterValues',
        parameterList: [{ name: PIINT, value: u(300) }],
        parameterKey: 'k',
      },
      { type: 'SetParameterValuesResponse', status: 0 },
      T0,
    );
    const req: GetParameterValues = { type: 'GetParameterValues', parameterNames: [PIINT] };
    const res = (v: number) => ({
      type: 'GetParameterValuesResponse' as const,
      parameterList: [{ name: PIINT, value: u(v) }],
    });
    const r1 = applyGetParameterValuesResponse(set, req, res(3600), NOW);
    expect(param(r1, PIINT).lastSet?.drift).toBe(1);
    const r2 = applyGetParameterValuesResponse(r1, req, res(3600), NOW);
    expect(param(r2, PIINT).lastSet?.drift).toBe(1);
    const r3 = applyGetParameterValuesResponse(r2, req, res(300), NOW);
    expect(param(r3, PIINT).lastSet?.drift).toBe(0);
  });
});

describe(applySetParameterValuesResult.name, () => {
  it('records the values, the set and the ParameterKey', () => {
    const st = applySetParameterValuesResult(
      device('Device.', TR181),
      {
        type: 'SetParameterValues',
        parameterList: [{ name: PIINT, value: u(300) }],
        parameterKey: 'abc',
      },
      { type: 'SetParameterValuesResponse', status: 1 },
      NOW,
    );
    expect(param(st, PIINT)).toMatchObject({
      value: u(300),
      valueReadAt: NOW,
      lastSet: { value: u(300), at: NOW, drift: 0 },
    });
    expect(st.parameterKey).toBe('abc');
  });

  it('keeps the drift count when the same value is set again', () => {
    const st0 = device('Device.', TR181);
    const withDrift = {
      ...st0,
      nodes: {
        ...st0.nodes,
        [PIINT]: {
          kind: 'parameter' as const,
          value: u(3600),
          lastSet: { value: u(300), at: T0, drift: 2 },
        },
      },
    };
    const st = applySetParameterValuesResult(
      withDrift,
      {
        type: 'SetParameterValues',
        parameterList: [{ name: PIINT, value: u(300) }],
        parameterKey: 'k',
      },
      { type: 'SetParameterValuesResponse', status: 0 },
      NOW,
    );
    expect(param(st, PIINT).lastSet?.drift).toBe(2);
  });

  it('stores an alias-addressed value under the instance number', () => {
    const st = applySetParameterValuesResult(
      device('Device.', TR181),
      {
        type: 'SetParameterValues',
        parameterList: [{ name: `${SSID}[cpe-2].SSID`, value: s('g2') }],
        parameterKey: 'k',
      },
      { type: 'SetParameterValuesResponse', status: 0 },
      NOW,
    );
    expect(param(st, `${SSID}2.SSID`).value).toEqual(s('g2'));
    expect(st.nodes[`${SSID}[cpe-2].SSID`]).toBeUndefined();
  });
});

describe(applyGetParameterAttributesResponse.name, () => {
  it('records notification and access list with their read time', () => {
    const st = applyGetParameterAttributesResponse(
      device('Device.', TR181),
      { type: 'GetParameterAttributes', parameterNames: [`${SSID}1.SSID`] },
      {
        type: 'GetParameterAttributesResponse',
        parameterList: [{ name: `${SSID}1.SSID`, notification: 2, accessList: ['Subscriber'] }],
      },
      NOW,
    );
    expect(param(st, `${SSID}1.SSID`)).toMatchObject({
      value: s('home'),
      notification: 2,
      accessList: ['Subscriber'],
      attributesReadAt: NOW,
    });
  });
});

describe(applySetParameterAttributesResult.name, () => {
  it('records only the attributes marked as changed', () => {
    const st = applySetParameterAttributesResult(
      device('Device.', TR181),
      {
        type: 'SetParameterAttributes',
        parameterList: [
          {
            name: `${SSID}1.SSID`,
            notificationChange: true,
            notification: 1,
            accessListChange: false,
            accessList: [],
          },
        ],
      },
      NOW,
    );
    expect(param(st, `${SSID}1.SSID`)).toMatchObject({ notification: 1, attributesReadAt: NOW });
    expect(param(st, `${SSID}1.SSID`).accessList).toBeUndefined();
  });
});

describe(applyAddObjectResponse.name, () => {
  it('creates the instance with the desired object it was made for', () => {
    const st = applyAddObjectResponse(
      device('Device.', TR181),
      { type: 'AddObject', objectName: SSID, parameterKey: 'k' },
      { type: 'AddObjectResponse', instanceNumber: 7, status: 0 },
      NOW,
      'obj-1',
    );
    expect(st.nodes[`${SSID}7.`]).toEqual({
      kind: 'object',
      instance: true,
      writable: true,
      createdFor: 'obj-1',
    });
    expect(st.parameterKey).toBe('k');
  });

  it('records the alias of an instance created by alias', () => {
    const st = applyAddObjectResponse(
      device('Device.', TR181),
      { type: 'AddObject', objectName: `${SSID}[guest].`, parameterKey: 'k' },
      { type: 'AddObjectResponse', instanceNumber: 3, status: 0 },
      NOW,
    );
    expect(st.nodes[`${SSID}3.`]).toMatchObject({ alias: 'guest' });
    expect(param(st, `${SSID}3.Alias`).value).toEqual(s('guest'));
  });
});

describe(applyDeleteObjectResponse.name, () => {
  it('removes the instance and its subtree', () => {
    const st = applyDeleteObjectResponse(
      device('Device.', TR181),
      { type: 'DeleteObject', objectName: `${SSID}[cpe-1].`, parameterKey: 'k' },
      { type: 'DeleteObjectResponse', status: 0 },
      NOW,
    );
    expect(Object.keys(st.nodes).filter((p) => p.startsWith(`${SSID}1.`))).toEqual([]);
    expect(st.nodes[`${SSID}2.SSID`]).toBeDefined();
  });
});
