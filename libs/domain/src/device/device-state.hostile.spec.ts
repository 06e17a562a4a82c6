import { device, inform, NOW, s, TR181 } from '../testing/device.fixtures';
import {
  applyAddObjectResponse,
  applyGetParameterNamesResponse,
  applyGetParameterValuesResponse,
  applyInform,
} from './device-state.reducers';

// Bad network input never corrupts the state: names that are not paths are dropped, and an
// unusable instance number leads to rediscovery rather than a dangling instance.

describe('reducers given hostile device input', () => {
  it('stores no name that is not a path and keeps records plain data', () => {
    const junk = ['__proto__', 'constructor', '', '.', 'a..b', '.Device.X', 'x'.repeat(2000)];
    const st = applyGetParameterValuesResponse(
      device('Device.', {}),
      { type: 'GetParameterValues', parameterNames: ['Device.'] },
      {
        type: 'GetParameterValuesResponse',
        parameterList: [
          ...junk.map((name) => ({ name, value: s('x') })),
          { name: 'Device.Ok', value: s('y') },
        ],
      },
      NOW,
    );
    expect(Object.keys(st.nodes).sort()).toEqual(['Device.', 'Device.Ok']);
    expect(Object.getPrototypeOf(st.nodes)).toBe(Object.prototype);
    const names = applyGetParameterNamesResponse(
      device('Device.', {}),
      { type: 'GetParameterNames', parameterPath: 'Device.', nextLevel: true },
      {
        type: 'GetParameterNamesResponse',
        parameterList: junk.map((name) => ({ name, writable: true })),
      },
      NOW,
    );
    expect(Object.keys(names.nodes)).toEqual(['Device.']);
    const inf = applyInform(
      device('Device.', {}),
      { ...inform('Device.', []), parameterList: [{ name: '__proto__', value: s('x') }] },
      NOW,
    );
    expect(Object.getPrototypeOf(inf.nodes)).toBe(Object.prototype);
  });

  it('rediscovers the table instead of linking an AddObject answered with instance 0', () => {
    const st0 = device('Device.', { ...TR181, 'Device.NAT.PortMapping.': 'table' });
    const st = applyAddObjectResponse(
      st0,
      { type: 'AddObject', objectName: 'Device.NAT.PortMapping.', parameterKey: 'k' },
      { type: 'AddObjectResponse', instanceNumber: 0, status: 0 },
      NOW,
      'obj',
    );
    expect(st.nodes['Device.NAT.PortMapping.0.']).toBeUndefined();
    expect(st.nodes['Device.NAT.PortMapping.']).toEqual({
      kind: 'object',
      instance: false,
      writable: true,
    });
  });
});
