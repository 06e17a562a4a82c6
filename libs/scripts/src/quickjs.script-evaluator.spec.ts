import {
  emptyDeviceState,
  faultKey,
  mergeDesired,
  parseProfile,
  plan,
  recordFindings,
  SCRIPT_TARGET,
  ScriptFaultCode,
  type DeviceState,
  type ParameterNode,
  type Profile,
  type ScriptEvaluator,
  type ScriptRequest,
} from '@acs/domain';
import { QuickJsScriptEvaluator } from './quickjs.script-evaluator';

const T0 = Date.UTC(2026, 0, 1);
const NOW = T0 + 3_600_000;

function param(value: string | number | boolean): ParameterNode {
  const v =
    typeof value === 'string'
      ? ({ type: 'string', value } as const)
      : typeof value === 'number'
        ? ({ type: 'unsignedInt', value } as const)
        : ({ type: 'boolean', value } as const);
  return { kind: 'parameter', value: v, valueReadAt: T0, writable: true };
}

function device(): DeviceState {
  return {
    ...emptyDeviceState('00D09E-HGW-SN1', {
      oui: '00D09E',
      productClass: 'HGW',
      serialNumber: 'SN1',
      manufacturer: 'Acme',
    }),
    root: 'Device.',
    softwareVersion: '2.1',
    tags: ['residential'],
    lastInform: NOW,
    lastEvents: ['2 PERIODIC'],
    nodes: {
      'Device.ManagementServer.PeriodicInformInterval': param(3600),
      'Device.WiFi.SSID.': { kind: 'object', instance: false, writable: true, childrenReadAt: T0 },
      'Device.WiFi.SSID.1.': { kind: 'object', instance: true, writable: true },
      'Device.WiFi.SSID.1.SSID': param('home'),
      'Device.WiFi.SSID.1.Enable': param(true),
      'Device.WiFi.SSID.2.': { kind: 'object', instance: true, writable: true },
      'Device.WiFi.SSID.2.SSID': param('guest'),
      'Device.WiFi.SSID.2.Enable': param(true),
      'Device.Time.NTPServer1': param('pool.ntp.org'),
    },
  };
}

const scripted = (name: string, source: string, extra: object = {}): Profile =>
  parseProfile({ name, script: { source }, ...extra });

/** The declarations of one script run, through the real evaluator. */
function output(evaluator: ScriptEvaluator, source: string, clock = NOW): unknown {
  const run = evaluator.evaluate({
    name: 'probe',
    source,
    timeoutMs: 1000,
    memoryBytes: 8 << 20,
    stackBytes: 256 << 10,
    clock,
    seed: 42,
    device: {
      info: {
        id: 'X',
        oui: 'O',
        productClass: 'P',
        serialNumber: 'S',
        manufacturer: 'M',
        softwareVersion: null,
        hardwareVersion: null,
        provisioningCode: null,
        root: null,
        tags: [],
        events: [],
        lastInform: null,
        lastBoot: null,
        lastBootstrap: null,
      },
      value: () => null,
      instances: () => [],
    },
  });
  if (!run.ok) throw new Error(`script failed: ${run.message}`);
  return run.output;
}

