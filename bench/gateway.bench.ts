import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventBus, KafkaEventBus, type EventBus } from '@acs/bus';
import { loadInfraConfig } from '@acs/config';
import { serializeEnvelope } from '@acs/cwmp';
import { ALL_CWMP_TOPICS } from '@acs/events';
import { Gateway, StoreCredentialsRepository, loadGatewayConfig } from '@acs/gateway';
import { InMemorySessionRegistry, RedisSessionRegistry, type SessionRegistry } from '@acs/sessions';
import { MongoDocumentStore, SqliteDocumentStore, type DocumentStore } from '@acs/store';
import {
  TimedDocumentStore,
  TimedSessionRegistry,
  TracedEventBus,
  initTelemetry,
  type TelemetryHandle,
  type TelemetryOptions,
} from '@acs/telemetry';
import { cpuOf } from './lib/child-cpu';
import { runCpeLoad, type LoadResult } from './lib/cpe-load';
import { startCollector } from './lib/otlp-collector';

// `npm run bench:gateway`: periodic-Inform sessions (Inform → InformResponse, empty POST → 204)
// from N simulated CPEs against (a) the gateway on real Redis + Kafka, (b) the gateway in the
// all-in-one mode (in-process bus and registry, SQLite store) and (c) a bare node:http server
// answering the same two requests with canned bytes. Each target runs in its own child process;
// the load generator runs in this one (the machine has 2 cores: one each). Method and results:
// docs/benchmarks.md "CWMP gateway".
//
// Telemetry cost (issue 9): (a') and (b') are (a) and (b) with telemetry on, wired as the apps do
// it (apps/cwmp-gateway, apps/acs): the OTel SDK, a span per request and per publish exported
// over OTLP/HTTP in batches to a loopback collector (a child process), the traced bus, the timed
// registry and store, the session metrics and a Prometheus reader. Same run, same workload; the
// ratios a'/a and b'/b are printed (target: tracing costs <= 10 % of sessions/s). (a-m) and
// (b-m) are the same with metrics only (`tracing: false`): they split that cost into metrics and
// tracing. docs/benchmarks.md "Telemetry cost".

type Target =
  | 'real'
  | 'embedded'
  | 'bare'
  | 'real-otel'
  | 'embedded-otel'
  | 'real-metrics'
  | 'embedded-metrics';

const CPES = Number(process.env['BENCH_CPES'] ?? 100);
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 2_000);
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 5_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// Processes per target. Two identical targets in one run were measured 25 % apart in sessions/s
// (JIT and placement luck of one process), more than the telemetry cost to be measured; each
// target therefore runs in several processes and every round measures each of them.
const INSTANCES = Math.max(1, Number(process.env['BENCH_INSTANCES'] ?? 2));

const GATEWAY_ENV = {
  GATEWAY_PORT: '0',
  GATEWAY_BIND: '127.0.0.1',
  // No provisioning service exists yet: the documented bare-gateway mode ends the session on the
  // empty POST. Auth off: the bench measures the session path, not MD5.
  GATEWAY_PROVISIONING: 'none',
  GATEWAY_AUTH: 'none',
  GATEWAY_MAX_SESSIONS: '100000',
};

/**
 * Where a target's spans go: the collector; with BENCH_OTLP=0 nowhere but still recorded
 * (ablation: the export's share); with BENCH_OTLP=none nowhere and not recorded, as an app without
 * OTEL_EXPORTER_OTLP_ENDPOINT runs.
 */
function exportOptions(collectorUrl: string | undefined): Partial<TelemetryOptions> {
  const mode = process.env['BENCH_OTLP'];
  if (mode === 'none') return {};
  if (collectorUrl === undefined || mode === '0') return { recordWithoutExport: true };
  return { otlpEndpoint: collectorUrl };
}

