#!/usr/bin/env node
// Profiles one bench:gateway target under load: `--cpu-prof` of the target process while the
// bench's CPE load generator runs 100 CPEs against it (2 s warm-up, 8 s profiled).
//
//   npm run build && tools/node24 node tools/profiling/profile-target.cjs NAME TARGET [collector 0|1] [ENV=VALUE...]
//   e.g. … profile-target.cjs off embedded 0
//        … profile-target.cjs on  embedded-otel 1 BENCH_SAMPLER_RATIO=0
//
// TARGET is one of bench/gateway.bench.ts's targets (real, embedded, bare, real-otel, real-metrics,
// embedded-otel, embedded-metrics). The profile lands in /tmp/prof-NAME/; the sessions served while it was recorded
// (warm-up included) are printed — pass them to profile-diff.cjs. A loopback sink accepts OTLP exports (collector 1).
// How it was used: docs/benchmarks.md "Telemetry cost".
const { fork } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const root = path.join(__dirname, '..', '..');
const { runCpeLoad } = require(path.join(root, 'bench/dist/lib/cpe-load.js'));
const [name, target, collector = '1', ...envs] = process.argv.slice(2);
if (!name || !target) {
  console.error('usage: profile-target.cjs NAME TARGET [collector 0|1] [ENV=VALUE...]');
  process.exit(2);
}
(async () => {
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const env = { ...process.env };
  for (const e of envs) {
    const i = e.indexOf('=');
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  const args = ['serve', target];
  if (collector === '1') args.push(`http://127.0.0.1:${sink.address().port}`);
  const child = fork(path.join(root, 'bench/dist/gateway.bench.js'), args, {
    env,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=/tmp/prof-${name}`],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((r) => child.once('message', (m) => r(m.port)));
  const url = `http://127.0.0.1:${port}/`;
  const w = await runCpeLoad({ url, cpes: 100, warmupMs: 0, durationMs: 2000 });
  const r = await runCpeLoad({ url, cpes: 100, warmupMs: 0, durationMs: 8000 });
  console.log(
    `${name}: ${w.sessions + r.sessions} sessions while profiling (${r.sessionsPerSec.toFixed(0)}/s after warm-up), profile in /tmp/prof-${name}/`,
  );
  child.kill('SIGTERM');
  await new Promise((res) => child.once('exit', res));
  sink.close();
})();
