#!/usr/bin/env node
import { processEnv } from '@acs/config';
import { GrpcApiConnection } from './api.connection';
import { runCli } from './cli.runner';
import { readTextFileLimited, systemClock } from './cli.io';
import { MAX_INPUT_BYTES } from './input-file.loader';

// acsctl: the operator CLI over the northbound gRPC API. See docs/acsctl.md.

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
// `acsctl devices list --all | head`: the reader went away; stop quietly, as other CLIs do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  abort.abort();
  process.exit(0);
});

void runCli(
  process.argv.slice(2),
  {
    stdout: { isTTY: process.stdout.isTTY === true, write: (s) => void process.stdout.write(s) },
    stderr: { isTTY: process.stderr.isTTY === true, write: (s) => void process.stderr.write(s) },
    env: processEnv(),
    clock: systemClock,
    readFile: (path) => readTextFileLimited(path, MAX_INPUT_BYTES),
    signal: abort.signal,
  },
  (config, signal) => GrpcApiConnection.open(config, signal),
).then((code) => {
  process.exitCode = code;
});
