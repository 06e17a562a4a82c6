import { createSocket } from 'node:dgram';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  AddressPolicy,
  CryptoRandom,
  DEFAULT_FANOUT_LIMITS,
  HttpConnectionRequester,
  InMemoryBindingStore,
  InMemoryDeviceContactDirectory,
  InMemoryStunCredentials,
  SystemClock,
  UdpConnectionRequester,
  UdpMessageSource,
  WAKEUP_SCHEMA_V1,
  WakeupFanout,
  buildUdpConnectionRequest,
  startStunServer,
  type FanoutLimits,
  type Requesters,
  type WakeupCommand,
} from '@acs/connreq';
import { buildDigestAuthorization, parseDigestChallenge } from '@acs/cwmp';

// `npm run bench:connreq`: wake-ups through the connection-request fan-out (UDP Annex G via the
// STUN server's socket; HTTP with Digest) against a bare loop sending the same datagrams / the
// same Digest GET pairs (node:http, on one kept-alive connection per wake-up like the requester,
// and on two connections as before), in the same run, to CPE endpoints on loopback served by a worker thread.
// Then RSS with 100k vs 1M wake-ups pushed through the fan-out. Method: docs/benchmarks.md.

const N_UDP = Number(process.env['BENCH_UDP_DEVICES'] ?? 100_000);
const N_HTTP = Number(process.env['BENCH_HTTP_DEVICES'] ?? 10_000);
const N_RSS = Number(process.env['BENCH_RSS_WAKEUPS'] ?? 1_000_000);
const RSS_WARMUP = Number(process.env['BENCH_RSS_WARMUP'] ?? 200_000);
const HTTP_CONCURRENCY = Number(process.env['BENCH_HTTP_CONCURRENCY'] ?? 128);
const UDP_CONCURRENCY = Number(process.env['BENCH_UDP_CONCURRENCY'] ?? 1_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const USER = 'bench';
const PASS = 'bench-secret';

const UDP_ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.0.${10 + i}`);
const HTTP_ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.1.${10 + i}`);
const PORTS_PER_ADDRESS = 10;

const now = (): number => performance.timeOrigin + performance.now();
const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (b: number): string => `${fmt(b / 1048576, 1)} MB`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Endpoints {
  udp: { address: string; port: number }[];
  http: { host: string; port: number }[];
}

interface Run {
  name: string;
  delivered: number;
  total: number;
  seconds: number;
  perSec: number;
  p50: number;
  p99: number;
  rss: number;
}

function quantiles(
  start: Float64Array,
  end: Float64Array,
): { p50: number; p99: number; delivered: number } {
  const lat: number[] = [];
  for (let i = 0; i < end.length; i++)
    if ((end[i] ?? 0) > 0) lat.push((end[i] ?? 0) - (start[i] ?? 0));
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), delivered: lat.length };
}

async function waitFor(counter: () => number, target: number, idleMs = 3_000): Promise<void> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const c = counter();
    if (c >= target) return;
    if (c !== last) {
      last = c;
      since = Date.now();
    } else if (Date.now() - since > idleMs) return; // lost datagrams: stop waiting
    await sleep(5);
  }
}

function summarize(name: string, t0: number, starts: Float64Array, arrivals: Float64Array): Run {
  let last = t0;
  for (const a of arrivals) if (a > last) last = a;
  const { p50, p99, delivered } = quantiles(starts, arrivals);
  const seconds = (last - t0) / 1000;
  return {
    name,
    delivered,
    total: arrivals.length,
    seconds,
    perSec: delivered / seconds,
    p50,
    p99,
    rss: process.memoryUsage().rss,
  };
}

function fanoutFor(
  requesters: Requesters,
  directory: InMemoryDeviceContactDirectory,
  limits: Partial<FanoutLimits>,
): WakeupFanout {
  return new WakeupFanout({
    directory,
    bindings: new InMemoryBindingStore(),
    requesters,
    sink: { publish: () => Promise.resolve() },
    clock: new SystemClock(),
    random: new CryptoRandom(),
    limits: { ...DEFAULT_FANOUT_LIMITS, ratePerSec: 10_000_000, ...limits },
  });
}

