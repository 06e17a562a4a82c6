import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import {
  Client,
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  type MethodDefinition,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { InMemoryEventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { emptyDeviceState, type DeviceState, type PathNode } from '@acs/domain';
import {
  createApiImplementation,
  nbiConfigSchema,
  silentNbiLogger,
  startNbi,
  type NbiHandle,
} from '@acs/nbi';
import {
  openRepositories,
  provisioningApi,
  storeState,
  SystemClock,
  type DeviceDocument,
  type ProvisioningRepositories,
} from '@acs/provisioning';
import {
  Delivery,
  DevicesServiceService,
  ParametersServiceService,
  TaskStatus,
  type ListDevicesRequest,
} from '@acs/proto';
import { MongoDocumentStore, SqliteDocumentStore, type DocumentStore } from '@acs/store';

// `npm run bench:nbi`. Part 1, Devices/List: pages of 100 devices matching a filter on a tag and a
// parameter value, over the embedded SQLite store with 1,000,000 devices (what apps/acs runs) and
// FerretDB with a smaller N (BENCH_NBI_FERRET_DEVICES); per page: the API's ListDevices called
// in-process on the same store (baseline: the same query without gRPC) vs ListDevices over gRPC
// with an API key, p50/p99 and the ratio. Part 2, Parameters/Set with wake-up end to end (see setBench below).
// Method and results: docs/benchmarks.md ("NBI").

const env = process.env;
const SQLITE_DEVICES = Number(env['BENCH_NBI_DEVICES'] ?? 1_000_000);
// FerretDB 1.24 took ~150 s per keyset query (`_id > x`, sorted by _id, limit 200) at 20,000 of
// these documents on this machine: only a small N is feasible there.
const FERRET_DEVICES = Number(env['BENCH_NBI_FERRET_DEVICES'] ?? 1_000);
const PAGES = Number(env['BENCH_NBI_PAGES'] ?? 100);
const PAGE_SIZE = 100;
const DATA_DIR = env['BENCH_NBI_DIR'] ?? join(tmpdir(), 'acs-bench-nbi');
const PARTS = (env['BENCH_NBI_PARTS'] ?? 'list-sqlite,list-ferret,set').split(',');

// Tag "lab" on every 10th device, SSID "guest" on every 3rd: the filter matches 1 in 30 (3.3 %).
// "canary" on 1 in 1,000 with "guest": 1 in 3,000 (333 devices in 1,000,000). The API reads the
// tag from the devices' tags index and SQLite checks the SSID on those rows (docs/nbi.md,
// performance), so a page reads the matches only, for either filter; the canary matches fill 4
// pages, and the page loop starts again from the first page to take PAGES samples.
const FILTERS = [
  {
    name: 'tag 10 % AND SSID 33 % (3.3 %)',
    expr: 'tag = "lab" AND Device.WiFi.SSID.1.SSID = "guest"',
  },
  {
    name: 'tag 0.1 % AND SSID 33 % (0.03 %)',
    expr: 'tag = "canary" AND Device.WiFi.SSID.1.SSID = "guest"',
  },
] as const;

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

// ---- devices ------------------------------------------------------------------------------

const str = (value: string): PathNode => ({
  kind: 'parameter',
  value: { type: 'string', value },
  writable: false,
  valueReadAt: 1_700_000_000_000,
});
const uint = (value: number): PathNode => ({
  kind: 'parameter',
  value: { type: 'unsignedInt', value },
  writable: true,
  valueReadAt: 1_700_000_000_000,
});
const obj = (instance = false): PathNode => ({ kind: 'object', instance });

/** A TR-181 gateway as the ACS knows it after its Informs: ~35 nodes, ~3 kB stored. */
export function benchDevice(i: number): DeviceState {
  const serial = String(i).padStart(8, '0');
  const id = `00D09E-HG8245-${serial}`;
  const tags = [
    ...(i % 10 === 0 ? ['lab'] : []),
    ...(i % 1000 === 3 ? ['canary'] : []),
    `pop-${i % 50}`,
  ];
  const base = emptyDeviceState(id, {
    oui: '00D09E',
    productClass: 'HG8245',
    serialNumber: serial,
    manufacturer: 'ACME',
  });
  return {
    ...base,
    root: 'Device.',
    tags,
    softwareVersion: `V3R${i % 7}C00`,
    hardwareVersion: 'HW-1.0',
    lastInform: 1_700_000_000_000 + i,
    lastEvents: ['2 PERIODIC'],
    nodes: {
      'Device.': obj(),
      'Device.DeviceInfo.': obj(),
      'Device.DeviceInfo.Manufacturer': str('ACME'),
      'Device.DeviceInfo.ManufacturerOUI': str('00D09E'),
      'Device.DeviceInfo.ModelName': str('HG8245'),
      'Device.DeviceInfo.SerialNumber': str(serial),
      'Device.DeviceInfo.SoftwareVersion': str(`V3R${i % 7}C00`),
      'Device.DeviceInfo.HardwareVersion': str('HW-1.0'),
      'Device.DeviceInfo.ProvisioningCode': str(''),
      'Device.DeviceInfo.UpTime': uint(1000 + (i % 86_400)),
      'Device.ManagementServer.': obj(),
      'Device.ManagementServer.URL': str('http://acs.example.net:7547/'),
      'Device.ManagementServer.ConnectionRequestURL': str(
        `http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:7547/cr`,
      ),
      'Device.ManagementServer.ParameterKey': str(''),
      'Device.ManagementServer.PeriodicInformEnable': {
        kind: 'parameter',
        value: { type: 'boolean', value: true },
        writable: true,
      },
      'Device.ManagementServer.PeriodicInformInterval': uint(3600),
      'Device.WiFi.': obj(),
      'Device.WiFi.SSID.': obj(),
      'Device.WiFi.SSID.1.': obj(true),
      'Device.WiFi.SSID.1.Enable': {
        kind: 'parameter',
        value: { type: 'boolean', value: true },
        writable: true,
      },
      'Device.WiFi.SSID.1.SSID': str(i % 3 === 0 ? 'guest' : `home-${serial}`),
      'Device.WiFi.SSID.2.': obj(true),
      'Device.WiFi.SSID.2.Enable': {
        kind: 'parameter',
        value: { type: 'boolean', value: false },
        writable: true,
      },
      'Device.WiFi.SSID.2.SSID': str(`home-${serial}-5G`),
      'Device.IP.': obj(),
      'Device.IP.Interface.': obj(),
      'Device.IP.Interface.1.': obj(true),
      'Device.IP.Interface.1.IPv4Address.': obj(),
      'Device.IP.Interface.1.IPv4Address.1.': obj(true),
      'Device.IP.Interface.1.IPv4Address.1.IPAddress': str(`100.64.${(i >> 8) & 255}.${i & 255}`),
      'Device.Time.': obj(),
      'Device.Time.NTPServer1': str('ntp1.example.net'),
      'Device.Time.NTPServer2': str('ntp2.example.net'),
      'Device.Ethernet.': obj(),
      'Device.Ethernet.Interface.': obj(),
    },
  };
}

function deviceDocument(i: number): DeviceDocument {
  const d = benchDevice(i);
  return {
    _id: d.id,
    state: storeState(d),
    appliedEvents: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
  };
}

/**
 * Seeds n devices unless they are there (a second run reuses them). SQLite: rows written in
 * 10,000-row transactions through a second connection to the store's file, in the adapter's row
 * format (docs/store.md: `_id`, `_version`, the document's JSON) — the store's insert commits each
 * document alone, which makes 1,000,000 of them take many minutes. FerretDB: the store's insert,
 * 32 in flight.
 */
async function seed(
  repos: ProvisioningRepositories,
  n: number,
  label: string,
  sqliteFile?: string,
): Promise<void> {
  const existing = await repos.devices.count({});
  if (existing === n) {
    console.log(`${label}: ${fmt(n)} devices already seeded`);
    return;
  }
  if (existing !== 0)
    throw new Error(`${label}: ${existing} devices stored, expected 0 or ${n}; remove ${DATA_DIR}`);
  const t0 = performance.now();
  const progress = (done: number): void => {
    if (done % 100_000 === 0)
      console.log(
        `  ${label}: ${fmt(done)} seeded (${fmt((done * 1000) / (performance.now() - t0))}/s)`,
      );
  };
  if (sqliteFile !== undefined) {
    const db = new DatabaseSync(sqliteFile);
    db.exec('PRAGMA busy_timeout = 5000');
    const insert = db.prepare('INSERT INTO "devices" (_id, _version, doc) VALUES (?, 1, ?)');
    for (let i = 0; i < n;) {
      db.exec('BEGIN');
      for (const end = Math.min(n, i + 10_000); i < end; i++) {
        const { _id, ...body } = deviceDocument(i);
        insert.run(_id, JSON.stringify(body));
      }
      db.exec('COMMIT');
      progress(i);
    }
    db.close();
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < n; i = next++) {
          await repos.devices.insert(deviceDocument(i));
          progress(i + 1);
        }
      }),
    );
  }
  if ((await repos.devices.count({})) !== n)
    throw new Error(`${label}: seeding left a different count`);
  console.log(`${label}: seeded ${fmt(n)} devices in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

// ---- the API over a store -----------------------------------------------------------------

interface Api {
  nbi: NbiHandle;
  repos: ProvisioningRepositories;
  adminKey: string;
  close(): Promise<void>;
}

async function startApi(store: DocumentStore, keyFile: string): Promise<Api> {
  const bus = new InMemoryEventBus(1);
  const repos = await openRepositories(store);
  const clock = new SystemClock();
  const nbi = await startNbi({
    config: nbiConfigSchema.parse({ NBI_HOST: '127.0.0.1', NBI_PORT: '0' }),
    store,
    bus,
    provisioning: provisioningApi(repos, bus, clock),
    defaultAdminKeyFile: keyFile,
    logger: silentNbiLogger,
  });
  const adminKey = readFileSync(keyFile, 'utf8').trim();
  return {
    nbi,
    repos,
    adminKey,
    async close() {
      await nbi.stop();
      await bus.close();
    },
  };
}

function unary<Req, Res>(
  client: Client,
  method: MethodDefinition<Req, Res>,
  request: Req,
  metadata: Metadata,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadata,
      { deadline: Date.now() + 120_000 },
      (e, r) =>
        e !== null || r === undefined ? reject(e ?? new Error('no response')) : resolve(r),
    );
  });
}

// ---- part 1: Devices/List -----------------------------------------------------------------

interface PageStats {
  latencies: number[];
  devices: number;
  scanned: number;
}

/**
 * The same query without gRPC: the API's ListDevices implementation called in-process on the same
 * store (filter parse, keyset scan, filter, proto conversion), no transport, auth or serialisation.
 */
async function inProcessPages(nbi: NbiHandle, expr: string, pages: number): Promise<PageStats> {
  const devices = createApiImplementation(nbi.deps)['acs.v1.DevicesService'];
  const out: PageStats = { latencies: [], devices: 0, scanned: 0 };
  const request: ListDevicesRequest = {
    filter: expr,
    pageSize: PAGE_SIZE,
    pageToken: '',
    parameterPaths: [],
  };
  for (let p = 0; p < pages; p++) {
    const t0 = performance.now();
    const res = await devices.listDevices(request, {
      principal: { id: 'bench', role: 'viewer', via: 'api-key' },
      signal: new AbortController().signal,
      deadline: Date.now() + 120_000,
      method: DevicesServiceService.listDevices.path,
    });
    out.latencies.push(performance.now() - t0);
    out.devices += res.devices.length;
    // After the last page, from the first one again (bounded by `pages` either way).
    request.pageToken = res.nextPageToken;
  }
  return out;
}

async function grpcPages(
  address: string,
  key: string,
  expr: string,
  pages: number,
): Promise<PageStats> {
  const client = new Client(address, credentials.createInsecure());
  const md = new Metadata();
  md.set('x-api-key', key);
  const out: PageStats = { latencies: [], devices: 0, scanned: 0 };
  const request: ListDevicesRequest = {
    filter: expr,
    pageSize: PAGE_SIZE,
    pageToken: '',
    parameterPaths: [],
  };
  try {
    for (let p = 0; p < pages; p++) {
      const t0 = performance.now();
      const res = await unary(client, DevicesServiceService.listDevices, request, md);
      out.latencies.push(performance.now() - t0);
      out.devices += res.devices.length;
      // After the last page, from the first one again (bounded by `pages` either way).
      request.pageToken = res.nextPageToken;
    }
  } finally {
    client.close();
  }
  return out;
}

function row(label: string, s: PageStats, baseline?: PageStats): string {
  const p50 = percentile(s.latencies, 50);
  const p99 = percentile(s.latencies, 99);
  const ratio =
    baseline === undefined
      ? ''
      : ` | ×${fmt(p50 / percentile(baseline.latencies, 50), 2)} p50, ×${fmt(p99 / percentile(baseline.latencies, 99), 2)} p99`;
  const scanned = s.scanned > 0 ? `, ${fmt(s.scanned / s.latencies.length)} docs scanned/page` : '';
  return `  ${label.padEnd(34)} pages ${String(s.latencies.length).padStart(4)} | devices/page ${fmt(s.devices / Math.max(1, s.latencies.length), 1).padStart(5)} | p50 ${fmt(p50, 1).padStart(7)} ms | p99 ${fmt(p99, 1).padStart(7)} ms${ratio}${scanned}`;
}

async function listBench(
  label: string,
  store: DocumentStore,
  n: number,
  keyFile: string,
  sqliteFile?: string,
): Promise<void> {
  const t0 = performance.now();
  // Opening creates the declared indexes: on a store seeded before the tags index existed, this
  // builds it (once).
  const api = await startApi(store, keyFile);
  console.log(`${label}: opened in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  try {
    await seed(api.repos, n, label, sqliteFile);
    const address = `127.0.0.1:${api.nbi.port}`;
    console.log(`\nDevices/List, ${label}, ${fmt(n)} devices, page size ${PAGE_SIZE}`);
    for (const f of FILTERS) {
      // Warm-up (page cache, JIT), discarded; then baseline and gRPC alternate twice, all samples kept.
      await inProcessPages(api.nbi, f.expr, 3);
      await grpcPages(address, api.adminKey, f.expr, 3);
      const store1 = await inProcessPages(api.nbi, f.expr, PAGES);
      const grpc1 = await grpcPages(address, api.adminKey, f.expr, PAGES);
      const grpc2 = await grpcPages(address, api.adminKey, f.expr, PAGES);
      const store2 = await inProcessPages(api.nbi, f.expr, PAGES);
      const merge = (a: PageStats, b: PageStats): PageStats => ({
        latencies: [...a.latencies, ...b.latencies],
        devices: a.devices + b.devices,
        scanned: a.scanned + b.scanned,
      });
      const base = merge(store1, store2);
      console.log(` filter ${f.name}: ${f.expr}`);
      console.log(row('ListDevices in-process (baseline)', base));
      console.log(row('ListDevices over gRPC', merge(grpc1, grpc2), base));
    }
  } finally {
    await api.close();
  }
}

