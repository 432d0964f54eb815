// The CLI's entry logic: picks the command, builds the client from flags or environment, maps failures to exit codes.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '../client';
import { PecuniaApiError, PecuniaError } from '../errors';
import type { FetchFn, Sleep } from '../retry';
import { SDK_VERSION } from '../version';
import { parse, text, UsageError } from './args';
import { analyze, report, submit, trade, type CommandContext, type CommandIo } from './commands';
import { importCommand } from './import';
import { platformOpener } from './report-page';
import { schedule } from './schedule';
import { share } from './share';

export const EXIT_OK = 0;
/** The API or the network said no, or the result is not what was asked for (a trade not stored, no report yet). */
export const EXIT_FAILURE = 1;
/** The CLI was called wrongly. */
export const EXIT_USAGE = 2;

export const USAGE = `pecunia ${SDK_VERSION} — the Pecunia trading journal from the command line

Usage:
  pecunia submit "text" [--attach FILE]… [--sheet ID] [trade flags to fill gaps]
  pecunia trade --ticker AAPL --side long --pnl 185 --entry 2026-03-02T09:41 --exit 2026-03-02T10:15
                [--notes …] [--qty N] [--entry-price P] [--exit-price P] [--stop P] [--tag T]… [--account A]
                [--attach FILE]… [--sheet ID]
  pecunia analyze --prompt "question" [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--sheet ID]
                  [--wait [--markdown] [--interval MS] [--timeout S]]
  pecunia report JOB_ID [--markdown | --html FILE | --open]
                 (--html saves the report page; --open saves it to a temporary file, prints its path and opens it)
  pecunia share JOB_ID [--expires-in 7d] | --revoke LINK_ID | --revoke-all
                (a link to the report page that opens without a key, 60s to 30d; 7d by default)
  pecunia import FILE [--format ibkr-flex|thinkorswim|tradovate|ninjatrader|webull|tradenote|generic]
                 [--timezone Area/City] [--account A] [--map field=Header]… [--dry-run] [--strict]
                 (broker fills paired into round trips; importing a file again writes nothing twice)
  pecunia schedule set [--sheet ID] [--range R] [--prompt "question"] [--timezone Area/City] [--disable]
                       (replaces the weekly analysis: what is left out takes its default again)
  pecunia schedule show | delete

Every command: [--url URL] [--key KEY] [--range Journal!A1] [--timezone Area/City]
  --url  defaults to $PECUNIA_API_URL, then http://localhost:8000
  --key  defaults to $PECUNIA_API_KEY
  --sheet defaults to $PECUNIA_SHEET_ID, then "journal"

Exit codes: 0 done, 1 refused by the API or not done, 2 wrong usage.
`;

export interface CliIo extends Omit<CommandIo, 'readFile' | 'writeFile' | 'tempDir' | 'openFile'> {
  readFile?: CommandIo['readFile'];
  writeFile?: CommandIo['writeFile'];
  tempDir?: CommandIo['tempDir'];
  /** The platform's opener when left out: tests pass one, so that no browser starts. */
  openFile?: CommandIo['openFile'];
  /** For tests: the fetch and sleep the client uses. */
  fetch?: FetchFn;
  sleep?: Sleep;
}

const COMMANDS: Record<string, (args: string[], context: CommandContext) => Promise<number>> = { submit, trade, analyze, report, schedule, share, import: importCommand };

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === '--version' || command === 'version') {
      io.stdout.write(`${SDK_VERSION}\n`);
      return EXIT_OK;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    // Global flags are read up front (the command parses them again with its own options).
    const globals = parse(args, { markdown: { type: 'boolean' }, wait: { type: 'boolean' } }, { strict: false });
    if (globals.values['help'] === true) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const baseUrl = text(globals.values, 'url') ?? io.env['PECUNIA_API_URL'] ?? 'http://localhost:8000';
    const apiKey = text(globals.values, 'key') ?? io.env['PECUNIA_API_KEY'];
    if (!apiKey) throw new UsageError('no API key: pass --key or set PECUNIA_API_KEY');
    const client = createClient({ baseUrl, apiKey, fetch: io.fetch, sleep: io.sleep, userAgent: 'pecunia-cli' });
    return await run(args, {
      client,
      io: {
        ...io,
        readFile: io.readFile ?? ((file) => readFile(file)),
        writeFile: io.writeFile ?? ((file, text) => writeFile(file, text)),
        tempDir: io.tempDir ?? (() => mkdtemp(path.join(os.tmpdir(), 'pecunia-'))),
        openFile: io.openFile ?? platformOpener(),
      },
    });
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr.write(`pecunia: ${error.message}\nRun "pecunia --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof PecuniaApiError) {
    io.stderr.write(`error ${error.code}: ${error.detail}${error.requestId ? ` (request ${error.requestId})` : ''}\n`);
    return EXIT_FAILURE;
  }
  if (error instanceof PecuniaError) {
    io.stderr.write(`error ${error.code}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    io.stderr.write(`pecunia: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  throw error;
}
