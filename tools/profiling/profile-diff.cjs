#!/usr/bin/env node
// Compares two CPU profiles per session: self time of each package and function divided by the
// sessions each profile served, sorted by what B adds over A (µs/session). Profiles include the
// warm-up, so both should come from profile-target.cjs runs of the same length.
//
//   tools/node24 node tools/profiling/profile-diff.cjs A.cpuprofile SESSIONS_A B.cpuprofile SESSIONS_B
const fs = require('node:fs');
const [fa, sa, fb, sb] = process.argv.slice(2);
if (!fa || !sa || !fb || !sb) {
  console.error('usage: profile-diff.cjs A.cpuprofile SESSIONS_A B.cpuprofile SESSIONS_B');
  process.exit(2);
}
function load(file) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const pkg = new Map();
  const fn = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const t = p.timeDeltas[i] || 0;
    const u = n.callFrame.url;
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u);
    const inRepo = /\/(libs|apps|bench)\/[^/]+/.exec(u);
    const pk = m ? m[1] : inRepo ? inRepo[0].slice(1) : u ? 'node:' + u.split('/').pop() : n.callFrame.functionName;
    pkg.set(pk, (pkg.get(pk) || 0) + t);
    const k = `${n.callFrame.functionName || '(anon)'} ${u.replace(/.*node_modules\//, '').replace(/.*\/(libs|apps|bench)\//, '$1/')}:${n.callFrame.lineNumber}`;
    fn.set(k, (fn.get(k) || 0) + t);
  }
  return { pkg, fn };
}
const A = load(fa);
const B = load(fb);
for (const key of ['pkg', 'fn']) {
  const rows = [...new Set([...A[key].keys(), ...B[key].keys()])].map((k) => {
    const a = (A[key].get(k) || 0) / Number(sa);
    const b = (B[key].get(k) || 0) / Number(sb);
    return [k, a, b, b - a];
  });
  rows.sort((x, y) => y[3] - x[3]);
  const total = rows.filter((r) => !r[0].startsWith('(idle)')).reduce((s, r) => s + r[3], 0);
  console.log(`== by ${key === 'pkg' ? 'package' : 'function'} (µs/session): B − A, excluding idle, ${total.toFixed(1)}`);
  for (const r of rows.slice(0, key === 'pkg' ? 25 : 45))
    console.log(`${r[3].toFixed(2).padStart(8)}  ${r[1].toFixed(2).padStart(7)} -> ${r[2].toFixed(2).padStart(7)}  ${r[0]}`);
}
