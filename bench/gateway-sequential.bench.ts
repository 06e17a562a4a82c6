import { fork } from 'node:child_process';
import { join } from 'node:path';
import { cpuOf } from './lib/child-cpu';
import { runCpeLoad } from './lib/cpe-load';
import { startCollector } from './lib/otlp-collector';

// `npm run bench:gateway:sequential`: the telemetry cost of bench:gateway measured another way —
// one target process at a time, a fresh process for every measurement, several processes per
// configuration, mean reported. bench:gateway keeps all targets alive and interleaves them (machine
// load hits them alike); this one removes the competition between idle targets and averages the
// per-process JIT/placement luck (two identical processes measured up to 25 % apart). Same target
// code: `bench/dist/gateway.bench.js serve <target> <collector>`. Method and results:
// docs/benchmarks.md "Telemetry cost".
//
// BENCH_PROCESSES (default 5) per configuration; BENCH_SEQ_TARGETS=embedded (default) or real
// (needs the services of `deploy/local/services up`); BENCH_SEQ_RATIOS sampler ratios (default
// 1,0.1,0). BENCH_SEQ_ABLATIONS=1 adds, at ratio 1, the target with parts of its telemetry left
// out one after another (what each part costs): the export (spans still recorded), the exporter
// (nothing recorded, as an app without a collector runs), the stand-in consumer's CONSUMER spans,
// then also the traced bus on the gateway side.

const PROCESSES = Math.max(1, Number(process.env['BENCH_PROCESSES'] ?? 5));
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 2_500);
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 4_000);
const CPES = Number(process.env['BENCH_CPES'] ?? 100);
const BASE = process.env['BENCH_SEQ_TARGETS'] === 'real' ? 'real' : 'embedded';
const RATIOS = (process.env['BENCH_SEQ_RATIOS'] ?? '1,0.1,0').split(',').map(Number);
const ABLATIONS = process.env['BENCH_SEQ_ABLATIONS'] === '1';
// gateway.bench.ts serve reads these switches (BENCH_OTLP=0|none, BENCH_CONSUMER_SPANS, BENCH_TRACED_BUS);
// (a) has no stand-in consumer, so BENCH_CONSUMER_SPANS changes nothing there.
const ABLATION_ENVS: readonly (readonly [string, Record<string, string>])[] = [
  ['ratio 1, spans not exported', { BENCH_OTLP: '0' }],
  ['ratio 1, no exporter (as the apps)', { BENCH_OTLP: 'none' }],
  ['ratio 1, no CONSUMER spans', { BENCH_CONSUMER_SPANS: '0' }],
  ['ratio 1, request spans only', { BENCH_CONSUMER_SPANS: '0', BENCH_TRACED_BUS: '0' }],
];

interface Config {
  readonly name: string;
  readonly target: string;
  readonly env: Record<string, string>;
}

async function measure(
  c: Config,
  collectorUrl: string,
): Promise<{ rate: number; cpuUsPerSession: number }> {
  const child = fork(join(__dirname, 'gateway.bench.js'), ['serve', c.target, collectorUrl], {
    env: { ...process.env, ...c.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`${c.name} exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/`;
    await runCpeLoad({ url, cpes: CPES, warmupMs: 0, durationMs: WARMUP_MS });
    const cpu0 = await cpuOf(child);
    const r = await runCpeLoad({ url, cpes: CPES, warmupMs: 0, durationMs: DURATION_MS });
    const cpuUsPerSession = ((await cpuOf(child)) - cpu0) / Math.max(1, r.sessions);
    if (r.errors > 0)
      throw new Error(`${c.name}: ${r.errors} errors (${r.errorSamples.join('; ')})`);
    return { rate: r.sessionsPerSec, cpuUsPerSession };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const configs: Config[] = [
    { name: `(${BASE === 'real' ? 'a' : 'b'}) telemetry off`, target: BASE, env: {} },
    // Metrics without tracing: what the ratios below owe to the metrics rather than to tracing.
    { name: 'metrics only (no tracing)', target: `${BASE}-metrics`, env: {} },
    ...RATIOS.map((ratio) => ({
      name: `telemetry on, sampler ratio ${ratio}`,
      target: `${BASE}-otel`,
      env: { BENCH_SAMPLER_RATIO: String(ratio) },
    })),
    ...(ABLATIONS
      ? ABLATION_ENVS.map(([name, env]) => ({
          name,
          target: `${BASE}-otel`,
          env: { BENCH_SAMPLER_RATIO: '1', ...env },
        }))
      : []),
  ];
  console.log(
    `node ${process.version}; ${CPES} CPEs; ${PROCESSES} fresh processes per configuration, one at a time, ${WARMUP_MS} ms warm-up + ${DURATION_MS} ms measured each, mean reported`,
  );
  const collector = await startCollector();
  const results = configs.map(() => [] as { rate: number; cpuUsPerSession: number }[]);
  try {
    for (let i = 0; i < PROCESSES; i++) {
      for (let k = 0; k < configs.length; k++) {
        const j = (i + k) % configs.length;
        const r = await measure(configs[j] as Config, collector.url);
        results[j]?.push(r);
        console.log(
          `  ${String(i + 1).padStart(2)} ${(configs[j] as Config).name.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} sessions/s  ${r.cpuUsPerSession.toFixed(0).padStart(5)} µs CPU/session`,
        );
      }
    }
  } finally {
    collector.stop();
  }
  const offRate = mean(results[0]?.map((r) => r.rate) ?? []);
  const offCpu = mean(results[0]?.map((r) => r.cpuUsPerSession) ?? []);
  console.log('');
  configs.forEach((c, j) => {
    const rs = results[j] ?? [];
    const rate = mean(rs.map((r) => r.rate));
    const cpu = mean(rs.map((r) => r.cpuUsPerSession));
    const lo = Math.min(...rs.map((r) => r.rate));
    const hi = Math.max(...rs.map((r) => r.rate));
    console.log(
      `${c.name.padEnd(34)} ${rate.toFixed(0).padStart(6)} sessions/s (${lo.toFixed(0)}–${hi.toFixed(0)})  ratio ${(rate / offRate).toFixed(3)} (cost ${((1 - rate / offRate) * 100).toFixed(1)} %, target <= 10 %)  CPU ${cpu.toFixed(0)} µs/session (+${(cpu - offCpu).toFixed(0)})`,
    );
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
