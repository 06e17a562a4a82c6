import type { CwmpValue } from '@acs/cwmp';
import { applyInform } from '../device/device-state.reducers';
import { emptyDeviceState, faultKey, type DeviceState } from '../device/device-state.types';
import { mergeDesired } from '../desired/desired-state.merge';
import { recordFindings } from '../fault/fault.reducer';
import { parseProfile } from '../profile/profile.loader';
import type { Profile, ProfileInput } from '../profile/profile.schema';
import type { Task } from '../task/task.schema';
import { FACTS, T0 } from '../testing/device.fixtures';
import { FakeCpe } from '../testing/fake-cpe';
import { summarize } from '../testing/plan.summary';
import { plan } from './plan.engine';
import { applyRpcResult, applyRpcSent } from './rpc-result.apply';

// The engine iterated against a simulated CPE, the way the provisioning service will run it:
// plan → send → apply results → plan … until empty. Checks that sessions converge, in few steps,
// and that the next session sends nothing.

const u = (value: number): CwmpValue => ({ type: 'unsignedInt', value });
const s = (value: string): CwmpValue => ({ type: 'string', value });
const b = (value: boolean): CwmpValue => ({ type: 'boolean', value });
const HOUR = 3_600_000;
const MAX_STEPS = 20;

interface SessionResult {
  readonly state: DeviceState;
  readonly sent: string[];
  readonly steps: number;
}

function session(
  state: DeviceState,
  cpe: FakeCpe,
  profiles: readonly Profile[],
  now: number,
  events: readonly string[],
  tasks: readonly Task[] = [],
): SessionResult {
  let st = applyInform(state, cpe.inform(events), now);
  const sent: string[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const desired = mergeDesired(st, profiles, tasks, { now, events, sessionStart: now });
    const p = plan(st, desired, { now });
    st = recordFindings(st, p);
    if (p.rpcs.length === 0) return { state: st, sent, steps: step };
    for (const rpc of p.rpcs) {
      sent.push(summarize(rpc));
      st = applyRpcResult(applyRpcSent(st, rpc), rpc, cpe.answer(rpc.request), now);
    }
  }
  throw new Error(`no convergence in ${MAX_STEPS} steps: ${sent.join(' | ')}`);
}

const fresh = (): DeviceState => emptyDeviceState('00D09E-HGW-SN1', FACTS);
const profile = (p: Partial<ProfileInput>): Profile => parseProfile({ name: 'p1', ...p });

const TR181_CPE = (opts: ConstructorParameters<typeof FakeCpe>[3] = {}): FakeCpe =>
  new FakeCpe(
    'Device.',
    {
      'Device.DeviceInfo.SoftwareVersion': s('1.0'),
      'Device.ManagementServer.ParameterKey': s(''),
      'Device.ManagementServer.PeriodicInformInterval': u(3600),
      'Device.ManagementServer.AliasBasedAddressing': b(true),
      'Device.WiFi.SSID.1.SSID': s('home'),
      'Device.WiFi.SSID.1.Enable': b(true),
      'Device.WiFi.SSID.1.Alias': s('cpe-1'),
      'Device.Time.NTPServer1': s(''),
    },
    ['Device.NAT.PortMapping.', 'Device.WiFi.SSID.'],
    {
      instanceTemplate: {
        'Device.NAT.PortMapping.': { ExternalPort: u(0), InternalPort: u(0), Enable: b(false) },
        'Device.WiFi.SSID.': { SSID: s(''), Enable: b(false) },
      },
      ...opts,
    },
  );