describe(QuickJsScriptEvaluator.name, () => {
  let evaluator: QuickJsScriptEvaluator;

  beforeAll(async () => {
    evaluator = await QuickJsScriptEvaluator.create();
  });

  it('applies what a script declares through plan(), from the device snapshot', () => {
    const profile = scripted(
      'wifi-script',
      `
      const n = device.instances('Device.WiFi.SSID.');
      for (const i of n) {
        if (device.value('Device.WiFi.SSID.' + i + '.SSID') === 'guest')
          declare.parameter('Device.WiFi.SSID.' + i + '.Enable', false);
      }
      if (device.tags.includes('residential') && device.softwareVersion === '2.1')
        declare.parameter('Device.ManagementServer.PeriodicInformInterval', device.value('Device.ManagementServer.PeriodicInformInterval') / 12);
      declare.notification('Device.WiFi.SSID.1.SSID', 2);
      declare.object({ path: 'Device.NAT.PortMapping.', key: { ExternalPort: 8080 }, parameters: { InternalPort: 80 } });
      `,
    );
    const state = device();
    const desired = mergeDesired(state, [profile], [], { now: NOW, scripts: evaluator });
    expect(desired.findings ?? []).toEqual([]);
    expect(desired.values.get('Device.WiFi.SSID.2.Enable')).toMatchObject({
      value: false,
      source: { kind: 'profile', name: 'wifi-script' },
    });
    expect(desired.values.get('Device.ManagementServer.PeriodicInformInterval')?.value).toBe(300);
    expect(desired.notifications.get('Device.WiFi.SSID.1.SSID')?.notification).toBe(2);
    expect(desired.objects.map((o) => [o.table, o.key])).toEqual([
      ['Device.NAT.PortMapping.', { ExternalPort: 8080 }],
    ]);
    const p = plan(state, desired, { now: NOW });
    // The unknown PortMapping table is discovered first; the values wait for it.
    expect(p.rpcs.map((r) => r.request.type)).toEqual(['GetParameterNames']);
    const known: DeviceState = {
      ...state,
      nodes: {
        ...state.nodes,
        'Device.WiFi.SSID.1.SSID': { ...param('home'), notification: 0, attributesReadAt: T0 },
        'Device.NAT.PortMapping.': {
          kind: 'object',
          instance: false,
          writable: true,
          childrenReadAt: T0,
        },
      },
    };
    const writes = plan(
      known,
      mergeDesired(known, [profile], [], { now: NOW, scripts: evaluator }),
      {
        now: NOW,
      },
    );
    const spv = writes.rpcs.find((r) => r.request.type === 'SetParameterValues');
    const list = spv?.request.type === 'SetParameterValues' ? spv.request.parameterList : [];
    expect(list).toEqual(
      expect.arrayContaining([
        { name: 'Device.WiFi.SSID.2.Enable', value: { type: 'boolean', value: false } },
        {
          name: 'Device.ManagementServer.PeriodicInformInterval',
          value: { type: 'unsignedInt', value: 300 },
        },
      ]),
    );
    expect(writes.rpcs.map((r) => r.request.type)).toEqual([
      'AddObject',
      'SetParameterValues',
      'SetParameterAttributes',
    ]);
  });

  it('merges script declarations under the same precedence as declarative profiles', () => {
    const high = scripted(
      'high',
      `declare.parameter('Device.Time.NTPServer1', 'ntp.high.example');`,
      { priority: 10 },
    );
    const low = parseProfile({
      name: 'low',
      priority: 1,
      parameters: {
        'Device.Time.NTPServer1': 'ntp.low.example',
        'Device.Time.NTPServer2': 'ntp2.low.example',
      },
    });
    const desired = mergeDesired(device(), [low, high], [], { now: NOW, scripts: evaluator });
    expect(desired.values.get('Device.Time.NTPServer1')).toMatchObject({
      value: 'ntp.high.example',
      source: { name: 'high' },
    });
    expect(desired.values.get('Device.Time.NTPServer2')?.value).toBe('ntp2.low.example');
    expect(desired.conflicts).toEqual([
      expect.objectContaining({
        target: 'Device.Time.NTPServer1',
        loser: { kind: 'profile', name: 'low', version: 1 },
      }),
    ]);
  });

  it('turns an infinite loop into a timeout fault on that profile, without blocking the others', () => {
    const looping = parseProfile({
      name: 'looping',
      parameters: { 'Device.Time.NTPServer2': 'static.part.example' },
      script: { source: 'for (;;) {}', timeoutMs: 20 },
    });
    const other = scripted('other', `declare.parameter('Device.Time.NTPServer1', 'ntp.other');`);
    const state = device();
    const desired = mergeDesired(state, [looping, other], [], { now: NOW, scripts: evaluator });
    expect(desired.findings).toEqual([
      expect.objectContaining({
        source: { kind: 'profile', name: 'looping', version: 1 },
        target: SCRIPT_TARGET,
        kind: 'script',
        code: ScriptFaultCode.Timeout,
      }),
    ]);
    expect(desired.values.get('Device.Time.NTPServer1')?.value).toBe('ntp.other');
    expect(desired.values.get('Device.Time.NTPServer2')?.value).toBe('static.part.example');
    // Recorded like other faults (recordFindings), with a retry time.
    const recorded = recordFindings(state, plan(state, desired, { now: NOW }));
    const f =
      recorded.faults[faultKey({ kind: 'profile', name: 'looping', version: 1 }, SCRIPT_TARGET)];
    expect(f).toMatchObject({ kind: 'script', code: ScriptFaultCode.Timeout, retries: 1 });
    expect(f?.nextRetryAt).toBeGreaterThan(NOW);
  });

  it('turns an allocation bomb into a memory fault', () => {
    const bombs = [
      'const a = []; for (;;) a.push({ n: a.length });',
      "const big = 'x'.repeat(16 << 20);",
      'const f = () => f(); f();',
    ];
    for (const source of bombs) {
      const profile = parseProfile({
        name: 'bomb',
        script: { source, timeoutMs: 2000, memoryBytes: 2 << 20, stackBytes: 64 << 10 },
      });
      const desired = mergeDesired(device(), [profile], [], { now: NOW, scripts: evaluator });
      expect(desired.findings).toEqual([
        expect.objectContaining({ kind: 'script', code: ScriptFaultCode.Memory }),
      ]);
    }
    // The evaluator is still usable after running out of memory.
    expect(output(evaluator, `declare.parameter('A.b', 1)`)).toMatchObject({
      parameters: { 'A.b': 1 },
    });
  });

  it('gives the script no host objects, and no way to reach the real clock or entropy', () => {
    const probe = output(
      evaluator,
      `
      const names = ['require', 'process', 'module', 'exports', 'std', 'os', 'console', 'print',
        'setTimeout', 'setInterval', 'fetch', 'XMLHttpRequest', 'WebAssembly', 'Buffer', 'global'];
      declare.parameter('Probe.types', names.map((n) => typeof globalThis[n]).join(','));
      declare.parameter('Probe.viaFunction', Function('return typeof process')());
      const RealDate = Object.getPrototypeOf(new Date()).constructor;
      declare.parameter('Probe.now', [Date.now(), new Date().getTime(), RealDate.now(), new RealDate().getTime()].join(','));
      let writable = true;
      try { Math.random = () => 4; } catch (e) { writable = false; }
      declare.parameter('Probe.randomWritable', writable);
      `,
    ) as { parameters: Record<string, unknown> };
    expect(probe.parameters['Probe.types']).toBe(Array(15).fill('undefined').join(','));
    expect(probe.parameters['Probe.viaFunction']).toBe('undefined');
    expect(probe.parameters['Probe.now']).toBe([NOW, NOW, NOW, NOW].join(','));
    expect(probe.parameters['Probe.randomWritable']).toBe(false);
  });

  it('declares exactly the same for the same inputs, and uses the session clock and seed', () => {
    const source = `
      declare.parameter('A.random', Math.random());
      declare.parameter('A.now', new Date().toISOString());
      declare.parameter('A.list', JSON.stringify([1, 2, 3].map(() => Math.floor(Math.random() * 1000))));
    `;
    const profile = scripted('det', source);
    const run = (sessionStart: number) =>
      mergeDesired(device(), [profile], [], { now: NOW, sessionStart, scripts: evaluator });
    const a = run(NOW);
    const b = run(NOW);
    expect([...b.values.entries()]).toEqual([...a.values.entries()]);
    expect(a.values.get('A.now')?.value).toBe(new Date(NOW).toISOString());
    const later = run(NOW + 1000);
    expect(later.values.get('A.random')?.value).not.toBe(a.values.get('A.random')?.value);
  });

  it('faults a script whose declarations do not validate, naming the field', () => {
    const profile = scripted(
      'bad',
      `declare.parameter('not a path', 1); declare.action({ id: 'x', action: 'selfDestruct' });`,
    );
    const desired = mergeDesired(device(), [profile], [], { now: NOW, scripts: evaluator });
    expect(desired.findings?.[0]).toMatchObject({ code: ScriptFaultCode.Invalid });
    expect(desired.findings?.[0]?.message).toMatch(/parameters.*not a path/);
    expect(desired.findings?.[0]?.message).toMatch(/actions\.0\.action/);
  });

  it('does not run a failed script again before its retry time, and clears the fault once it succeeds', () => {
    let calls = 0;
    const counting: ScriptEvaluator = {
      evaluate: (r: ScriptRequest) => {
        calls++;
        return evaluator.evaluate(r);
      },
    };
    const failing = scripted('flaky', `if (device.tags.includes('broken')) throw new Error('no');`);
    let state: DeviceState = { ...device(), tags: ['broken'] };
    const step = (now: number) => {
      const d = mergeDesired(state, [failing], [], { now, scripts: counting });
      state = recordFindings(state, plan(state, d, { now }));
    };
    step(NOW);
    const key = faultKey({ kind: 'profile', name: 'flaky', version: 1 }, SCRIPT_TARGET);
    expect(state.faults[key]).toMatchObject({ code: ScriptFaultCode.Error, message: 'Error: no' });
    step(NOW + 1000);
    expect(calls).toBe(1);
    state = { ...state, tags: [] };
    step(NOW + 3_600_000);
    expect(calls).toBe(2);
    expect(state.faults[key]).toBeUndefined();
  });

  it('runs one-off script actions once per id', () => {
    const profile = scripted(
      'reboot-once',
      `declare.action({ id: 'fw-' + device.softwareVersion, action: 'reboot' });`,
    );
    const state = device();
    const first = mergeDesired(state, [profile], [], { now: NOW, scripts: evaluator });
    expect(first.actions).toEqual([
      expect.objectContaining({ kind: 'reboot', key: 'profile:reboot-once:script:fw-2.1' }),
    ]);
    const ran: DeviceState = {
      ...state,
      actionRuns: { 'profile:reboot-once:script:fw-2.1': NOW },
    };
    expect(mergeDesired(ran, [profile], [], { now: NOW, scripts: evaluator }).actions).toEqual([]);
  });
});
