import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { usageError } from './acsctl.error';
import { COMMANDS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './cli.commands';

// argv → which command, its positionals and options. Two passes of node:util parseArgs: a lenient
// one over every option any command knows finds the command words wherever global options sit
// (`acsctl --json devices list` and `acsctl devices list --json` are the same), then a strict one
// with only that command's options reports unknown options and missing values.

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type ParsedCommandLine =
  | {
      readonly kind: 'run';
      readonly command: CommandSpec;
      readonly args: readonly string[];
      readonly options: OptionValues;
    }
  /** --help, or no/partial command words: show help for `path` (a command or a group prefix). */
  | { readonly kind: 'help'; readonly path: readonly string[] };

const ALL_OPTIONS: ParseArgsOptionsConfig = (() => {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const c of COMMANDS) Object.assign(all, c.options);
  return strip(all);
})();

function strip(specs: Readonly<Record<string, OptionSpec>>): ParseArgsOptionsConfig {
  const out: ParseArgsOptionsConfig = {};
  for (const [name, s] of Object.entries(specs))
    out[name] = s.short === undefined ? { type: s.type } : { type: s.type, short: s.short };
  return out;
}

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const lenient = parseArgs({
    args: [...argv],
    options: ALL_OPTIONS,
    allowPositionals: true,
    allowNegative: true,
    strict: false,
  });
  const words = lenient.positionals;
  const command = findCommand(words);
  if (command === undefined) {
    const prefix = longestGroupPrefix(words);
    if (lenient.values['help'] === true || prefix.length === words.length)
      return { kind: 'help', path: prefix };
    throw usageError(`unknown command "${words.slice(0, prefix.length + 1).join(' ')}"`);
  }
  if (lenient.values['help'] === true) return { kind: 'help', path: command.path };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: strip({ ...GLOBAL_OPTIONS, ...command.options }),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (e) {
    // parseArgs errors name the option ("Unknown option '--x'"); drop its advice about "--".
    throw usageError(`${command.path.join(' ')}: ${(e as Error).message.split('. ')[0] ?? ''}`);
  }
  const args = parsed.positionals.slice(command.path.length);
  const { minArgs, maxArgs } = command;
  if (args.length < minArgs || args.length > maxArgs) {
    const expected = command.args.length === 0 ? 'no arguments' : command.args.join(' ');
    throw usageError(
      `${command.path.join(' ')}: expected ${expected}, got ${args.length} argument(s)`,
    );
  }
  return { kind: 'run', command, args, options: parsed.values as OptionValues };
}

function findCommand(words: readonly string[]): CommandSpec | undefined {
  // Longest match first: no command path is a prefix of another one, so the first match is it.
  return COMMANDS.find((c) => c.path.every((w, i) => words[i] === w));
}

/** How many leading words name a known group (e.g. ['devices', 'tag'] of `devices tag frob`). */
function longestGroupPrefix(words: readonly string[]): readonly string[] {
  let n = 0;
  while (
    n < words.length &&
    COMMANDS.some(
      (c) => c.path.length > n + 1 && c.path.slice(0, n + 1).every((w, i) => words[i] === w),
    )
  )
    n++;
  return words.slice(0, n);
}

/** A positive integer option, or undefined when absent. */
export function intOption(
  options: OptionValues,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = options[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(`--${name}: expected an integer from ${min} to ${max}, got "${String(v)}"`);
  return n;
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const v = options[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(options: OptionValues, name: string): boolean {
  return options[name] === true;
}
