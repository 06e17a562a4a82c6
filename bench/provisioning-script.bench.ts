import type { CwmpValue } from '@acs/cwmp';
import {
  emptyDeviceState,
  mergeDesired,
  parseProfile,
  scriptRequest,
  type DeviceState,
  type PathNode,
  type Profile,
} from '@acs/domain';
import { QuickJsScriptEvaluator } from '@acs/scripts';
import { compare, type Result } from './lib/measure';

// One profile script evaluation (QuickJS in WebAssembly, module loaded once, a fresh runtime and
// context per run) against a baseline in the same process: merging a declarative profile that
// declares the same things. Run: tsc -b bench/tsconfig.json && node bench/dist/provisioning-script.bench.js
// Method and results: docs/provisioning.md ("Scripts") and docs/benchmarks.md ("Provisioning").

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 250);
const NOW = Date.UTC(2026, 0, 1, 12);
const SSIDS = 40;
const VENDOR = 1000;

function buildDevice(): DeviceState {
  const nodes: Record<string, PathNode> = {};
  const param = (path: string, value: CwmpValue): void => {
    nodes[path] = { kind: 'parameter', value, valueReadAt: NOW - 60_000, writable: true };
  };
  nodes['Device.WiFi.SSID.'] = { kind: 'object', instance: false, childrenReadAt: NOW - 60_000 };
  for (let i = 1; i <= SSIDS; i++) {
    nodes[`Device.WiFi.SSID.${i}.`] = { kind: 'object', instance: true, writable: true };
    param(`Device.WiFi.SSID.${i}.SSID`, {
      type: 'string',
      value: i % 4 === 0 ? `guest-${i}` : `home-${i}`,
    });
    param(`Device.WiFi.SSID.${i}.Enable`, { type: 'boolean', value: true });
  }
  for (let i = 0; i < VENDOR; i++) param(`Device.X_BENCH.P${i}`, { type: 'unsignedInt', value: i });
  param('Device.ManagementServer.PeriodicInformInterval', { type: 'unsignedInt', value: 3600 });
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
    nodes,
  };
}

// A typical script: walks a table, reads 80 values, decides per instance, declares 12 values.
const SCRIPT = `
  for (const i of device.instances('Device.WiFi.SSID.')) {
    const ssid = device.value('Device.WiFi.SSID.' + i + '.SSID');
    if (typeof ssid === 'string' && ssid.startsWith('guest-'))
      declare.parameter('Device.WiFi.SSID.' + i + '.Enable', device.tags.includes('business'));
  }
  if (device.softwareVersion >= '2.0')
    declare.parameter('Device.ManagementServer.PeriodicInformInterval', 300);
  declare.parameter('Device.Time.NTPServer1', 'ntp-' + device.serialNumber.toLowerCase() + '.example.net');
`;

const state = buildDevice();
const scripted: Profile = parseProfile({ name: 'scripted', script: { source: SCRIPT } });
const empty: Profile = parseProfile({ name: 'empty', script: { source: '// nothing' } });
const declarative: Profile = parseProfile({
  name: 'declarative',
  filter: [{ field: 'softwareVersion', op: 'gt', value: '2.0' }],
  parameters: {
    ...Object.fromEntries(
      Array.from({ length: SSIDS / 4 }, (_, k) => [
        `Device.WiFi.SSID.${(k + 1) * 4}.Enable`,
        false,
      ]),
    ),
    'Device.ManagementServer.PeriodicInformInterval': 300,
    'Device.Time.NTPServer1': 'ntp-{{serialNumber}}.example.net',
  },
});

async function main(): Promise<void> {
  const evaluator = await QuickJsScriptEvaluator.create();
  const ctx = { now: NOW, scripts: evaluator };
  const check = mergeDesired(state, [scripted], [], ctx);
  const same = mergeDesired(state, [declarative], [], ctx);
  if ((check.findings ?? []).length > 0)
    throw new Error(`script failed: ${check.findings?.[0]?.message}`);
  if (check.values.size !== same.values.size)
    throw new Error(`script declares ${check.values.size} values, declarative ${same.values.size}`);
  const spec = scripted.script;
  if (spec === undefined) throw new Error('no script');
  const request = scriptRequest(state, scripted, spec, [], NOW);

  console.log(
    `node ${process.version}, ${ROUNDS} rounds x ${SLICE_MS} ms per candidate, median reported`,
  );
  console.log(
    `device: ${Object.keys(state.nodes).length} nodes; script reads ${SSIDS * 2} values, declares ${check.values.size}`,
  );
  const results = compare(
    [
      {
        name: 'baseline: merge declarative profile',
        bytes: 0,
        run: () => mergeDesired(state, [declarative], [], ctx),
      },
      { name: 'evaluate script (QuickJS)', bytes: 0, run: () => evaluator.evaluate(request) },
      {
        name: 'merge script profile',
        bytes: 0,
        run: () => mergeDesired(state, [scripted], [], ctx),
      },
      {
        name: 'merge empty script (fixed cost)',
        bytes: 0,
        run: () => mergeDesired(state, [empty], [], ctx),
      },
    ],
    ROUNDS,
    SLICE_MS,
  );
  const base = results[0] as Result;
  console.log('');
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(36)} ${r.opsPerSec.toFixed(0).padStart(9)} ops/s ${(1e6 / r.opsPerSec).toFixed(1).padStart(9)} µs/op` +
        `  ratio vs baseline: ${(r.opsPerSec / base.opsPerSec).toFixed(3)}`,
    );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