describe('plan, iterated against a simulated CPE', () => {
  it('provisions a TR-181 device from BOOTSTRAP in a few steps, then sends nothing', () => {
    const cpe = TR181_CPE();
    const p = profile({
      parameters: {
        'Device.ManagementServer.PeriodicInformInterval': 300,
        'Device.Time.NTPServer1': 'ntp-{{serialNumber}}.example',
      },
      objects: [
        {
          path: 'Device.NAT.PortMapping.',
          key: { ExternalPort: 8080 },
          parameters: { InternalPort: 80, Enable: true },
        },
        {
          path: 'Device.WiFi.SSID.',
          alias: 'guest',
          key: { SSID: 'guest-{{serialNumber}}' },
          parameters: { Enable: true },
        },
      ],
      notifications: { 'Device.WiFi.SSID.1.SSID': 2 },
    });
    const first = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    expect(first.steps).toBeLessThanOrEqual(5);
    expect(cpe.value('Device.ManagementServer.PeriodicInformInterval')).toEqual(u(300));
    expect(cpe.value('Device.Time.NTPServer1')).toEqual(s('ntp-SN1.example'));
    expect(cpe.value('Device.NAT.PortMapping.1.ExternalPort')).toEqual(u(8080));
    expect(cpe.value('Device.NAT.PortMapping.1.InternalPort')).toEqual(u(80));
    expect(cpe.value('Device.WiFi.SSID.2.Alias')).toEqual(s('guest'));
    expect(cpe.value('Device.WiFi.SSID.2.SSID')).toEqual(s('guest-SN1'));
    expect(cpe.params.get('Device.WiFi.SSID.1.SSID')?.notification).toBe(2);
    expect(first.sent).toContain('Add Device.WiFi.SSID.[guest].');
    // The first step discovers, then reads: never a set before the value is known.
    expect(first.sent[0]).toMatch(/^GPN /);
    const second = session(first.state, cpe, [p], T0 + HOUR, ['2 PERIODIC']);
    expect(second.sent).toEqual([]);
  });

  it('applies a wildcard declaration to every instance, including one it created', () => {
    const cpe = TR181_CPE();
    const p = profile({
      parameters: { 'Device.WiFi.SSID.*.Enable': false },
      objects: [{ path: 'Device.WiFi.SSID.', key: { SSID: 'iot' } }],
    });
    const first = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    expect(cpe.value('Device.WiFi.SSID.1.Enable')).toEqual(b(false));
    expect(cpe.value('Device.WiFi.SSID.2.SSID')).toEqual(s('iot'));
    expect(cpe.value('Device.WiFi.SSID.2.Enable')).toEqual(b(false));
    expect(session(first.state, cpe, [p], T0 + HOUR, ['2 PERIODIC']).sent).toEqual([]);
  });

  it('provisions a TR-098 device and adds only one port mapping across sessions', () => {
    const PM =
      'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.PortMapping.';
    const cpe = new FakeCpe(
      'InternetGatewayDevice.',
      {
        'InternetGatewayDevice.DeviceInfo.SoftwareVersion': s('1.0'),
        'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID': s('home'),
        'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable': b(false),
      },
      [PM, 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.'],
      { instanceTemplate: { [PM]: { ExternalPort: s('0'), PortMappingEnabled: b(false) } } },
    );
    const p = profile({
      objects: [
        {
          path: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.',
          key: { SSID: 'home' },
          parameters: { Enable: true },
        },
        { path: PM, key: { ExternalPort: 8080 }, parameters: { PortMappingEnabled: true } },
      ],
    });
    const first = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    expect(cpe.value('InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable')).toEqual(
      b(true),
    );
    expect(cpe.value(`${PM}1.ExternalPort`)).toEqual(s('8080'));
    expect(cpe.value(`${PM}1.PortMappingEnabled`)).toEqual(b(true));
    const second = session(first.state, cpe, [p], T0 + HOUR, ['2 PERIODIC']);
    expect(second.sent).toEqual([]);
    expect([...cpe.objects].filter((o) => o.startsWith(PM) && o !== PM)).toEqual([`${PM}1.`]);
  });

  it('learns from 9005 that a path does not exist and never asks for it again', () => {
    const cpe = TR181_CPE();
    const p = profile({
      parameters: {
        'Device.X_ACME.Missing': 1,
        'Device.ManagementServer.PeriodicInformInterval': 60,
      },
    });
    const first = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    expect(first.state.absent['Device.X_ACME.Missing']).toBe(T0);
    expect(cpe.value('Device.ManagementServer.PeriodicInformInterval')).toEqual(u(60));
    expect(session(first.state, cpe, [p], T0 + HOUR, ['2 PERIODIC']).sent).toEqual([]);
  });

  it('finds the bad entry of a failed batch without blocking the others', () => {
    const cpe = TR181_CPE({ terseFaults: true });
    // The device holds SSID as a string; a declared boolean type makes it refuse that one entry.
    const p = profile({
      parameters: {
        'Device.WiFi.SSID.1.SSID': { value: true, type: 'boolean' },
        'Device.ManagementServer.PeriodicInformInterval': 60,
        'Device.Time.NTPServer1': 'ntp',
      },
    });
    const r = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    expect(r.sent.filter((x) => x.startsWith('SPV '))).toEqual([
      'SPV Device.ManagementServer.PeriodicInformInterval=unsignedInt:60,Device.Time.NTPServer1=string:ntp,Device.WiFi.SSID.1.SSID=boolean:true',
      'SPV Device.ManagementServer.PeriodicInformInterval=unsignedInt:60',
      'SPV Device.Time.NTPServer1=string:ntp',
      'SPV Device.WiFi.SSID.1.SSID=boolean:true',
    ]);
    expect(cpe.value('Device.ManagementServer.PeriodicInformInterval')).toEqual(u(60));
    expect(cpe.value('Device.Time.NTPServer1')).toEqual(s('ntp'));
    expect(cpe.value('Device.WiFi.SSID.1.SSID')).toEqual(s('home'));
    const f =
      r.state.faults[
        faultKey({ kind: 'profile', name: 'p1', version: 1 }, 'Device.WiFi.SSID.1.SSID')
      ];
    expect(f).toMatchObject({ code: 9003, retries: 1, nextRetryAt: T0 + 60_000 });
    expect(f?.isolate).toBeUndefined();
  });

  it('detects a set/differs/set loop across sessions, faults it and stops setting it', () => {
    const PI = 'Device.ManagementServer.PeriodicInformInterval';
    const cpe = TR181_CPE({ sticky: [PI] });
    const p = profile({
      parameters: { [PI]: 300, 'Device.Time.NTPServer1': 'ntp' },
      refresh: [{ path: PI, maxAge: 60 }],
    });
    let st = fresh();
    const spvCounts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = session(st, cpe, [p], T0 + i * HOUR, i === 0 ? ['0 BOOTSTRAP'] : ['2 PERIODIC']);
      st = r.state;
      spvCounts.push(r.sent.filter((x) => x.includes(`${PI}=`)).length);
    }
    expect(st.faults[faultKey({ kind: 'profile', name: 'p1', version: 1 }, PI)]).toMatchObject({
      kind: 'loop',
      nextRetryAt: null,
    });
    expect(spvCounts.slice(0, 3)).toEqual([1, 1, 1]);
    expect(spvCounts.slice(3)).toEqual([0, 0, 0]);
    expect(cpe.value('Device.Time.NTPServer1')).toEqual(s('ntp'));
  });

  it('rediscovers and reapplies everything after a factory reset (BOOTSTRAP)', () => {
    const cpe = TR181_CPE();
    const p = profile({
      parameters: { 'Device.ManagementServer.PeriodicInformInterval': 300 },
      objects: [{ path: 'Device.NAT.PortMapping.', key: { ExternalPort: 8080 } }],
    });
    const first = session(fresh(), cpe, [p], T0, ['0 BOOTSTRAP']);
    const reset = TR181_CPE();
    const again = session(first.state, reset, [p], T0 + HOUR, ['0 BOOTSTRAP', '1 BOOT']);
    expect(again.sent[0]).toBe('GPN Device.NAT.PortMapping. true');
    expect(reset.value('Device.ManagementServer.PeriodicInformInterval')).toEqual(u(300));
    expect(reset.value('Device.NAT.PortMapping.1.ExternalPort')).toEqual(u(8080));
  });

  it('reboots last, once, in the session that carries the triggering event', () => {
    const cpe = TR181_CPE();
    const p = profile({
      parameters: { 'Device.ManagementServer.PeriodicInformInterval': 300 },
      actions: [{ action: 'reboot', on: { events: ['1 BOOT'] } }],
    });
    const r = session(fresh(), cpe, [p], T0, ['1 BOOT']);
    expect(r.sent.at(-1)).toBe('Reboot');
    expect(r.sent.filter((x) => x === 'Reboot')).toHaveLength(1);
    expect(session(r.state, cpe, [p], T0 + HOUR, ['2 PERIODIC']).sent).toEqual([]);
  });

  it('adds no second instance when a session broke after the CPE applied an AddObject', () => {
    const cpe = TR181_CPE();
    const p = profile({
      objects: [
        {
          path: 'Device.NAT.PortMapping.',
          key: { ExternalPort: 8080 },
          parameters: { InternalPort: 80 },
        },
      ],
    });
    // Session 1: discover, then the AddObject reaches the CPE but its response is lost.
    let st = applyInform(fresh(), cpe.inform(['0 BOOTSTRAP']), T0);
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = plan(st, mergeDesired(st, [p], [], { now: T0 }), { now: T0 });
      const add = next.rpcs.find((r) => r.request.type === 'AddObject');
      if (add !== undefined) {
        st = applyRpcSent(st, add);
        cpe.answer(add.request);
        break;
      }
      for (const rpc of next.rpcs)
        st = applyRpcResult(applyRpcSent(st, rpc), rpc, cpe.answer(rpc.request), T0);
    }
    // Session 2: the Inform's ParameterKey says the AddObject took effect.
    const r = session(st, cpe, [p], T0 + HOUR, ['2 PERIODIC']);
    expect(r.sent).not.toContain('Add Device.NAT.PortMapping.');
    expect([...cpe.objects].filter((o) => /^Device\.NAT\.PortMapping\.[0-9]+\.$/.test(o))).toEqual([
      'Device.NAT.PortMapping.1.',
    ]);
    expect(cpe.value('Device.NAT.PortMapping.1.ExternalPort')).toEqual(u(8080));
    expect(cpe.value('Device.NAT.PortMapping.1.InternalPort')).toEqual(u(80));
  });

  it('changes nothing when the same result is applied twice (redelivery)', () => {
    const cpe = TR181_CPE();
    const p = profile({ parameters: { 'Device.ManagementServer.PeriodicInformInterval': 300 } });
    let st = applyInform(fresh(), cpe.inform(['0 BOOTSTRAP']), T0);
    for (let i = 0; i < 3; i++) {
      const next = plan(st, mergeDesired(st, [p], [], { now: T0 }), { now: T0 });
      const rpc = next.rpcs[0];
      if (rpc === undefined) break;
      const res = cpe.answer(rpc.request);
      const once = applyRpcResult(st, rpc, res, T0);
      const twice = applyRpcResult(once, rpc, res, T0);
      expect(twice).toEqual(once);
      st = once;
    }
    expect(cpe.value('Device.ManagementServer.PeriodicInformInterval')).toEqual(u(300));
  });
});
