import fc from 'fast-check';
import { faultKey } from './device-state.types';
import { device, NOW, s, TR181 } from '../testing/device.fixtures';
import { fromStoredState, toStoredState } from './device-state.document';

describe(toStoredState.name, () => {
  const st = {
    ...device('Device.', TR181),
    absent: { 'Device.X.': NOW },
    faults: {
      [faultKey({ kind: 'profile', name: 'wifi.v2', version: 1 }, 'Device.A.B')]: {
        source: { kind: 'profile' as const, name: 'wifi.v2', version: 1 },
        target: 'Device.A.B',
        kind: 'cpe' as const,
        method: 'SetParameterValues',
        code: 9007,
        message: 'x',
        retries: 1,
        firstAt: NOW,
        lastAt: NOW,
        nextRetryAt: NOW,
      },
    },
    actionRuns: { 'profile:wifi.v2:reboot-0': NOW },
  };

  it('stores no key with a dot or a leading $, and reads back the same state', () => {
    const doc = toStoredState(st);
    for (const map of [doc.nodes, doc.absent, doc.faults, doc.actionRuns, doc.transfers])
      for (const k of Object.keys(map)) {
        expect(k).not.toContain('.');
        expect(k.startsWith('$')).toBe(false);
      }
    expect(fromStoredState(doc)).toEqual(st);
  });

  it('round-trips arbitrary path-like keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (absent) => {
        const withKeys = {
          ...st,
          absent,
          nodes: { 'Device.$x.y': { kind: 'parameter' as const, value: s('v') } },
        };
        expect(fromStoredState(toStoredState(withKeys))).toEqual(withKeys);
      }),
      { numRuns: 300 },
    );
  });
});
