import type { CwmpValue } from '@acs/cwmp';
import {
  emptyDeviceState,
  lexical,
  mergeDesired,
  parseProfile,
  plan,
  type DeviceState,
  type PathNode,
  type Profile,
} from '@acs/domain';
import { compare, type Result } from './lib/measure';

// `npm run bench:provisioning`: the provisioning diff engine on a device with 5,000 parameters and
// 50 matching profiles, against a baseline in the same process: a plain loop comparing the
// device's 5,000 values to a flat desired map (no engine: no types, faults, instances, refresh or
// merge). Method and results: docs/provisioning.md and docs/benchmarks.md.

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 250);
const NOW = Date.UTC(2026, 0, 1, 12);

const OBJECTS = 100;
const PER_OBJECT = 48; // + table/instance nodes and 200 forced/WiFi parameters ≈ 5,000 parameters
const PROFILES = 50;
const VALUES_PER_PROFILE = 20;

function valueOf(i: number, j: number): CwmpValue {
  switch (j % 3) {
    case 0:
      return { type: 'unsignedInt', value: i * 100 + j };
    case 1:
      return { type: 'boolean', value: (i + j) % 2 === 0 };
    default:
      return { type: 'string', value: `v-${i}-${j}` };
  }
}

function buildDevice(): DeviceState {
  const nodes: Record<string, PathNode> = {};
  const param = (path: string, value: CwmpValue): void => {
    nodes[path] = { kind: 'parameter', value, valueReadAt: NOW - 60_000, writable: true };
  };
  nodes['Device.X_BENCH.Obj.'] = { kind: 'object', instance: false, childrenReadAt: NOW - 60_000 };
  for (let i = 1; i <= OBJECTS; i++) {
    // Each instance was last read as a whole subtree (GPV Device.X_BENCH.Obj.i.) a minute ago.
    nodes[`Device.X_BENCH.Obj.${i}.`] = {
      kind: 'object',
      instance: true,
      writable: true,
      subtreeReadAt: NOW - 60_000,
    };
    for (let j = 0; j < PER_OBJECT; j++) param(`Device.X_BENCH.Obj.${i}.P${j}`, valueOf(i, j));
  }
  nodes['Device.WiFi.SSID.'] = { kind: 'object', instance: false, childrenReadAt: NOW - 60_000 };
  for (let i = 1; i <= 40; i++) {
    nodes[`Device.WiFi.SSID.${i}.`] = { kind: 'object', instance: true, writable: true };
    param(`Device.WiFi.SSID.${i}.SSID`, { type: 'string', value: `ssid-${i}` });
    param(`Device.WiFi.SSID.${i}.Enable`, { type: 'boolean', value: true });
    param(`Device.WiFi.SSID.${i}.Alias`, { type: 'string', value: `cpe-${i}` });
    param(`Device.WiFi.SSID.${i}.LowerLayers`, { type: 'string', value: 'Device.WiFi.Radio.1.' });
    param(`Device.WiFi.SSID.${i}.Status`, { type: 'string', value: 'Up' });
  }
  param('Device.DeviceInfo.SoftwareVersion', { type: 'string', value: '2.0' });
  param('Device.ManagementServer.AliasBasedAddressing', { type: 'boolean', value: true });
  for (const n of ['SSID', 'Enable'])
    nodes[`Device.WiFi.SSID.1.${n}`] = {
      ...(nodes[`Device.WiFi.SSID.1.${n}`] as PathNode & { kind: 'parameter' }),
      notification: 2,
      attributesReadAt: NOW - 60_000,
    };
  return {
    ...emptyDeviceState('00D09E-HGW-SN1', {
      oui: '00D09E',
      productClass: 'HGW',
      serialNumber: 'SN1',
      manufacturer: 'Acme',
    }),
    root: 'Device.',
    softwareVersion: '2.0',
    lastInform: NOW,
    lastEvents: ['2 PERIODIC'],
    tags: ['residential'],
    nodes,
  };
}

