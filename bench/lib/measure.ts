import { performance } from 'node:perf_hooks';

// Throughput measurement that compares candidates fairly in one process: every round runs each
// candidate for a fixed time slice, in rotating order, after a warm-up round that is discarded;
// the reported figure is the median over rounds.

export interface Candidate {
  readonly name: string;
  /** Bytes processed per op, for MB/s. */
  readonly bytes: number;
  readonly run: () => unknown;
}

export interface Result {
  readonly name: string;
  readonly opsPerSec: number;
  readonly mbPerSec: number;
  readonly rounds: readonly number[];
}

let sink: unknown;

function slice(c: Candidate, ms: number): number {
  // Batch ops between clock reads so the timer does not dominate tiny ops.
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 50; i++) sink = c.run();
    ops += 50;
    t = performance.now();
  }
  return (ops * 1000) / (t - t0);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function compare(candidates: readonly Candidate[], rounds = 9, sliceMs = 250): Result[] {
  const samples = candidates.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    for (let k = 0; k < candidates.length; k++) {
      const i = (k + Math.max(r, 0)) % candidates.length;
      const ops = slice(candidates[i] as Candidate, sliceMs);
      if (r >= 0) (samples[i] as number[]).push(ops);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return candidates.map((c, i) => {
    const ops = median(samples[i] as number[]);
    return {
      name: c.name,
      opsPerSec: ops,
      mbPerSec: (ops * c.bytes) / 1e6,
      rounds: samples[i] as number[],
    };
  });
}

/** Median wall time of `fn` over `n` runs, in ms. */
export function timeMs(fn: () => void, n = 5): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