// One timestamp per run: formatting a date per wake-up is the harness's work (in production the
// command arrives as JSON from Kafka), and the bare loops do not pay it either.
let requestedAt = new Date().toISOString();
const command = (deviceId: string): WakeupCommand => ({
  schema: WAKEUP_SCHEMA_V1,
  deviceId,
  requestedAt,
});

/** One wake-up per device `${prefix}${i}`; resolves, with the start time, once all arrived. */
async function driveFanout(
  fanout: WakeupFanout,
  prefix: string,
  starts: Float64Array,
  arrived: () => number,
): Promise<number> {
  const t0 = now();
  for (let i = 0; i < starts.length; i++) {
    starts[i] = now();
    await fanout.submit(command(`${prefix}${i}`));
  }
  await fanout.idle();
  await waitFor(arrived, starts.length);
  return t0;
}

// The directory's per-device status is O(devices) by design (it lives in the store in
// production); the benchmark measures the fan-out and the transports, so results are not kept in process
// (the bare loops keep nothing either; the result sink is a no-op too).
class ForgetfulDirectory extends InMemoryDeviceContactDirectory {
  override recordResult(): Promise<void> {
    return Promise.resolve();
  }
}

// ------------------------------------------------------------------ UDP

async function udpBaseline(
  ep: Endpoints,
  arrivals: Float64Array,
  counters: Int32Array,
): Promise<Run> {
  arrivals.fill(0);
  Atomics.store(counters, 1, 0);
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const source = new UdpMessageSource(new SystemClock(), new CryptoRandom());
  const starts = new Float64Array(N_UDP);
  let inFlight = 0;
  const t0 = now();
  for (let i = 0; i < N_UDP; i++) {
    while (inFlight >= UDP_CONCURRENCY) await new Promise((r) => setImmediate(r));
    const e = ep.udp[i % ep.udp.length]!;
    starts[i] = now();
    const dgram = buildUdpConnectionRequest({
      ...source.next(),
      un: `d${i}`,
      hostPort: `${e.address}:${e.port}`,
      password: PASS,
    });
    inFlight++;
    socket.send(dgram, e.port, e.address, () => inFlight--);
  }
  await waitFor(() => Atomics.load(counters, 1), N_UDP);
  socket.close();
  return summarize('bare loop (sign + send)', t0, starts, arrivals);
}

async function udpFanout(
  ep: Endpoints,
  arrivals: Float64Array,
  counters: Int32Array,
): Promise<Run> {
  arrivals.fill(0);
  Atomics.store(counters, 1, 0);
  const stun = await startStunServer({
    host: '127.0.0.1',
    port: 0,
    credentials: new InMemoryStunCredentials(),
    bindings: new InMemoryBindingStore(),
    clock: new SystemClock(),
  });
  const directory = new ForgetfulDirectory();
  for (let i = 0; i < N_UDP; i++) {
    const e = ep.udp[i % ep.udp.length]!;
    await directory.put({
      deviceId: `u${i}`,
      udp: { address: `${e.address}:${e.port}`, username: `d${i}`, password: PASS },
    });
  }
  const udp = new UdpConnectionRequester({
    sender: stun,
    clock: new SystemClock(),
    random: new CryptoRandom(),
    policy: new AddressPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    copies: 1,
  });
  const fanout = fanoutFor({ udp }, directory, { concurrency: UDP_CONCURRENCY });
  const starts = new Float64Array(N_UDP);
  const t0 = await driveFanout(fanout, 'u', starts, () => Atomics.load(counters, 1));
  await stun.stop();
  return summarize('fan-out → UDP requester → STUN socket', t0, starts, arrivals);
}

// ------------------------------------------------------------------ HTTP

function httpUrl(ep: Endpoints, i: number): { host: string; port: number; path: string } {
  const e = ep.http[i % ep.http.length]!;
  return { host: e.host, port: e.port, path: `/cr/h${i}` };
}

