import { AcsctlError, AcsctlErrorCode } from './acsctl.error';
import type { ApiPort } from './api.connection';
import { parseCommandLine } from './cli.args';
import { isLoopbackAddress, loadCliConfig, type CliConfig } from './cli.config';
import { ExitCode } from './cli.exit-codes';
import { renderHelp } from './cli.help';
import type { CliIo } from './cli.io';
import { handlerFor } from './command.registry';
import { Printer } from './output.printer';
import { ProgressReporter } from './progress.reporter';

// One invocation: argv → command → exit code. Every failure ends here as one line (or a few) on
// stderr and the exit code of its class; nothing is thrown to the caller.

export type ApiConnector = (config: CliConfig, signal: AbortSignal) => Promise<ApiPort>;

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  connect: ApiConnector,
): Promise<ExitCode> {
  let api: ApiPort | undefined;
  let progress: ProgressReporter | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      io.stdout.write(renderHelp(parsed.path));
      return ExitCode.Ok;
    }
    const handler = handlerFor(parsed.command.path);
    if (handler === undefined) throw new Error(`no handler for ${parsed.command.path.join(' ')}`);
    const config = loadCliConfig(parsed.options, io.env);
    if (
      config.credential.kind !== 'none' &&
      config.security.kind === 'plaintext' &&
      !isLoopbackAddress(config.address)
    )
      io.stderr.write(
        `acsctl: warning: sending the credential without TLS to ${config.address} (use --tls)\n`,
      );
    api = await connect(config, io.signal);
    progress = new ProgressReporter(io.stderr, io.clock, config.progress);
    return await handler({
      api,
      args: parsed.args,
      options: parsed.options,
      format: config.output,
      print: new Printer(io.stdout, config.output),
      progress,
      io,
      timeoutMs: config.timeoutMs,
    });
  } catch (e) {
    // A status line left by a failed wait would run into the message.
    progress?.clear();
    if (e instanceof AcsctlError) {
      io.stderr.write(`acsctl: ${e.message}\n`);
      if (e.code === AcsctlErrorCode.Usage) io.stderr.write('(acsctl --help for usage)\n');
      return e.exitCode;
    }
    // A bug: say so plainly, with the stack for the report.
    io.stderr.write(
      `acsctl: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return ExitCode.Internal;
  } finally {
    api?.close();
  }
}
