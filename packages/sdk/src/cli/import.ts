// `pecunia import FILE`: sends a broker export, shows upload progress for large files, prints what was imported.
import path from 'node:path';
import type { ImportFormat, ImportResult } from '../types';
import { flag, parse, TARGET_OPTIONS, text, texts, UsageError } from './args';
import type { CommandContext, CommandIo } from './commands';
import { renderBar } from './progress-bar';

/** Files smaller than this upload before a bar would be seen. */
const BAR_FROM_BYTES = 1024 * 1024;
const DEFAULT_SHEET = 'journal';

function mappingOf(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0 || equals === pair.length - 1) throw new UsageError(`--map takes field=Header, e.g. --map symbol=Instrument (not "${pair}")`);
    mapping[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return mapping;
}

function summary(result: ImportResult): string {
  const lines = [
    `${result.dry_run ? 'Would import' : 'Imported'} ${result.imported} trade(s) from ${result.format} (${result.fill_count} fills); ${result.duplicates_skipped} already in the journal.`,
  ];
  if (result.open_positions.length > 0) {
    lines.push(`Still open (not written): ${result.open_positions.map((p) => `${p.position_type} ${p.quantity} ${p.contract}`).join(', ')}.`);
  }
  if (result.rejected_rows.length > 0) {
    lines.push(`${result.rejected_rows.length} row(s) rejected:`);
    for (const row of result.rejected_rows.slice(0, 20)) lines.push(`  line ${row.line}: ${row.reason}`);
    if (result.rejected_rows.length > 20) lines.push(`  … and ${result.rejected_rows.length - 20} more (see the JSON output)`);
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function uploadBar(io: CommandIo, filename: string) {
  let last = -1;
  let drawn = false;
  return {
    update(sent: number, total: number): void {
      const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
      // One line per 10 % off a terminal, so logs stay short.
      if (percent === last || (!io.stderr.isTTY && percent % 10 !== 0 && percent !== 100)) return;
      last = percent;
      const line = `${renderBar(total === 0 ? 1 : sent / total)} uploading ${filename} (${(sent / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MB)`;
      if (io.stderr.isTTY) {
        io.stderr.write(`\r${line}\x1b[K`);
        drawn = true;
      } else io.stderr.write(`${line}\n`);
    },
    done(): void {
      if (drawn) io.stderr.write('\n');
      drawn = false;
    },
  };
}

/** `pecunia import FILE [--format F] [--timezone Z] [--account A] [--map field=Header]… [--dry-run] [--strict]` */
export async function importCommand(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {
    ...TARGET_OPTIONS,
    format: { type: 'string' },
    account: { type: 'string' },
    map: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    strict: { type: 'boolean' },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('import needs one file: pecunia import trades.csv [--format ibkr-flex] [--timezone America/New_York]');
  const data = await io.readFile(file);
  const filename = path.basename(file);
  const bar = data.byteLength >= BAR_FROM_BYTES ? uploadBar(io, filename) : null;
  let result: ImportResult;
  try {
    result = await client.importFile(
      { data, filename },
      {
        sheetId: text(values, 'sheet') ?? io.env['PECUNIA_SHEET_ID'] ?? DEFAULT_SHEET,
        sheetRange: text(values, 'range'),
        timezone: text(values, 'timezone'),
        format: text(values, 'format') as ImportFormat | undefined,
        account: text(values, 'account'),
        mapping: mappingOf(texts(values, 'map')),
        dryRun: flag(values, 'dry-run'),
        strict: flag(values, 'strict'),
        signal: io.signal,
        ...(bar ? { onProgress: (sent: number, total: number) => bar.update(sent, total) } : {}),
      },
    );
  } finally {
    bar?.done();
  }
  // The result as JSON for scripts on stdout; the gist for the person on stderr.
  io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  io.stderr.write(summary(result));
  return 0;
}
