import type { Timestamp } from '@acs/proto';
import type { ApiPort } from './api.connection';
import type { OptionValues } from './cli.args';
import type { ExitCode } from './cli.exit-codes';
import type { CliIo } from './cli.io';
import type { OutputFormat } from './output.formatter';
import type { Printer } from './output.printer';
import type { ProgressReporter } from './progress.reporter';

/** What a command handler gets: the API, its parsed arguments, output and progress. */
export interface CommandContext {
  readonly api: ApiPort;
  readonly args: readonly string[];
  readonly options: OptionValues;
  readonly format: OutputFormat;
  readonly print: Printer;
  readonly progress: ProgressReporter;
  readonly io: CliIo;
  /** Deadline of one call, ms (--timeout): also how long --wait waits. */
  readonly timeoutMs: number;
}

export type CommandHandler = (ctx: CommandContext) => Promise<ExitCode>;

/** A protobuf Timestamp as ISO 8601 (UTC), or undefined. */
export function isoTime(t: Timestamp | undefined): string | undefined {
  if (t === undefined) return undefined;
  const ms = Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** `a,b , c` → ['a', 'b', 'c']. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