function bareGet(
  host: string,
  port: number,
  path: string,
  authorization?: string,
  agent: Agent | false = false,
): Promise<{ status: number; www?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host,
        port,
        path,
        agent,
        headers: authorization === undefined ? {} : { authorization },
      },
      (res) => {
        const www = res.headers['www-authenticate'];
        resolve({ status: res.statusCode ?? 0, ...(www === undefined ? {} : { www }) });
        // With a keep-alive agent the (empty) 401 body is read so the socket goes back to it.
        if (agent === false) res.destroy();
        else res.resume();
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * The bare node:http Digest pair. `keepAlive`: both GETs on one connection (a keep-alive agent
 * per wake-up, as the requester keeps one connection per wake-up); else a new connection each.
 */
async function httpBaseline(
  ep: Endpoints,
  arrivals: Float64Array,
  counters: Int32Array,
  keepAlive: boolean,
): Promise<Run> {
  arrivals.fill(0);
  Atomics.store(counters, 2, 0);
  const starts = new Float64Array(N_HTTP);
  let next = 0;
  const t0 = now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= N_HTTP) return;
      const u = httpUrl(ep, i);
      starts[i] = now();
      const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
      try {
        const first = await bareGet(u.host, u.port, u.path, undefined, agent);
        if (first.status !== 401 || first.www === undefined) continue;
        const auth = buildDigestAuthorization({
          challenge: parseDigestChallenge(first.www),
          username: USER,
          password: PASS,
          method: 'GET',
          uri: u.path,
          nc: 1,
        });
        await bareGet(u.host, u.port, u.path, auth, agent);
      } finally {
        if (agent !== false) agent.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
  await waitFor(() => Atomics.load(counters, 2), N_HTTP);
  return summarize(
    keepAlive ? 'bare node:http pair, 1 connection' : 'bare node:http pair, 2 connections',
    t0,
    starts,
    arrivals,
  );
}

async function httpFanout(
  ep: Endpoints,
  arrivals: Float64Array,
  counters: Int32Array,
): Promise<Run> {
  arrivals.fill(0);
  Atomics.store(counters, 2, 0);
  const directory = new ForgetfulDirectory();
  for (let i = 0; i < N_HTTP; i++) {
    const u = httpUrl(ep, i);
    await directory.put({
      deviceId: `h${i}`,
      http: { url: `http://${u.host}:${u.port}${u.path}`, username: USER, password: PASS },
    });
  }
  const http = new HttpConnectionRequester({
    policy: new AddressPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    random: new CryptoRandom(),
    timeoutMs: 10_000,
  });
  const fanout = fanoutFor({ http }, directory, { concurrency: HTTP_CONCURRENCY });
  const starts = new Float64Array(N_HTTP);
  const t0 = await driveFanout(fanout, 'h', starts, () => Atomics.load(counters, 2));
  const r = summarize('fan-out → HTTP Digest requester', t0, starts, arrivals);
  const failed = Object.entries(fanout.stats.byOutcome).filter(([k]) => k !== 'accepted');
  if (failed.length > 0)
    console.log(
      `  (http outcomes other than accepted: ${JSON.stringify(Object.fromEntries(failed))})`,
    );
  return r;
}

// ------------------------------------------------------------------ RSS

function sampleMemory(): { rss: number; heap: number } {
  // With --expose-gc (the npm script passes it) samples are taken after a full collection.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
}

interface RssResult {
  at100k: number;
  atEnd: number;
  heap100k: number;
  heapEnd: number;
  perSec: number;
}

async function rssFlat(): Promise<RssResult> {
  // Each request completes on a timer, so the fan-out stays full (maxPending devices admitted)
  // and the rest waits upstream, as it waits in Kafka behind the consumer's back-pressure.
  const udp = {
    request: () => new Promise<{ kind: 'sent' }>((r) => setTimeout(() => r({ kind: 'sent' }), 1)),
  };
  const fanout = fanoutFor({ udp }, new ForgetfulDirectory(), {
    concurrency: 1_000,
    maxPending: DEFAULT_FANOUT_LIMITS.maxPending,
  });
  const push = (id: string): Promise<void> =>
    fanout.submit({
      ...command(id),
      contact: { deviceId: id, udp: { address: '127.0.0.1:9', username: id, password: PASS } },
    });
  // Warm-up: V8 grows its young generation to its working size during the first ~150k wake-ups
  // (RSS +10 % once, then flat); the measured run starts after it.
  for (let i = 0; i < RSS_WARMUP; i++) await push(`w${i}`);
  let first = { rss: 0, heap: 0 };
  const t0 = now();
  for (let i = 0; i < N_RSS; i++) {
    await push(`m${i}`);
    if (i + 1 === Math.min(100_000, N_RSS)) first = sampleMemory();
  }
  // Sampled while the fan-out is still full, as at 100k.
  const last = sampleMemory();
  await fanout.idle();
  return {
    at100k: first.rss,
    atEnd: last.rss,
    heap100k: first.heap,
    heapEnd: last.heap,
    perSec: N_RSS / ((now() - t0) / 1000),
  };
}

// ------------------------------------------------------------------ main

function print(title: string, runs: Run[], baseline: string): void {
  const base = runs.find((r) => r.name === baseline)!;
  console.log(`\n${title}`);
  for (const r of runs) {
    const ratio = r.perSec / base.perSec;
    console.log(
      `  ${r.name.padEnd(42)} ${fmt(r.perSec).padStart(8)} wake-ups/s  p50 ${fmt(r.p50, 1).padStart(7)} ms  p99 ${fmt(r.p99, 1).padStart(7)} ms  ` +
        `delivered ${fmt(r.delivered)}/${fmt(r.total)}  RSS ${mb(r.rss)}${r === base ? '' : `  ratio ${fmt(ratio, 2)}`}`,
    );
  }
}

const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.perSec > a.perSec ? b : a));

