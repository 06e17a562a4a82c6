import { z } from 'zod';
import { KafkaEventBus } from '@acs/bus';
import { loadConfig, loadInfraConfig } from '@acs/config';
import {
  DlqReplayer,
  ProvisioningError,
  ProvisioningErrorCode,
  selectLetters,
  type DeadLetter,
  type DlqScanOptions,
  type DlqSelection,
} from '@acs/provisioning';

// Dead-letter tool of the provisioning service (docs/provisioning.md, "Dead letters"):
//   dlq-replay list   [--topic <dlq topic>]… [--idle-ms N] [--max-ms N] [--limit N]
//   dlq-replay replay (--all | --id <dlqTopic>:<partition>:<offset>…) [--key <deviceId>]
//                     [--error <text>] [--dry-run] [scan options]
// One JSON object per line on stdout (the letters listed or replayed); errors on stderr.
// Reads KAFKA_BROKERS, KAFKA_CLIENT_ID and ACS_TOPIC_PREFIX like the service.

export const DLQ_USAGE =
  'usage: dlq-replay list [--topic T]... [--idle-ms N] [--max-ms N] [--limit N]\n' +
  '       dlq-replay replay (--all | --id TOPIC:PARTITION:OFFSET ...) [--key DEVICE] [--error TEXT] [--dry-run]';

export type DlqCommand =
  | { readonly action: 'list'; readonly scan: DlqScanOptions }
  | {
      readonly action: 'replay';
      readonly scan: DlqScanOptions;
      readonly selection: DlqSelection;
      readonly dryRun: boolean;
    };

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

function invalid(message: string): ProvisioningError {
  return new ProvisioningError(ProvisioningErrorCode.InvalidArgument, `${message}\n${DLQ_USAGE}`);
}

function count(flag: string, raw: string | undefined, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1 || n > max)
    throw invalid(`${flag} needs a whole number from 1 to ${max}`);
  return n;
}

/** @throws ProvisioningError InvalidArgument (message ends with the usage) */
export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const [action, ...rest] = argv;
  if (action !== 'list' && action !== 'replay') throw invalid('list or replay?');
  const topics: string[] = [];
  const ids: string[] = [];
  let idleMs: number | undefined;
  let maxMs: number | undefined;
  let limit: number | undefined;
  let all = false;
  let dryRun = false;
  let key: string | undefined;
  let errorContains: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw invalid(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--topic':
        topics.push(value());
        break;
      case '--idle-ms':
        idleMs = count(flag, rest[++i], 600_000);
        break;
      case '--max-ms':
        maxMs = count(flag, rest[++i], 3_600_000);
        break;
      case '--limit':
        limit = count(flag, rest[++i], 1_000_000);
        break;
      case '--all':
        all = true;
        break;
      case '--id':
        ids.push(value());
        break;
      case '--key':
        key = value();
        break;
      case '--error':
        errorContains = value();
        break;
      case '--dry-run':
        dryRun = true;
        break;
      default:
        throw invalid(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  const scan: DlqScanOptions = {
    ...(topics.length === 0 ? {} : { topics }),
    ...(idleMs === undefined ? {} : { idleMs }),
    ...(maxMs === undefined ? {} : { maxMs }),
    ...(limit === undefined ? {} : { limit }),
  };
  if (action === 'list') {
    if (all || ids.length > 0 || dryRun || key !== undefined || errorContains !== undefined)
      throw invalid('list takes only scan options');
    return { action, scan };
  }
  if (all === ids.length > 0) throw invalid('replay needs either --all or --id');
  return {
    action,
    scan,
    dryRun,
    selection: {
      all,
      ids,
      ...(key === undefined ? {} : { key }),
      ...(errorContains === undefined ? {} : { errorContains }),
    },
  };
}

function line(l: DeadLetter, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: l.id,
    topic: l.topic,
    key: l.key,
    schema: l.schema ?? null,
    eventId: l.eventId ?? null,
    error: l.error,
    ...extra,
  });
}

/** Runs one command; returns the process exit code (0 ok, 1 nothing done, 2 bad arguments). */
export async function runDlqCommand(
  command: DlqCommand,
  replayer: DlqReplayer,
  io: CliOutput,
): Promise<number> {
  const letters = await replayer.scan(command.scan);
  if (command.action === 'list') {
    for (const l of letters) io.out(line(l));
    io.err(`${letters.length} dead-lettered event(s)`);
    return 0;
  }
  const { selected, missing } = selectLetters(letters, command.selection);
  for (const id of missing) io.err(`not found: ${id}`);
  if (!command.dryRun) await replayer.replay(selected);
  for (const l of selected) io.out(line(l, { replayed: !command.dryRun }));
  io.err(`${command.dryRun ? 'would replay' : 'replayed'} ${selected.length} event(s)`);
  return missing.length > 0 || selected.length === 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const io: CliOutput = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  };
  let command: DlqCommand;
  try {
    command = parseDlqArgs(process.argv.slice(2));
  } catch (e) {
    io.err((e as Error).message);
    return 2;
  }
  const infra = loadInfraConfig();
  const { ACS_TOPIC_PREFIX } = loadConfig(z.object({ ACS_TOPIC_PREFIX: z.string().default('') }));
  const bus = new KafkaEventBus({
    brokers: infra.KAFKA_BROKERS,
    clientId: `${infra.KAFKA_CLIENT_ID}-dlq-replay`,
    prefix: ACS_TOPIC_PREFIX,
  });
  try {
    return await runDlqCommand(command, new DlqReplayer(bus), io);
  } finally {
    await bus.close();
  }
}

if (require.main === module)
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`dlq-replay failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