async function listSqlite(): Promise<void> {
  const dir = join(DATA_DIR, `sqlite-${SQLITE_DEVICES}`);
  mkdirSync(dir, { recursive: true });
  const store = SqliteDocumentStore.open({ directory: dir });
  try {
    await listBench(
      'embedded SQLite',
      store,
      SQLITE_DEVICES,
      join(dir, 'admin.key'),
      join(dir, 'documents.sqlite'),
    );
  } finally {
    await store.close();
  }
}

async function listFerret(): Promise<void> {
  const uri = loadInfraConfig().MONGODB_URI;
  const database = `bench_nbi_${FERRET_DEVICES}_${process.pid}`;
  const dir = join(tmpdir(), `acs-bench-nbi-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const store = await MongoDocumentStore.connect({
    uri,
    database,
    serverSelectionTimeoutMS: 5_000,
  });
  try {
    await listBench('FerretDB', store, FERRET_DEVICES, join(dir, 'admin.key'));
  } finally {
    await store.close();
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    await client
      .db(database)
      .dropDatabase()
      .finally(() => client.close());
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- part 2: Parameters/Set with wake-up, end to end --------------------------------------
//
// The all-in-one ACS (apps/acs/dist/main.js: gateway, provisioning, connection requests, the API)
// and BENCH_NBI_SIM_DEVICES simulated CPEs (apps/cpe-sim/dist/main.js) as two child processes on
// loopback; a profile sets each CPE's connection-request credentials in its first session, as an
// operator's would. Then SetParameters with DELIVERY_WAKE_UP_AND_WAIT on random registered devices,
// one call at a time: API → task → wake-up on the bus → HTTP connection request (Digest) → the
// CPE's session (Inform, SetParameterValues) → task done → the call returns. Baselines in the same
// run: a bare gRPC unary echo on loopback (a server in this process) and GetDevice on the ACS.

// Compiled to bench/dist/nbi.bench.js.
const ROOT = join(__dirname, '../..');
const SIM_DEVICES = Number(env['BENCH_NBI_SIM_DEVICES'] ?? 10_000);
const SET_SAMPLES = Number(env['BENCH_NBI_SET_SAMPLES'] ?? 200);
const RAMP_UP_S = Number(env['BENCH_NBI_RAMP_UP_S'] ?? 60);
const REGISTER_TIMEOUT_S = Number(env['BENCH_NBI_REGISTER_TIMEOUT_S'] ?? 900);
const CR_USERNAME = 'bench-cr';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A child process whose last stderr lines are kept for the error report. */
function child(
  name: string,
  args: string[],
  childEnv: Record<string, string>,
): { proc: ChildProcess; tail: string[] } {
  const proc = spawn(process.execPath, args, {
    env: { PATH: env['PATH'] ?? '', HOME: env['HOME'] ?? '', ...childEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  proc.stderr?.setEncoding('utf8').on('data', (s: string) => {
    tail.push(...s.split('\n').filter((l) => l !== ''));
    tail.splice(0, Math.max(0, tail.length - 30));
  });
  proc.on('exit', (code, signal) => {
    if (code !== 0 && signal === null)
      console.error(`${name} exited with ${code}:\n${tail.join('\n')}`);
  });
  return { proc, tail };
}

async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Ids of the devices whose connection-request username the profile has set (paged ListDevices). */
async function registeredDevices(client: Client, md: Metadata): Promise<string[]> {
  const ids: string[] = [];
  const request: ListDevicesRequest = {
    filter: `Device.ManagementServer.ConnectionRequestUsername = "${CR_USERNAME}"`,
    readMask: ['id'],
    pageSize: 1000,
    pageToken: '',
    parameterPaths: [],
  };
  for (;;) {
    const res = await unary(client, DevicesServiceService.listDevices, request, md);
    ids.push(...res.devices.map((d) => d.id));
    if (res.nextPageToken === '') return ids;
    request.pageToken = res.nextPageToken;
  }
}

async function timed(samples: number, call: (k: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < samples; k++) {
    const t0 = performance.now();
    await call(k);
    out.push(performance.now() - t0);
  }
  return out;
}

function latencyRow(label: string, xs: readonly number[], base?: readonly number[]): string {
  const p50 = percentile(xs, 50);
  const p99 = percentile(xs, 99);
  const ratio =
    base === undefined
      ? ''
      : ` | ×${fmt(p50 / percentile(base, 50), 1)} p50, ×${fmt(p99 / percentile(base, 99), 1)} p99 vs echo`;
  return `  ${label.padEnd(40)} n ${String(xs.length).padStart(4)} | p50 ${fmt(p50, 2).padStart(8)} ms | p99 ${fmt(p99, 2).padStart(8)} ms${ratio}`;
}

/** A bare unary echo on loopback: what any gRPC call costs here. */
async function echoServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new Server();
  const id = (b: Buffer): Buffer => b;
  server.addService(
    {
      echo: {
        path: '/bench.Echo/Echo',
        requestStream: false,
        responseStream: false,
        requestSerialize: id,
        requestDeserialize: id,
        responseSerialize: id,
        responseDeserialize: id,
      },
    },
    {
      echo: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) =>
        cb(null, call.request),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e === null ? resolve(p) : reject(e),
    ),
  );
  return { port, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

async function setBench(): Promise<void> {
  for (const f of ['apps/acs/dist/main.js', 'apps/cpe-sim/dist/main.js'])
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'acs-bench-nbi-set-'));
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(
    join(dir, 'profiles', 'connreq.yaml'),
    `name: connreq\nparameters:\n  Device.ManagementServer.ConnectionRequestUsername: ${CR_USERNAME}\n  Device.ManagementServer.ConnectionRequestPassword: bench-cr-secret\n`,
  );
  const [gatewayPort, nbiPort, crPort] = [await freePort(), await freePort(), await freePort()];
  const acs = child('acs', [join(ROOT, 'apps/acs/dist/main.js')], {
    ACS_DATA_DIR: join(dir, 'data'),
    ACS_PROFILE_DIR: join(dir, 'profiles'),
    ACS_LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_BIND: '127.0.0.1',
    // Throughput of CPE authentication is the gateway bench's subject, not this one's.
    GATEWAY_AUTH: 'none',
    NBI_HOST: '127.0.0.1',
    NBI_PORT: String(nbiPort),
    STUN_HOST: '127.0.0.1',
    STUN_PORT: '0',
    CONNREQ_ALLOW_CIDRS: '127.0.0.0/8',
    CONNREQ_DENY_CIDRS: '',
    OTEL_ENABLED: 'false',
    METRICS_PORT: '0',
  });
  let sim: ReturnType<typeof child> | undefined;
  const echo = await echoServer();
  const client = new Client(`127.0.0.1:${nbiPort}`, credentials.createInsecure());
  const echoClient = new Client(`127.0.0.1:${echo.port}`, credentials.createInsecure());
  try {
    const keyFile = join(dir, 'data', 'nbi-admin.key');
    const startBy = Date.now() + 60_000;
    while (!existsSync(keyFile) || readFileSync(keyFile, 'utf8').trim() === '') {
      if (Date.now() > startBy || acs.proc.exitCode !== null)
        throw new Error(`the ACS did not start:\n${acs.tail.join('\n')}`);
      await sleep(200);
    }
    const md = new Metadata();
    md.set('x-api-key', readFileSync(keyFile, 'utf8').trim());
    sim = child(
      'cpe-sim',
      [
        join(ROOT, 'apps/cpe-sim/dist/main.js'),
        '--devices',
        String(SIM_DEVICES),
        '--acs-url',
        `http://127.0.0.1:${gatewayPort}/`,
        '--ramp-up',
        String(RAMP_UP_S),
        '--interval',
        '86400',
        '--cr-host',
        '127.0.0.1',
        '--cr-port',
        String(crPort),
        '--concurrency',
        '200',
        '--quiet',
      ],
      {},
    );
    const t0 = performance.now();
    let devices: string[] = [];
    const registerBy = Date.now() + REGISTER_TIMEOUT_S * 1000;
    while (devices.length < SIM_DEVICES) {
      if (Date.now() > registerBy)
        throw new Error(
          `only ${devices.length} of ${SIM_DEVICES} devices registered in ${REGISTER_TIMEOUT_S} s`,
        );
      if (sim.proc.exitCode !== null) throw new Error(`cpe-sim exited:\n${sim.tail.join('\n')}`);
      await sleep(5_000);
      devices = await registeredDevices(client, md);
      console.log(
        `  ${fmt(devices.length)} of ${fmt(SIM_DEVICES)} devices registered with connection-request credentials (${fmt((performance.now() - t0) / 1000)} s)`,
      );
    }
    console.log(
      `\nParameters/Set with wake-up, ${fmt(SIM_DEVICES)} simulated CPEs on loopback (all-in-one ACS, embedded store), one call at a time`,
    );
    const payload = Buffer.alloc(64, 1);
    const echoDef = {
      path: '/bench.Echo/Echo',
      requestSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    } as MethodDefinition<Buffer, Buffer>;
    await timed(50, () => unary(echoClient, echoDef, payload, new Metadata()));
    const echoLat = await timed(Math.max(500, SET_SAMPLES), () =>
      unary(echoClient, echoDef, payload, new Metadata()),
    );
    const pick = (k: number): string => devices[(k * 7919) % devices.length] as string;
    const getLat = await timed(Math.max(200, SET_SAMPLES), (k) =>
      unary(client, DevicesServiceService.getDevice, { deviceId: pick(k), parameterPaths: [] }, md),
    );
    let failed = 0;
    const setLat = await timed(SET_SAMPLES, async (k) => {
      try {
        const res = await unary(
          client,
          ParametersServiceService.setParameters,
          {
            deviceId: pick(k),
            delivery: Delivery.DELIVERY_WAKE_UP_AND_WAIT,
            values: [
              {
                path: 'Device.ManagementServer.PeriodicInformInterval',
                value: String(3600 + k),
                type: 'unsignedInt',
              },
            ],
          },
          md,
        );
        if (res.task?.status !== TaskStatus.TASK_STATUS_DONE) failed++;
      } catch (e) {
        failed++;
        if (failed <= 3) console.error(`  set failed: ${(e as Error).message}`);
      }
    });
    console.log(latencyRow('bare gRPC unary echo (baseline)', echoLat));
    console.log(latencyRow('GetDevice (auth + store read)', getLat, echoLat));
    console.log(latencyRow('SetParameters, wake-up and wait', setLat, echoLat));
    console.log(
      `  sets not done: ${failed} of ${SET_SAMPLES}; target p99 ≤ 500 ms: ${percentile(setLat, 99) <= 500 ? 'met' : 'NOT met'}`,
    );
  } finally {
    client.close();
    echoClient.close();
    await echo.stop();
    if (sim !== undefined) await stopChild(sim.proc);
    await stopChild(acs.proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`bench:nbi — Node ${process.version}; parts: ${PARTS.join(', ')}`);
  if (PARTS.includes('list-sqlite')) await listSqlite();
  if (PARTS.includes('list-ferret')) await listFerret();
  if (PARTS.includes('set')) await setBench();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
