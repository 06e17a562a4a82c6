import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serializeEnvelope } from '@acs/cwmp';
import {
  CpeFleet,
  DEFAULT_GROUP,
  HttpSessionTransport,
  SystemClock,
  deviceTemplate,
  type FileTransferClient,
} from '@acs/cpe-sim';

// `npm run bench:sim`: (1) memory of 50,000 idle simulated CPEs in this process, against a
// baseline that copies the template per device; (2) sessions/s that the fleet drives against a
// bare node:http ACS stand-in answering canned bytes (in a child process, so the two do not share
// one event loop), against a baseline raw node:http client doing the same two requests with
// canned bodies. Method and results: docs/benchmarks.md ("CPE simulator").

const DEVICES = Number(process.env['SIM_DEVICES'] ?? 50_000);
const CONCURRENCY = Number(process.env['SIM_CONCURRENCY'] ?? 200);
const BASELINE_DEVICES = 2_000;
const WORKERS = Number(process.env['SIM_WORKERS'] ?? 2);

interface WorkerInput {
  readonly port: number;
  readonly devices: number;
  readonly serialPrefix: string;
}
interface WorkerResult {
  readonly ok: number;
  readonly failed: number;
  readonly cpu: NodeJS.CpuUsage;
}

/** One worker thread's share of the fleet: boots its devices as fast as it can, reports back. */
async function fleetWorker(input: WorkerInput): Promise<void> {
  const group = {
    ...DEFAULT_GROUP,
    serialPrefix: input.serialPrefix,
    acsUrl: `http://127.0.0.1:${input.port}/`,
    informIntervalSec: 86_400,
  };
  const fleet = new CpeFleet({
    clock: new SystemClock(),
    random: Math.random,
    transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 30_000 }),
    files: noFiles,
    maxConcurrentSessions: Math.ceil(CONCURRENCY / WORKERS),
    periodic: true,
  });
  fleet.add(group, input.devices);
  await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
  const cpu0 = process.cpuUsage();
  fleet.bootAll(0);
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (fleet.stats.ok + fleet.stats.failed >= input.devices) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
  fleet.stop();
  const result: WorkerResult = {
    ok: fleet.stats.ok,
    failed: fleet.stats.failed,
    cpu: process.cpuUsage(cpu0),
  };
  parentPort?.postMessage(result);
}

/** The same 50,000 sessions driven by WORKERS worker threads of this process (the issue allows them). */
async function workerSessionsPerSec(
  port: number,
): Promise<{ rate: number; results: WorkerResult[] }> {
  const per = Math.ceil(DEVICES / WORKERS);
  const workers = Array.from(
    { length: WORKERS },
    (_, i) =>
      new Worker(__filename, {
        workerData: { port, devices: per, serialPrefix: `W${i}` } satisfies WorkerInput,
      }),
  );
  // Wait until every worker has created its devices, then start them together.
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = performance.now();
  const done = workers.map(
    (w) =>
      new Promise<WorkerResult>((resolve, reject) => {
        w.once('message', (m: WorkerResult) => resolve(m));
        w.once('error', reject);
      }),
  );
  for (const w of workers) w.postMessage('go');
  const results = await Promise.all(done);
  const rate = (per * WORKERS) / ((performance.now() - t0) / 1000);
  await Promise.all(workers.map((w) => w.terminate()));
  return { rate, results };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run with node --expose-gc');
  g();
  g();
}

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);

const noFiles: FileTransferClient = {
  get: () => Promise.reject(new Error('no file transfers in the bench')),
  put: () => Promise.reject(new Error('no file transfers in the bench')),
};

async function startAcs(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['acs'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', () => reject(new Error('ACS stand-in exited')));
  });
  return { child, port };
}

/** Baseline: a full Map copy of the template's values per device (what we avoid). */
function baselineBytesPerDevice(): number {
  const template = deviceTemplate('tr181');
  gc();
  const before = process.memoryUsage();
  const keep: Map<string, string>[] = [];
  for (let i = 0; i < BASELINE_DEVICES; i++) {
    const m = new Map<string, string>();
    for (const [k, v] of template.values) m.set(k, `${v}`.concat(String(i % 10)).slice(0, -1));
    keep.push(m);
  }
  gc();
  const after = process.memoryUsage();
  // Heap, not RSS: RSS does not grow while the allocator reuses pages freed earlier in the run.
  const per = (after.heapUsed - before.heapUsed) / keep.length;
  keep.length = 0;
  return per;
}

