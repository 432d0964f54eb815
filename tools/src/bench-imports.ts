// Bench: broker imports of 100,000 fills — parsing and pairing alone, then the whole import into a local journal
// (`npm run -s bench:imports [fills]`). Reports wall time and resident memory; nothing here is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TradeImportService } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';
import { genericFillsFile } from './bench/broker-fills';

const FILLS = Number(process.argv[2] ?? 100_000);
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const file = Buffer.from(genericFillsFile(FILLS));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-bench-import-'));
  const db = openDatabase(path.join(dir, 'bench.sqlite'));
  try {
    const journal = new SqliteJournal(db);
    const service = new TradeImportService({ journal });
    const target = { sheetId: 'bench', tab: 'Journal', timezone: 'America/New_York' };
    const rssBefore = process.memoryUsage().rss;

    const dryStart = performance.now();
    const dry = await service.importFile('bench', target, { source: file, dryRun: true });
    const dryMs = performance.now() - dryStart;

    const fullStart = performance.now();
    const full = await service.importFile('bench', target, { source: file });
    const fullMs = performance.now() - fullStart;

    const againStart = performance.now();
    const again = await service.importFile('bench', target, { source: file });
    const againMs = performance.now() - againStart;

    process.stdout.write(
      [
        `file: ${FILLS.toLocaleString('en-US')} fills, ${mb(file.byteLength)} (${dry.format}), ${dry.imported.toLocaleString('en-US')} round trips`,
        `parse + pair (dry run):        ${dryMs.toFixed(0)} ms`,
        `import into a local journal:   ${fullMs.toFixed(0)} ms (${full.imported.toLocaleString('en-US')} written, one append)`,
        `same file again (all skipped): ${againMs.toFixed(0)} ms (${again.duplicates_skipped.toLocaleString('en-US')} duplicates)`,
        `resident memory: ${mb(rssBefore)} before, ${mb(process.memoryUsage().rss)} after`,
      ].join('\n') + '\n',
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
