#!/usr/bin/env node
// The `pecunia` executable: runs the CLI with this process's arguments, streams and environment.
import { runCli } from './run';

const controller = new AbortController();
// The first Ctrl-C cancels the request or wait in flight (an analysis keeps running on the server); a second exits.
process.once('SIGINT', () => {
  controller.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pecunia: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
