import type { CpeMethodRequest, CwmpMessage } from '@acs/cwmp';
import fc from 'fast-check';
import { applyInform } from '../device/device-state.reducers';
import { emptyDeviceState, type DeviceState } from '../device/device-state.types';
import { mergeDesired } from '../desired/desired-state.merge';
import { DomainError, DomainErrorCode } from '../domain.error';
import { recordFindings } from '../fault/fault.reducer';
import { parseProfile } from '../profile/profile.loader';
import { FACTS, T0 } from '../testing/device.fixtures';
import { FakeCpe } from '../testing/fake-cpe';
import { summarize } from '../testing/plan.summary';
import { plan } from './plan.engine';
import { applyRpcResult, applyRpcSent } from './rpc-result.apply';

// Property: whatever a device answers — faults of any code, answers that leave names out or add
// junk, answers to another method — a session ends within a bounded number of steps and the
// state stays plain data. (The gateway's codec guarantees well-formed typed messages; this is
// about what a well-formed message can still say.)

const MAX_STEPS = 40;
const FAULTS = [9000, 9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008];

type Behaviour = 'ok' | 'fault' | 'omit' | 'junk' | 'wrong';
const behaviour = fc.constantFrom<Behaviour>('ok', 'ok', 'ok', 'fault', 'omit', 'junk', 'wrong');

function chaotic(
  cpe: FakeCpe,
  script: readonly [Behaviour, number][],
): (r: CpeMethodRequest) => CwmpMessage {
  let i = 0;
  return (req) => {
    const [b, n] = script[i++ % script.length] ?? ['ok', 0];
    const answer = cpe.answer(req);
    switch (b) {
      case 'ok':
        return answer;
      case 'fault': {
        const code = FAULTS[n % FAULTS.length] ?? 9002;
        return {
          type: 'Fault',
          faultCode: 'Client',
          faultString: 'CWMP fault',
          detail: {
            faultCode: code,
            ...(req.type === 'SetParameterValues' && n % 2 === 0
              ? {
                  setParameterValuesFault: [
                    { parameterName: req.parameterList[0]?.name ?? 'x', faultCode: code },
                  ],
                }
              : {}),
          },
        };
      }
      case 'omit':
        if ('parameterList' in answer && Array.isArray(answer.parameterList))
          return {
            ...answer,
            parameterList: answer.parameterList.filter((_: unknown, k: number) => k % 2 === n % 2),
          };
        return answer;
      case 'junk':
        if (answer.type === 'GetParameterValuesResponse')
          return {
            ...answer,
            parameterList: [
              ...answer.parameterList,
              { name: '__proto__', value: { type: 'string', value: 'x' } },
              { name: 'Device.Junk.P', value: { type: 'int', value: n } },
            ],
          };
        if (answer.type === 'GetParameterNamesResponse')
          return {
            ...answer,
            parameterList: [
              ...answer.parameterList,
              { name: `Device.Junk.${n}.`, writable: true },
              { name: '', writable: false },
            ],
          };
        if (answer.type === 'AddObjectResponse')
          return { ...answer, instanceNumber: n % 3 === 0 ? 0 : answer.instanceNumber };
        return answer;
      case 'wrong':
        return { type: 'RebootResponse' };
    }
  };
}

function runSession(
  state: DeviceState,
  answer: (r: CpeMethodRequest) => CwmpMessage,
  cpe: FakeCpe,
  now: number,
): { state: DeviceState; steps: number } {
  const profile = parseProfile({
    name: 'p1',
    parameters: {
      'Device.ManagementServer.PeriodicInformInterval': 300,
      'Device.Time.NTPServer1': 'ntp',
      'Device.X.Missing': 1,
    },
    objects: [
      {
        path: 'Device.NAT.PortMapping.',
        key: { ExternalPort: 8080 },
        parameters: { InternalPort: 80 },
      },
      { path: 'Device.WiFi.SSID.', alias: 'guest', key: { SSID: 'g' } },
    ],
    notifications: { 'Device.WiFi.SSID.1.SSID': 2 },
    refresh: [{ path: 'Device.WiFi.', maxAge: 60 }],
    actions: [{ action: 'reboot', on: { events: ['1 BOOT'] } }],
  });
  let st = applyInform(state, cpe.inform(['1 BOOT']), now);
  const sent: string[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const p = plan(st, mergeDesired(st, [profile], [], { now, sessionStart: now }), { now });
    st = recordFindings(st, p);
    if (p.rpcs.length === 0) return { state: st, steps: step };
    for (const rpc of p.rpcs) {
      st = applyRpcSent(st, rpc);
      const res = answer(rpc.request);
      sent.push(`${summarize(rpc)} → ${res.type}`);
      try {
        st = applyRpcResult(st, rpc, res, now);
      } catch (e) {
        // The service's rule: an answer to another method is a clear error, handled as a fault.
        if (!(e instanceof DomainError) || e.code !== DomainErrorCode.UnexpectedResponse) throw e;
        st = applyRpcResult(
          st,
          rpc,
          { type: 'Fault', faultCode: 'Server', faultString: 'unexpected answer' },
          now,
        );
      }
    }
  }
  throw new Error(`session did not end in ${MAX_STEPS} steps: ${sent.slice(-6).join(' | ')}`);
}

describe('plan against a misbehaving device', () => {
  it('always ends the session and keeps the state plain data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(behaviour, fc.nat(1000)), { minLength: 1, maxLength: 30 }),
        (script) => {
          const cpe = new FakeCpe(
            'Device.',
            {
              'Device.DeviceInfo.SoftwareVersion': { type: 'string', value: '1.0' },
              'Device.ManagementServer.PeriodicInformInterval': {
                type: 'unsignedInt',
                value: 3600,
              },
              'Device.ManagementServer.AliasBasedAddressing': { type: 'boolean', value: true },
              'Device.WiFi.SSID.1.SSID': { type: 'string', value: 'home' },
              'Device.Time.NTPServer1': { type: 'string', value: '' },
            },
            ['Device.NAT.PortMapping.', 'Device.WiFi.SSID.'],
            {
              instanceTemplate: {
                'Device.NAT.PortMapping.': {
                  ExternalPort: { type: 'unsignedInt', value: 0 },
                  InternalPort: { type: 'unsignedInt', value: 0 },
                },
              },
            },
          );
          const answer = chaotic(cpe, script);
          let st = emptyDeviceState('00D09E-HGW-SN1', FACTS);
          for (let session = 0; session < 3; session++) {
            st = runSession(st, answer, cpe, T0 + session * 3_600_000).state;
            expect(Object.getPrototypeOf(st.nodes)).toBe(Object.prototype);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