/** Baseline: raw node:http, same two requests per session (Inform bytes, empty POST), no simulator. */
async function rawSessionsPerSec(
  port: number,
  sessions: number,
  informXml: string,
): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const post = (agent: http.Agent, body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (next < sessions) {
      next++;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await post(agent, informXml);
      await post(agent, '');
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return sessions / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${DEVICES} devices, ${CONCURRENCY} concurrent sessions`);
  const { child, port } = await startAcs();
  const group = {
    ...DEFAULT_GROUP,
    acsUrl: `http://127.0.0.1:${port}/`,
    informIntervalSec: 86_400,
  };

  // (1) Memory per idle CPE. The template is built first: it is shared, not per device.
  deviceTemplate('tr181');
  gc();
  const m0 = process.memoryUsage();
  const clock = new SystemClock();
  const fleet = new CpeFleet({
    clock,
    random: Math.random,
    transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 30_000 }),
    files: noFiles,
    maxConcurrentSessions: CONCURRENCY,
    periodic: true,
  });
  fleet.add(group, DEVICES);
  gc();
  const m1 = process.memoryUsage();
  const createdPer = (m1.rss - m0.rss) / DEVICES;
  const createdHeapPer = (m1.heapUsed - m0.heapUsed) / DEVICES;

  // (2) Sessions/s: every device boots (BOOTSTRAP session) through the fleet as fast as it can.
  const sample = fleet.devices[0];
  if (sample === undefined) throw new Error('no devices');
  const childCpu = (): Promise<NodeJS.CpuUsage> =>
    new Promise((resolve) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu));
      child.send('cpu');
    });
  const c0 = await childCpu();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  fleet.bootAll(0);
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      const done = fleet.stats.ok + fleet.stats.failed;
      if (done >= DEVICES) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
  const seconds = (performance.now() - t0) / 1000;
  const simRate = DEVICES / seconds;
  const p1 = process.cpuUsage(p0);
  const c1 = await childCpu();
  const cpuPct = (u: NodeJS.CpuUsage): string =>
    `${(((u.user + u.system) / 1e6 / seconds) * 100).toFixed(0)}%`;
  const childUsed = { user: c1.user - c0.user, system: c1.system - c0.system };

  // Idle again, each with its periodic-inform timer armed: the steady state of a fleet.
  await new Promise((r) => setTimeout(r, 500));
  gc();
  const m2 = process.memoryUsage();
  const idlePer = (m2.rss - m0.rss) / DEVICES;
  const idleHeapPer = (m2.heapUsed - m0.heapUsed) / DEVICES;

  const informXml = serializeEnvelope({
    version: '1.2',
    header: { id: '1' },
    body: sample.buildInform('2026-01-01T00:00:00Z'),
  });
  const rawRate = await rawSessionsPerSec(port, Math.min(DEVICES, 20_000), informXml);
  fleet.stop();
  const threaded = WORKERS > 1 ? await workerSessionsPerSec(port) : undefined;
  // The baseline last, so its garbage does not blur the simulator's RSS figures.
  const basePer = baselineBytesPerDevice();

  console.log(
    '\nMemory per idle CPE (TR-181 template: %d parameters shared)',
    deviceTemplate('tr181').values.size,
  );
  console.log(
    `  baseline, full template copy per device   ${(basePer / 1024).toFixed(1).padStart(8)} KB/device heap (${BASELINE_DEVICES} devices)`,
  );
  console.log(
    `  simulator, created (never connected)      ${(createdPer / 1024).toFixed(2).padStart(8)} KB/device RSS  ${(createdHeapPer / 1024).toFixed(2)} KB heap  heap ratio vs baseline: ${(createdHeapPer / basePer).toFixed(3)}`,
  );
  console.log(
    `  simulator, idle after BOOTSTRAP session   ${(idlePer / 1024).toFixed(2).padStart(8)} KB/device RSS  ${(idleHeapPer / 1024).toFixed(2)} KB heap  heap ratio vs baseline: ${(idleHeapPer / basePer).toFixed(3)}  (target ≤ 50 KB)`,
  );
  console.log(`  process RSS ${mb(m2.rss)} MB, heap used ${mb(m2.heapUsed)} MB`);
  console.log('\nSessions against a canned-bytes node:http ACS (child process)');
  console.log(
    `  simulator fleet (Inform → InformResponse, empty POST → 204)  ${simRate.toFixed(0).padStart(7)} sessions/s  ok ${fleet.stats.ok}, failed ${fleet.stats.failed}, p50 ${fleet.stats.percentile(50).toFixed(1)} ms, p99 ${fleet.stats.percentile(99).toFixed(1)} ms  (target ≥ 5,000)`,
  );
  console.log(
    `  baseline raw node:http client, same requests                ${rawRate.toFixed(0).padStart(7)} sessions/s  ratio sim/raw: ${(simRate / rawRate).toFixed(2)}`,
  );
  if (threaded !== undefined) {
    const ok = threaded.results.reduce((a, r) => a + r.ok, 0);
    const failed = threaded.results.reduce((a, r) => a + r.failed, 0);
    console.log(
      `  simulator fleet in ${WORKERS} worker threads, same sessions             ${threaded.rate.toFixed(0).padStart(7)} sessions/s  ok ${ok}, failed ${failed}  ratio vs one loop: ${(threaded.rate / simRate).toFixed(2)}`,
    );
  }
  console.log(
    `  CPU during the fleet run: simulator ${cpuPct(p1)} (user ${(p1.user / 1e6).toFixed(1)} s, system ${(p1.system / 1e6).toFixed(1)} s), ACS stand-in ${cpuPct(childUsed)} of one core`,
  );
  if (fleet.stats.failed > 0) console.log('  errors:', fleet.stats.summary().errors);
  child.disconnect();
  child.kill();
}

// ---- entry: the ACS stand-in child, a fleet worker thread, or the benchmark itself ----------
if (process.argv[2] === 'acs') {
  const informResponse = Buffer.from(
    serializeEnvelope({
      version: '1.2',
      header: { id: 'canned' },
      body: { type: 'InformResponse', maxEnvelopes: 1 },
    }),
  );
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      if (size === 0) {
        res.writeHead(204).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/xml', 'content-length': informResponse.length })
        .end(informResponse);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') process.send?.({ port: addr.port });
  });
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.on('disconnect', () => process.exit(0));
} else if (!isMainThread) {
  void fleetWorker(workerData as WorkerInput);
} else {
  void main();
}
