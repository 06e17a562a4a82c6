import { open } from 'node:fs/promises';

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

/**
 * Reads a text file, refusing more than `maxBytes` without reading further: `-f /dev/zero` or a
 * firmware image given by mistake fails fast instead of filling memory.
 */
export async function readTextFileLimited(path: string, maxBytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await file.close();
  }
}
