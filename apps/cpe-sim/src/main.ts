import { writeFileSync } from 'node:fs';
import { USAGE, loadSimOptions } from './sim.config';
import { runSimulator } from './sim.runner';

// `cpe-sim` CLI: options from argv, stop on Ctrl-C / SIGTERM / --duration, JSON summary on stdout.

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const o = loadSimOptions(argv);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (o.duration > 0) setTimeout(resolve, o.duration * 1000).unref();
  });
  const summary = await runSimulator(o, { log: (line) => process.stderr.write(`${line}\n`), stop });
  const json = JSON.stringify(summary, null, 2);
  process.stdout.write(`${json}\n`);
  if (o['summary-file'] !== undefined) writeFileSync(o['summary-file'], json);
}

main().catch((e: unknown) => {
  process.stderr.write(`cpe-sim: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  process.exitCode = 1;
});
