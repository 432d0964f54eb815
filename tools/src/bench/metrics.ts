// Metrics engine: computeMetrics over journals of each size — time, peak memory, and how both grow with the size.
import { computeMetrics, type StoredTrade } from '@pecunia/core';
import { seededRandom, shuffle } from '@pecunia/core/testing';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { benchJournal, freshRows } from './journal-fixture';
import { canMeasurePeaks, heapPeakGrowth, memoryStatus, resetPeak } from './peak-memory';
import { collectGarbage, MB, round } from './stats';

const TIMEZONE = 'America/New_York';

interface MetricsRun {
  trades: number;
  best_ms: number;
  /** The same trades in a shuffled order (no longer in time order, so sorted first): best of the same rounds. */
  shuffled_best_ms: number;
  /** Heap the journal itself holds (after a collection), for scale. */
  input_bytes: number;
  /** How far the heap rose during one computeMetrics call, garbage included (V8's GC profiler). */
  peak_heap_growth_bytes: number;
  /** Peak RSS during that call over the RSS before it (VmHWM), when the system can tell. */
  peak_rss_growth_bytes: number | null;
  /** Against the previous (smaller) size: how many times the size, the time and the peak heap grew. */
  size_ratio: number | null;
  time_ratio: number | null;
  shuffled_time_ratio: number | null;
  memory_ratio: number | null;
}

/** The shuffled journal's order: the same on every run. */
const SHUFFLE_SEED = 0x5eed;

/** Best time of `rounds` calls, letting the event loop turn between them (progress lines; nothing else is running). */
async function bestOf(rounds: number, journal: readonly StoredTrade[]): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    computeMetrics(journal, { timezone: TIMEZONE });
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export async function metrics(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const peaks = canMeasurePeaks();
  const runs: MetricsRun[] = [];
  // Calls first, not measured: the first size would otherwise pay for compiling (and optimising) the engine.
  const warmUp = freshRows(benchJournal(Math.min(10_000, sizes.metricsTrades[0] ?? 10_000)));
  for (let i = 0; i < 3; i++) computeMetrics(warmUp, { timezone: TIMEZONE });
  for (const count of sizes.metricsTrades) {
    context.log(`metrics: ${count.toLocaleString('en-US')} trades, best of ${sizes.metricsRounds}`);
    collectGarbage();
    const heapEmpty = process.memoryUsage().heapUsed;
    let journal = freshRows(benchJournal(count));
    collectGarbage();
    const inputBytes = Math.max(0, process.memoryUsage().heapUsed - heapEmpty);
    // The first call is the one whose memory is read: later rounds run on a heap the first one already grew.
    // Reset first, then read: the peak can only be at or above the reading it is compared with.
    if (peaks) resetPeak();
    const rssBefore = peaks ? memoryStatus().rss_bytes : 0;
    const started = performance.now();
    const heap = await heapPeakGrowth(() => computeMetrics(journal, { timezone: TIMEZONE }));
    const first = performance.now() - started;
    // Clamped at 0: the kernel's RSS counters lag by a few pages, so "nothing" can read as -0.1 MB.
    const rssGrowth = peaks ? Math.max(0, memoryStatus().peak_bytes - rssBefore) : null;
    const best = Math.min(first, await bestOf(sizes.metricsRounds - 1, journal));
    // Journals are appended in time order, which the engine walks once; an import or an edited sheet need not be. The
    // shuffled rows are fresh objects too, laid out in the order they are read, as rows from a store would be.
    journal = [];
    collectGarbage();
    journal = freshRows(shuffle(benchJournal(count), seededRandom(SHUFFLE_SEED)));
    const shuffledBest = await bestOf(sizes.metricsRounds, journal);
    journal = [];
    const previous = runs.at(-1);
    runs.push({
      trades: count,
      best_ms: best,
      shuffled_best_ms: shuffledBest,
      input_bytes: inputBytes,
      peak_heap_growth_bytes: heap.growth_bytes,
      peak_rss_growth_bytes: rssGrowth,
      size_ratio: previous ? count / previous.trades : null,
      time_ratio: previous ? best / previous.best_ms : null,
      shuffled_time_ratio: previous ? shuffledBest / previous.shuffled_best_ms : null,
      // Below a megabyte the reading is noise: a ratio of two such readings means nothing.
      memory_ratio: previous && Math.min(heap.growth_bytes, previous.peak_heap_growth_bytes) >= MB ? heap.growth_bytes / previous.peak_heap_growth_bytes : null,
    });
  }
  const mb = (bytes: number | null): Cell => (bytes === null ? 'n/a (needs Linux /proc)' : bytes / MB);
  const ratio = (value: number | null): Cell => (value === null ? '—' : round(value, 2));
  return {
    id: 'metrics',
    title: 'Metrics engine',
    method:
      `\`computeMetrics\` (time zone ${TIMEZONE}) in the bench process over generated journals (JSON round-tripped, like rows just read); ` +
      `time is the best of ${sizes.metricsRounds}. Memory of the first call, the journal loaded and a full GC done: peak heap growth is the most ` +
      'heap V8 had in use (garbage included) before any collection during the call, from its GC profiler, over the heap before it; peak RSS ' +
      'growth is VmHWM (reset first) over the RSS before it — near 0 when the heap still has room from building the journal. The journal ' +
      'column is the heap the trades themselves take. Shuffled: the same trades in a fixed random order, which the engine sorts before its ' +
      'chronological walk (a journal in time order, as appended, is walked in one pass). Growth columns compare each size with the one ' +
      'before (×10 trades should cost about ×10).',
    columns: [
      { title: 'Trades', unit: 'count' },
      { title: 'Time, best (ms)', unit: 'ms' },
      { title: 'Shuffled, best (ms)', unit: 'ms' },
      { title: 'Journal on the heap (MB)', unit: 'MB' },
      { title: 'Peak heap growth (MB)', unit: 'MB' },
      { title: 'Peak RSS growth (MB)', unit: 'MB' },
      { title: 'Size growth', unit: 'x' },
      { title: 'Time growth', unit: 'x' },
      { title: 'Shuffled growth', unit: 'x' },
      { title: 'Heap growth', unit: 'x' },
    ],
    rows: runs.map((run) => [
      run.trades,
      run.best_ms,
      run.shuffled_best_ms,
      run.input_bytes / MB,
      run.peak_heap_growth_bytes / MB,
      mb(run.peak_rss_growth_bytes),
      ratio(run.size_ratio),
      ratio(run.time_ratio),
      ratio(run.shuffled_time_ratio),
      ratio(run.memory_ratio),
    ]),
    data: { timezone: TIMEZONE, rounds: sizes.metricsRounds, runs },
  };
}
