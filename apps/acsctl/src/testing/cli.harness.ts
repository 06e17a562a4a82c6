import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_DETAIL_TRAILER, ErrorDetail } from '@acs/proto';
import type { AcsctlError } from '../acsctl.error';
import { apiError } from '../api.connection';
import type { CliConfig } from '../cli.config';
import type { ExitCode } from '../cli.exit-codes';
import type { Clock } from '../cli.io';
import { runCli } from '../cli.runner';
import type { FakeApi } from './fake.api';

// Runs the CLI in-process against a FakeApi with captured output and a fake clock.

export class FakeClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

export interface CliRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
  config: CliConfig | undefined;
}

export async function runWith(
  api: FakeApi,
  argv: string[],
  opts: {
    env?: Record<string, string>;
    files?: Record<string, string>;
    tty?: boolean;
    clock?: FakeClock;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let config: CliConfig | undefined;
  const code = await runCli(
    argv,
    {
      stdout: { isTTY: false, write: (s) => void (stdout += s) },
      stderr: { isTTY: opts.tty ?? false, write: (s) => void (stderr += s) },
      env: opts.env ?? {},
      clock: opts.clock ?? new FakeClock(),
      readFile: async (path) => {
        const text = opts.files?.[path];
        if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
        return text;
      },
      signal: new AbortController().signal,
    },
    async (c) => {
      config = c;
      return api;
    },
  );
  return { code, stdout, stderr, config };
}

/** What the real connection makes of a non-OK status with an ErrorDetail trailer. */
export function statusError(
  code: status,
  details: string,
  detail?: Partial<ErrorDetail> | Buffer,
): AcsctlError {
  const metadata = new Metadata();
  if (detail instanceof Buffer) metadata.set(ERROR_DETAIL_TRAILER, detail);
  else if (detail !== undefined)
    metadata.set(
      ERROR_DETAIL_TRAILER,
      Buffer.from(
        ErrorDetail.encode(ErrorDetail.fromPartial(detail as Partial<ErrorDetail>)).finish(),
      ),
    );
  const e: ServiceError = Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata,
  });
  return apiError('/acs.v1.Test/Method', e);
}
