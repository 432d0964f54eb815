// Bench: broker imports of 100,000 fills — parsing and pairing alone, then the whole import into a local journal
// (`npm run -s bench:imports [fills]`). Reports wall time and resident memory; nothing here is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TradeImportService } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';

const FILLS = Number(process.argv[2] ?? 100_000);
const SYMBOLS = ['AAPL', 'TSLA', 'NVDA', 'MSFT', 'AMD', 'META', 'AMZN', 'GOOG'];

/** A generic fills CSV: round trips of 1–3 entry fills and 1–2 exit fills, alternating long and short, 8 symbols. */
function genericFile(count: number): string {
  const lines = ['Account,Symbol,Side,Qty,Price,Time,Commission,Execution ID'];
  const start = Date.UTC(2021, 0, 4, 14, 30);
  let i = 0;
  let trip = 0;
  while (i < count) {
    const symbol = SYMBOLS[trip % SYMBOLS.length]!;
    const long = trip % 2 === 0;
    const entries = 1 + (trip % 3);
    const exits = Math.min(1 + (trip % 2), count - i - entries > 0 ? 2 : 1);
    const at = start + trip * 120_000;
    let open = 0;
    for (let e = 0; e < entries && i < count; e++, i++) {
      open += 100;
      lines.push(`A${trip % 3},${symbol},${long ? 'Buy' : 'Sell'},100,${(100 + (trip % 50) + e * 0.05).toFixed(2)},${iso(at + e * 1000)},0.35,X${i}`);
    }
    for (let x = 0; x < exits && i < count && open > 0; x++, i++) {
      const qty = x === exits - 1 ? open : Math.floor(open / 2);
      open -= qty;
      lines.push(`A${trip % 3},${symbol},${long ? 'Sell' : 'Buy'},${qty},${(100.5 + (trip % 50) - (trip % 7) * 0.1).toFixed(2)},${iso(at + 60_000 + x * 1000)},0.35,X${i}`);
    }
    trip++;
  }
  return `${lines.join('\n')}\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const file = Buffer.from(genericFile(FILLS));
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