async function main(): Promise<void> {
  // Memory first, before the CPE worker thread starts and before the throughput phases (their
  // memory would otherwise show up in this process's RSS).
  const rss = await rssFlat();
  const udpArrivals = new SharedArrayBuffer(8 * N_UDP);
  const httpArrivals = new SharedArrayBuffer(8 * N_HTTP);
  const countersBuf = new SharedArrayBuffer(4 * 4);
  const counters = new Int32Array(countersBuf);
  const worker = new Worker(join(__dirname, 'lib', 'connreq-endpoints.worker.js'), {
    workerData: {
      udpAddresses: UDP_ADDRESSES,
      udpPortsPerAddress: PORTS_PER_ADDRESS,
      httpAddresses: HTTP_ADDRESSES,
      httpPortsPerAddress: PORTS_PER_ADDRESS,
      username: USER,
      password: PASS,
      udpArrivals,
      httpArrivals,
      counters: countersBuf,
    },
  });
  const ep = await new Promise<Endpoints>((resolve) => worker.once('message', resolve));
  console.log(
    `connreq bench: ${fmt(N_UDP)} UDP devices on ${ep.udp.length} sockets (${UDP_ADDRESSES.length} addresses × ${PORTS_PER_ADDRESS} ports), ` +
      `${fmt(N_HTTP)} HTTP devices on ${ep.http.length} Digest servers (${HTTP_ADDRESSES.length} addresses × ${PORTS_PER_ADDRESS} ports, one path per device); ` +
      `best of ${ROUNDS} rounds; node ${process.version}`,
  );
  const ua = new Float64Array(udpArrivals);
  const ha = new Float64Array(httpArrivals);
  const udpRuns: Run[][] = [[], []];
  // [1 connection baseline, fan-out, 2 connections baseline]
  const httpRuns: Run[][] = [[], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    requestedAt = new Date().toISOString();
    // The order alternates every round, so neither side always runs on the heap and caches the
    // other one left behind.
    if (round % 2 === 0) {
      udpRuns[0]!.push(await udpBaseline(ep, ua, counters));
      udpRuns[1]!.push(await udpFanout(ep, ua, counters));
      httpRuns[0]!.push(await httpBaseline(ep, ha, counters, true));
      httpRuns[1]!.push(await httpFanout(ep, ha, counters));
      httpRuns[2]!.push(await httpBaseline(ep, ha, counters, false));
    } else {
      udpRuns[1]!.push(await udpFanout(ep, ua, counters));
      udpRuns[0]!.push(await udpBaseline(ep, ua, counters));
      httpRuns[2]!.push(await httpBaseline(ep, ha, counters, false));
      httpRuns[1]!.push(await httpFanout(ep, ha, counters));
      httpRuns[0]!.push(await httpBaseline(ep, ha, counters, true));
    }
  }
  const u = [best(udpRuns[0]!), best(udpRuns[1]!)];
  const h = [best(httpRuns[0]!), best(httpRuns[1]!), best(httpRuns[2]!)];
  print(
    'UDP connection requests (Annex G, 1 datagram per wake-up; time to accepted = until the CPE socket got it)',
    u,
    u[0]!.name,
  );
  print(
    'HTTP connection requests (401 Digest challenge + authenticated GET → 204; ratio to the 1-connection pair)',
    h,
    h[0]!.name,
  );
  console.log(
    `\nRSS with wake-ups pushed through the fan-out (maxPending ${fmt(DEFAULT_FANOUT_LIMITS.maxPending)}, after ${fmt(RSS_WARMUP)} warm-up): ` +
      `after 100k ${mb(rss.at100k)}, after ${fmt(N_RSS)} ${mb(rss.atEnd)} (${fmt(((rss.atEnd - rss.at100k) / rss.at100k) * 100, 1)}%); ` +
      `JS heap + external ${mb(rss.heap100k)} → ${mb(rss.heapEnd)}; ${fmt(rss.perSec)} wake-ups/s`,
  );
  // Each round measures the baseline and the fan-out back to back, under about the same machine
  // load; the median of the per-round ratios is steadier than best ÷ best.
  const roundRatios = (runs: Run[][]): number[] =>
    runs[1]!.map((r, i) => r.perSec / runs[0]![i]!.perSec).sort((a, b) => a - b);
  const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? NaN;
  for (let i = 0; i < ROUNDS; i++)
    console.log(
      `round ${i + 1}: UDP bare ${fmt(udpRuns[0]![i]!.perSec)}/s, fan-out ${fmt(udpRuns[1]![i]!.perSec)}/s; ` +
        `HTTP bare 1 conn ${fmt(httpRuns[0]![i]!.perSec)}/s, fan-out ${fmt(httpRuns[1]![i]!.perSec)}/s, ` +
        `bare 2 conns ${fmt(httpRuns[2]![i]!.perSec)}/s`,
    );
  const udpRatios = roundRatios(udpRuns);
  const httpRatios = roundRatios(httpRuns);
  console.log(
    `\nper-round ratios: UDP ${udpRatios.map((x) => fmt(x, 2)).join(' ')} (median ${fmt(median(udpRatios), 2)}), ` +
      `HTTP ${httpRatios.map((x) => fmt(x, 2)).join(' ')} (median ${fmt(median(httpRatios), 2)})`,
  );
  const verdict = {
    udpPerSec: Math.round(u[1]!.perSec),
    udpRatio: Number((u[1]!.perSec / u[0]!.perSec).toFixed(2)),
    udpRatioMedian: Number(median(udpRatios).toFixed(2)),
    httpPerSec: Math.round(h[1]!.perSec),
    httpRatio: Number((h[1]!.perSec / h[0]!.perSec).toFixed(2)),
    httpRatioMedian: Number(median(httpRatios).toFixed(2)),
    httpRatioTo2Connections: Number((h[1]!.perSec / h[2]!.perSec).toFixed(2)),
    rssChangePct: Number((((rss.atEnd - rss.at100k) / rss.at100k) * 100).toFixed(1)),
  };
  console.log(`\nsummary ${JSON.stringify(verdict)}`);
  worker.postMessage('stop');
  await worker.terminate();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
