import type { ChildProcess } from 'node:child_process';

/**
 * CPU time (user + system, µs) of a bench target child process, asked over IPC: the target
 * answers the message 'cpu' with `{ cpuUs }` (bench/gateway.bench.ts `serve`).
 */
export function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { cpuUs?: number }): void => {
      if (m.cpuUs === undefined) return;
      child.off('message', onMessage);
      resolve(m.cpuUs);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}
