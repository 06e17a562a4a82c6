// The CLI's side effects, injected so commands run in unit tests: output streams, files, the
// clock and the environment. main.ts wires the real ones.

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface OutputStream {
  readonly isTTY: boolean;
  write(text: string): void;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readFile(path: string): Promise<string>;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    }),
};
