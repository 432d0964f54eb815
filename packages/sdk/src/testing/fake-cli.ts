// Test helper: the CLI run against a scripted fetch, its stdout and stderr captured.
import { runCli, type CliIo } from '../cli/run';
import { fakeFetch, fakeSleep, type Answer } from './fake-fetch';

/** `run(...argv)` runs the CLI with a key and URL set; `extra` adds or replaces IO (files, an opener…). */
export function fakeCli(answers: Answer[], extra: Partial<CliIo> = {}) {
  const fetch = fakeFetch(...answers);
  const out: string[] = [];
  const err: string[] = [];
  const run = (...argv: string[]) =>
    runCli(argv, {
      env: { PECUNIA_API_URL: 'http://api.test', PECUNIA_API_KEY: 'key-1' },
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      fetch,
      sleep: fakeSleep(),
      ...extra,
    });
  return { run, fetch, stdout: () => out.join(''), stderr: () => err.join('') };
}
