import { COMMANDS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './cli.commands';
import { EXIT_CODES_HELP } from './cli.exit-codes';

// Help text generated from the command table, so it cannot drift from what the parser accepts.

export function renderHelp(path: readonly string[]): string {
  const exact = COMMANDS.find(
    (c) => c.path.length === path.length && c.path.every((w, i) => path[i] === w),
  );
  if (exact !== undefined) return commandHelp(exact);
  const matching = COMMANDS.filter((c) => path.every((w, i) => c.path[i] === w));
  const width = Math.max(...matching.map((c) => usageLine(c).length));
  return [
    'acsctl — operator CLI for the ACS northbound gRPC API',
    '',
    'usage: acsctl [global options] COMMAND [options] [args]',
    '',
    'commands:',
    ...matching.map((c) => `  ${usageLine(c).padEnd(width)}  ${c.summary}`),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

function usageLine(c: CommandSpec): string {
  return [...c.path, ...c.args].join(' ');
}

function commandHelp(c: CommandSpec): string {
  const lines = [`usage: acsctl ${usageLine(c)} [options]`, '', c.summary];
  if (Object.keys(c.options).length > 0) lines.push('', 'options:', ...optionLines(c.options));
  if (c.examples !== undefined) lines.push('', 'examples:', ...c.examples.map((e) => `  ${e}`));
  lines.push('', 'global options:', ...optionLines(GLOBAL_OPTIONS), '', EXIT_CODES_HELP);
  return lines.join('\n');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const short = o.short === undefined ? '    ' : `-${o.short}, `;
    return [`${short}--${name}${o.arg === undefined ? '' : ` ${o.arg}`}`, o.help] as const;
  });
  const width = Math.max(...entries.map(([l]) => l.length));
  return entries.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`);
}