/** 50 profiles, all matching, each declaring 20 values (1,000 in all), an object, refresh, etc. */
function buildProfiles(drift: number): Profile[] {
  const out: Profile[] = [];
  for (let k = 0; k < PROFILES; k++) {
    const parameters: Record<string, string | number | boolean> = {};
    for (let v = 0; v < VALUES_PER_PROFILE; v++) {
      const i = ((k * VALUES_PER_PROFILE + v) % OBJECTS) + 1;
      const j = (k * 7 + v) % PER_OBJECT;
      const cur = lexical(valueOf(i, j));
      // `drift` of the declared values differ from the device (a change to push).
      const differs = (k * VALUES_PER_PROFILE + v) % 100 < drift * 100;
      parameters[`Device.X_BENCH.Obj.${i}.P${j}`] =
        j % 3 === 0
          ? Number(cur) + (differs ? 1 : 0)
          : j % 3 === 1
            ? (cur === 'true') !== differs
            : differs
              ? `${cur}x`
              : cur;
    }
    out.push(
      parseProfile({
        name: `profile-${String(k).padStart(2, '0')}`,
        priority: k % 5,
        filter: [
          { field: 'productClass', op: 'eq', value: 'HGW' },
          { field: 'softwareVersion', op: 'gt', value: '1.9' },
          { field: 'tag', op: 'eq', value: 'residential' },
        ],
        parameters,
        objects: [
          {
            path: 'Device.WiFi.SSID.',
            key: { SSID: `ssid-${(k % 40) + 1}` },
            parameters: { Enable: true },
          },
        ],
        notifications: { 'Device.WiFi.SSID.1.SSID': 2 },
        refresh: [{ path: `Device.X_BENCH.Obj.${(k % OBJECTS) + 1}.`, maxAge: 3600 }],
        actions: [{ action: 'reboot', on: { events: ['1 BOOT'] } }],
      }),
    );
  }
  return out;
}

const state = buildDevice();
const paramCount = Object.values(state.nodes).filter((n) => n.kind === 'parameter').length;
const steady = buildProfiles(0);
const changed = buildProfiles(0.1);
const ctx = { now: NOW };
const steadyDesired = mergeDesired(state, steady, [], ctx);
const changedDesired = mergeDesired(state, changed, [], ctx);

// Sanity: the steady state plans nothing; the 10 % drift plans one SetParameterValues step.
const p0 = plan(state, steadyDesired, ctx);
const p1 = plan(state, changedDesired, ctx);
if (p0.rpcs.length !== 0) throw new Error(`steady state planned ${p0.rpcs.length} RPCs`);
if (p1.phase !== 'write') throw new Error(`drift planned phase ${p1.phase}`);
const setCount = p1.rpcs.reduce(
  (n, r) => n + (r.request.type === 'SetParameterValues' ? r.request.parameterList.length : 0),
  0,
);

// Baseline: a flat desired map (path → lexical value), compared with every device value.
const flatDesired = new Map<string, string>();
for (const [path, v] of changedDesired.values) flatDesired.set(path, String(v.value));
function baseline(): number {
  let diffs = 0;
  for (const path in state.nodes) {
    const n = state.nodes[path];
    if (n?.kind !== 'parameter' || n.value === undefined) continue;
    const want = flatDesired.get(path);
    if (want !== undefined && want !== lexical(n.value)) diffs++;
  }
  return diffs;
}

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

console.log(
  `node ${process.version}, ${ROUNDS} rounds x ${SLICE_MS} ms per candidate, median reported`,
);
console.log(
  `device: ${paramCount} parameters, ${Object.keys(state.nodes).length} nodes; ${PROFILES} matching profiles, ` +
    `${steadyDesired.values.size} desired values after merge (${steadyDesired.conflicts.length} conflicts), ` +
    `${steadyDesired.objects.length} desired objects; drift case: ${setCount} values to set`,
);

const results = compare(
  [
    { name: 'baseline: flat loop over 5,000 values', bytes: 0, run: baseline },
    {
      name: 'plan (steady state, nothing to do)',
      bytes: 0,
      run: () => plan(state, steadyDesired, ctx),
    },
    { name: 'plan (10% drift → SPV)', bytes: 0, run: () => plan(state, changedDesired, ctx) },
    {
      name: 'merge 50 profiles + plan (steady)',
      bytes: 0,
      run: () => plan(state, mergeDesired(state, steady, [], ctx), ctx),
    },
    {
      name: 'merge 50 profiles + plan (10% drift)',
      bytes: 0,
      run: () => plan(state, mergeDesired(state, changed, [], ctx), ctx),
    },
  ],
  ROUNDS,
  SLICE_MS,
);

const base = results[0] as Result;
console.log('');
for (const r of results)
  console.log(
    `  ${r.name.padEnd(40)} ${fmt(r.opsPerSec).padStart(9)} ops/s ${fmt(1e6 / r.opsPerSec, 1).padStart(9)} µs/op` +
      `  ratio vs baseline: ${(r.opsPerSec / base.opsPerSec).toFixed(2)}`,
  );
