// Broker imports: a generated fills file parsed and paired (dry run), then imported whole into a local journal.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TradeImportService } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';
import type { SectionContext, SectionResult } from './bench-types';
import { genericFillsFile } from './broker-fills';
import { canMeasurePeaks, memoryStatus, resetPeak } from './peak-memory';
import { collectGarbage, MB, timed } from './stats';

export async function imports(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const file = Buffer.from(genericFillsFile(sizes.importFills));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-bench-import-'));
  const db = openDatabase(path.join(dir, 'bench.sqlite'));
  const peaks = canMeasurePeaks();
  /** Runs one import and reads the peak RSS growth it caused (after a collection), when the system can tell. */
  const measure = async <T>(run: () => Promise<T>) => {
    collectGarbage();
    if (peaks) resetPeak();
    const before = peaks ? memoryStatus().rss_bytes : 0;
    const { ms, value } = await timed(run);
    return { ms, value, peakGrowth: peaks ? memoryStatus().peak_bytes - before : null };
  };
  try {
    const service = new TradeImportService({ journal: new SqliteJournal(db) });
    const target = { sheetId: 'bench', tab: 'Journal', timezone: 'America/New_York' };
    context.log(`imports: ${sizes.importFills.toLocaleString('en-US')} fills, parse + pair`);
    const dry = await measure(() => service.importFile('bench', target, { source: file, dryRun: true }));
    context.log('imports: full import');
    const full = await measure(() => service.importFile('bench', target, { source: file }));
    if (full.value.imported !== dry.value.imported) throw new Error(`the import wrote ${full.value.imported} trades, the dry run found ${dry.value.imported}`);
    const mb = (bytes: number | null) => (bytes === null ? 'n/a (needs Linux /proc)' : bytes / MB);
    return {
      id: 'imports',
      title: 'Broker imports',
      method:
        `A generic fills CSV of ${sizes.importFills.toLocaleString('en-US')} fills (${(file.byteLength / MB).toFixed(1)} MB, ${full.value.imported.toLocaleString('en-US')} round trips; ` +
        'the `bench:imports` generator) through `TradeImportService` in the bench process: a dry run (parse + pair, nothing written), then the ' +
        'import into an empty SQLite journal (one append). Peak RSS growth as in the metrics row.',
      columns: [
        { title: 'Step' },
        { title: 'Fills', unit: 'count' },
        { title: 'Round trips', unit: 'count' },
        { title: 'Time (ms)', unit: 'ms' },
        { title: 'Peak RSS growth (MB)', unit: 'MB' },
      ],
      rows: [
        ['parse + pair (dry run)', sizes.importFills, dry.value.imported, dry.ms, mb(dry.peakGrowth)],
        ['full import into a local journal', sizes.importFills, full.value.imported, full.ms, mb(full.peakGrowth)],
      ],
      data: {
        fills: sizes.importFills,
        file_bytes: file.byteLength,
        round_trips: full.value.imported,
        parse_pair_ms: dry.ms,
        full_import_ms: full.ms,
        parse_pair_peak_growth_bytes: dry.peakGrowth,
        full_import_peak_growth_bytes: full.peakGrowth,
      },
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