async function serve(target: Target, collectorUrl?: string): Promise<void> {
  let close: () => Promise<void>;
  let port: number;
  if (target === 'bare') {
    const informResponse = Buffer.from(
      serializeEnvelope({
        version: '1.2',
        header: { id: '1' },
        body: { type: 'InformResponse', maxEnvelopes: 1 },
      }),
    );
    const server = createServer({ keepAlive: true }, (req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => {
        if (size > 0) {
          res.writeHead(200, {
            'content-type': 'text/xml; charset="utf-8"',
            'content-length': String(informResponse.length),
            'set-cookie': 'acs_session=canned; Path=/; HttpOnly',
          });
          res.end(informResponse);
        } else {
          res.writeHead(204, { 'content-length': '0' });
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise<void>((r) => server.close(() => r()));
  } else {
    let bus: EventBus;
    let registry: SessionRegistry;
    let store: DocumentStore;
    const dir = mkdtempSync(join(tmpdir(), 'acs-bench-'));
    const metricsOnly = target === 'real-metrics' || target === 'embedded-metrics';
    const otel = target === 'real-otel' || target === 'embedded-otel' || metricsOnly;
    let telemetry: TelemetryHandle | undefined;
    if (otel)
      telemetry = await initTelemetry({
        serviceName: 'cwmp-gateway-bench',
        serviceVersion: '0',
        enabled: true,
        tracing: !metricsOnly,
        ...exportOptions(collectorUrl),
        // OTEL_TRACES_SAMPLER_RATIO of the apps; BENCH_SAMPLER_RATIO=0.1 measures 10 % sampling.
        samplerRatio: Number(process.env['BENCH_SAMPLER_RATIO'] ?? 1),
        metrics: { prometheus: { handler: true } },
      });
    const real = target === 'real' || target === 'real-otel' || target === 'real-metrics';
    if (real) {
      const infra = loadInfraConfig();
      const run = `bench-${Date.now().toString(36)}`;
      bus = new KafkaEventBus({
        brokers: infra.KAFKA_BROKERS,
        clientId: 'bench-gateway',
        prefix: `${run}.`,
        defaultPartitions: 6,
      });
      registry = new RedisSessionRegistry({ url: infra.REDIS_URL, keyPrefix: `${run}:` });
      store = await MongoDocumentStore.connect({ uri: infra.MONGODB_URI, database: run });
    } else {
      const memoryBus = new InMemoryEventBus();
      // The all-in-one ACS always has its consumers (provisioning) on the bus; without one the
      // in-process log would only grow. A no-op group stands in for them, so the log is trimmed.
      // With telemetry on, consumed in CONSUMER spans too (all-in-one: the same process).
      // BENCH_CONSUMER_SPANS=0: the stand-in consumer untraced (ablation: the CONSUMER spans' share).
      const consumerBus =
        telemetry === undefined || process.env['BENCH_CONSUMER_SPANS'] === '0'
          ? memoryBus
          : new TracedEventBus(memoryBus, telemetry.metrics, 'in_process');
      await consumerBus.subscribe({
        groupId: 'bench-consumer',
        topics: ALL_CWMP_TOPICS,
        handler: async () => undefined,
      });
      bus = memoryBus;
      registry = new InMemorySessionRegistry();
      store = SqliteDocumentStore.open({ directory: dir });
    }
    if (telemetry !== undefined) {
      // As apps/cwmp-gateway and apps/acs wire it.
      // BENCH_TRACED_BUS=0: the gateway publishes untraced (ablation: trace headers, local
      // contexts and the publish histogram).
      if (process.env['BENCH_TRACED_BUS'] !== '0')
        bus = new TracedEventBus(bus, telemetry.metrics, real ? 'kafka' : 'in_process', undefined, {
          producerSpans: process.env['BENCH_PRODUCER_SPANS'] === '1',
        });
      // BENCH_TIMED=0: without the Redis latency histogram (to see its share of the cost).
      const timed = real && process.env['BENCH_TIMED'] !== '0';
      registry = timed ? new TimedSessionRegistry(registry, telemetry.metrics, 'redis') : registry;
      store = new TimedDocumentStore(store, telemetry.metrics, real ? 'mongodb' : 'sqlite');
    }
    const gateway = new Gateway({
      config: loadGatewayConfig(GATEWAY_ENV),
      bus,
      registry,
      credentials: await StoreCredentialsRepository.open(store),
      topicPartitions: 6,
      ...(telemetry === undefined ? {} : { metrics: telemetry.metrics }),
    });
    port = (await gateway.start()).port;
    close = async () => {
      await gateway.shutdown(0, 0);
      await Promise.allSettled([bus.close(), registry.close(), store.close()]);
      await telemetry?.shutdown();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  process.send?.({ port });
  // CPU time of this process, on request: the parent divides it by the sessions it measured.
  process.on('message', (m: unknown) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuUs: u.user + u.system });
    }
  });
  process.once('SIGTERM', () => {
    void close().then(() => process.exit(0));
  });
}

async function startTarget(
  target: Target,
  collectorUrl: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['serve', target, collectorUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${target} target exited with ${code}`)));
  });
  return { child, port };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}; ${CPES} CPEs; ${INSTANCES} processes per target; ${ROUNDS} rounds x (${WARMUP_MS} ms warm-up + ${DURATION_MS} ms measured) per process, targets interleaved, median reported`,
  );
  const labels: Record<Target, string> = {
    real: '(a) gateway, Redis + Kafka',
    embedded: '(b) gateway, all-in-one (in-process + SQLite)',
    bare: '(c) bare node:http, canned bytes',
    'real-otel': "(a') = (a), telemetry on (OTLP)",
    'embedded-otel': "(b') = (b), telemetry on (OTLP)",
    'real-metrics': '(a-m) = (a), metrics only (no tracing)',
    'embedded-metrics': '(b-m) = (b), metrics only (no tracing)',
  };
  // BENCH_TELEMETRY=0 skips the telemetry targets; BENCH_TARGETS=embedded,embedded-otel runs only
  // those.
  const all: Target[] =
    process.env['BENCH_TELEMETRY'] === '0'
      ? ['bare', 'embedded', 'real']
      : [
          'bare',
          'embedded',
          'embedded-metrics',
          'embedded-otel',
          'real',
          'real-metrics',
          'real-otel',
        ];
  const only = process.env['BENCH_TARGETS']?.split(',');
  const order = only === undefined ? all : all.filter((t) => only.includes(t));
  const collector = await startCollector();
  // All targets run for the whole benchmark, so machine load from elsewhere hits them alike;
  // each round rotates the order.
  const targets = new Map<Target, { child: ChildProcess; port: number }[]>();
  for (const t of order) {
    const started: { child: ChildProcess; port: number }[] = [];
    for (let i = 0; i < INSTANCES; i++) started.push(await startTarget(t, collector.url));
    targets.set(t, started);
  }
  const runs = new Map<Target, (LoadResult & { cpuUsPerSession: number })[]>(
    order.map((t) => [t, []]),
  );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < order.length * INSTANCES; k++) {
        const t = order[(round + k) % order.length] as Target;
        const instance = (Math.floor(k / order.length) + round) % INSTANCES;
        const target = targets.get(t)?.[instance];
        if (target === undefined) continue;
        const url = `http://127.0.0.1:${target.port}/`;
        await runCpeLoad({ url, cpes: CPES, warmupMs: 0, durationMs: WARMUP_MS });
        const cpu0 = await cpuOf(target.child);
        const r = await runCpeLoad({ url, cpes: CPES, warmupMs: 0, durationMs: DURATION_MS });
        const cpuUsPerSession = ((await cpuOf(target.child)) - cpu0) / Math.max(1, r.sessions);
        runs.get(t)?.push({ ...r, cpuUsPerSession });
        const errs = r.errors === 0 ? '' : `  errors ${r.errors} (${r.errorSamples.join('; ')})`;
        console.log(
          `  round ${round + 1} #${instance + 1} ${labels[t].padEnd(48)} ${r.sessionsPerSec.toFixed(0).padStart(6)} sessions/s  ${cpuUsPerSession.toFixed(0).padStart(5)} µs CPU/session${errs}`,
        );
      }
    }
  } finally {
    for (const { child } of [...targets.values()].flat()) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
  const exportedSpans = await collector.spans();
  collector.stop();
  const summary = new Map<
    Target,
    { rate: number; p50: number; p99: number; errors: number; cpu: number }
  >();
  for (const t of order) {
    const rs = runs.get(t) ?? [];
    summary.set(t, {
      rate: median(rs.map((r) => r.sessionsPerSec)),
      p50: median(rs.map((r) => r.p50Ms)),
      p99: median(rs.map((r) => r.p99Ms)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      cpu: median(rs.map((r) => r.cpuUsPerSession)),
    });
  }
  console.log('');
  for (const t of order) {
    const m = summary.get(t);
    if (m === undefined) continue;
    console.log(
      `${labels[t].padEnd(48)} ${m.rate.toFixed(0).padStart(7)} sessions/s  p50 ${m.p50.toFixed(2).padStart(7)} ms  p99 ${m.p99.toFixed(2).padStart(7)} ms  ${m.cpu.toFixed(0).padStart(5)} µs CPU/session  errors ${m.errors}`,
    );
  }
  const c = summary.get('bare')?.rate ?? NaN;
  const a = (summary.get('real')?.rate ?? NaN) / c;
  const b = (summary.get('embedded')?.rate ?? NaN) / c;
  // BENCH_TARGETS may leave some out: a ratio of a target not run (NaN) is not printed.
  const known = (parts: readonly (readonly [number, string])[]): string =>
    parts
      .filter(([v]) => !Number.isNaN(v))
      .map(([, text]) => text)
      .join('   ');
  const ratios = known([
    [a, `ratio a/c = ${a.toFixed(2)} (target >= 0.25)`],
    [b, `ratio b/c = ${b.toFixed(2)} (target >= 0.5)`],
  ]);
  if (ratios !== '') console.log(ratios);
  // On a machine shared with other work, sessions/s swings with the neighbours' load; CPU time
  // per session of the target process does much less. Its ratio is the throughput ratio the
  // target would reach with a core to itself ((a) excludes the Redis and Kafka servers' CPU).
  const cpuC = summary.get('bare')?.cpu ?? NaN;
  const cpuA = cpuC / (summary.get('real')?.cpu ?? NaN);
  const cpuB = cpuC / (summary.get('embedded')?.cpu ?? NaN);
  const cpuRatios = known([
    [cpuA, `c/a = ${cpuA.toFixed(2)}`],
    [cpuB, `c/b = ${cpuB.toFixed(2)}`],
  ]);
  if (cpuRatios !== '') console.log(`CPU-cost ratio ${cpuRatios}`);
  if (!order.includes('real-otel') && !order.includes('embedded-otel')) return;
  // Telemetry on vs off: the share of sessions/s tracing costs, and the CPU it adds per session.
  const cost = (on: Target, off: Target): string => {
    const a = summary.get(off);
    const b = summary.get(on);
    if (a === undefined || b === undefined) return '';
    const ratio = b.rate / a.rate;
    return `${on}/${off}: sessions/s ratio ${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)} %, target <= 10 %)  CPU/session ${a.cpu.toFixed(0)} -> ${b.cpu.toFixed(0)} µs (+${(b.cpu - a.cpu).toFixed(0)} µs, ${((b.cpu / a.cpu - 1) * 100).toFixed(1)} %)`;
  };
  const samplerRatio = Number(process.env['BENCH_SAMPLER_RATIO'] ?? 1);
  console.log(
    `telemetry  sampler ratio ${samplerRatio} (OTEL_TRACES_SAMPLER_RATIO; BENCH_SAMPLER_RATIO)`,
  );
  for (const line of [cost('real-otel', 'real'), cost('embedded-otel', 'embedded')])
    if (line !== '') console.log(`telemetry  ${line}`);
  // The same cost split: metrics alone (off → metrics only), then tracing on top of the metrics.
  for (const [m, on, off] of [
    ['real-metrics', 'real-otel', 'real'],
    ['embedded-metrics', 'embedded-otel', 'embedded'],
  ] as const) {
    if (!summary.has(m)) continue;
    console.log(`telemetry  metrics only  ${cost(m, off)}`);
    console.log(`telemetry  tracing added ${cost(on, m)}`);
  }
  console.log(`telemetry  spans received by the loopback OTLP collector: ${exportedSpans}`);
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3] as Target, process.argv[4]).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
