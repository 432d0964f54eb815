// Journal reads: `GET /api/trades` for a page of 50, first and deep page, from journals of each size, 1 and N readers.
import { startBenchApi, type BenchApi } from './api-server';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { benchTrade, seedJournal } from './journal-fixture';
import { assertAnswered, runLoad, type LoadResult } from './load';

const PAGE = 50;
const OWNER = 'local';

/** The API's largest page: the walk to a deep cursor takes as few steps as it allows. */
const WALK_PAGE = 500;

/**
 * The cursor of the page that starts at trade `offset`, walked to the way a client gets it: pages of up to
 * WALK_PAGE, following each `next_cursor`, then one shorter page to land on `offset`. Cursors are opaque (their
 * format has changed before), so none is built here. Undefined when the walk would take longer than `budgetMs` — on a
 * read path that loads the whole journal per page, 200 pages of a 100k journal take many minutes.
 */
async function walkToCursor(api: BenchApi, sheetId: string, offset: number, budgetMs: number): Promise<string | undefined> {
  const started = performance.now();
  let seen = 0;
  let cursor: string | undefined;
  while (seen < offset) {
    if (performance.now() - started > budgetMs) return undefined;
    const limit = Math.min(WALK_PAGE, offset - seen);
    const url = `${api.url}/api/trades?sheet_id=${sheetId}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${api.key}` } });
    const page = (await response.json()) as { trades?: unknown[]; next_cursor?: string | null };
    if (response.status !== 200 || !page.trades?.length || !page.next_cursor) throw new Error(`walking ${sheetId} to trade ${offset}: GET ${url} answered ${response.status}`);
    seen += page.trades.length;
    cursor = page.next_cursor;
  }
  return cursor;
}

/** Reads the page once (and proves it is the page meant) and returns how long that took in ms. */
async function checkPage(api: BenchApi, url: string, offset: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${api.key}` } });
  const body = (await response.json()) as { trades?: { trade_id: string }[] };
  const ids = body.trades?.map((t) => t.trade_id) ?? [];
  const expected = Array.from({ length: PAGE }, (_, i) => benchTrade(offset + i).trade_id);
  if (response.status !== 200 || ids.join() !== expected.join()) {
    throw new Error(`GET ${url} did not answer trades ${offset}..${offset + PAGE - 1} (status ${response.status})`);
  }
  return performance.now() - started;
}

/**
 * How many requests a run makes: about `seconds` worth at the latency one request took alone, and at least one per
 * reader — N readers asking at once, so the slowest waited behind N - 1 others, however slow a page is.
 */
const requestsFor = (seconds: number, singleMs: number, readers: number) => Math.max(readers, Math.ceil((seconds * 1000) / Math.max(singleMs, 1)));

export async function reads(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const api = await startBenchApi();
  const rows: Cell[][] = [];
  const runs: { rows: number; page: string; offset: number; readers: number; result: LoadResult }[] = [];
  const walks: { rows: number; offset: number; ms: number }[] = [];
  const unavailable: { rows: number; page: string; reason: string }[] = [];
  let warmUp = true;
  try {
    for (const count of sizes.readJournalRows) {
      const sheetId = `bench-${count}`;
      context.log(`reads: seeding ${count.toLocaleString('en-US')} rows`);
      await seedJournal(api.databaseFile, OWNER, sheetId, count);
      for (const [page, offset] of [['first', 0], ['deep (last)', count - PAGE]] as const) {
        const walkStarted = performance.now();
        const cursor = offset === 0 ? undefined : await walkToCursor(api, sheetId, offset, sizes.readWalkBudgetSeconds * 1000);
        if (offset > 0 && cursor === undefined) {
          const reason = `n/a (walking to the last page took over ${sizes.readWalkBudgetSeconds} s)`;
          context.log(`reads: ${count} rows, ${page} page: ${reason}`);
          for (const readers of sizes.readReaders) rows.push([count.toLocaleString('en-US'), page, readers, reason, 'n/a', 'n/a', 'n/a']);
          unavailable.push({ rows: count, page, reason });
          continue;
        }
        if (offset > 0) walks.push({ rows: count, offset, ms: performance.now() - walkStarted });
        const url = `${api.url}/api/trades?sheet_id=${sheetId}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        // The first read warms the code up; the second's time sizes the runs.
        await checkPage(api, url, offset);
        if (warmUp && sizes.ingestWarmupSeconds > 0) {
          // Once, before the first run: the first journal would otherwise pay for the read path's compilation.
          await runLoad({ url, headers: { Authorization: `Bearer ${api.key}` }, connections: 1, seconds: sizes.ingestWarmupSeconds, timeoutSeconds: 600 });
          warmUp = false;
        }
        const singleMs = await checkPage(api, url, offset);
        for (const readers of sizes.readReaders) {
          const amount = requestsFor(sizes.readSeconds, singleMs, readers);
          context.log(`reads: ${count} rows, ${page} page, ${readers} reader(s), ${amount} requests (one alone took ${singleMs.toFixed(0)} ms)`);
          // A page of a large journal can take many seconds under 8 readers: a timeout would hide what is measured.
          const load = { url, headers: { Authorization: `Bearer ${api.key}` }, connections: readers, seconds: sizes.readSeconds, amount, timeoutSeconds: 600 };
          const result = assertAnswered(`${page} page of ${count}`, await runLoad(load));
          runs.push({ rows: count, page, offset, readers, result });
          rows.push([count.toLocaleString('en-US'), page, readers, result.requests_per_sec, result.p50_ms, result.p99_ms, result.responses]);
        }
      }
    }
  } finally {
    await api.close();
  }
  return {
    id: 'reads',
    title: 'Journal reads',
    method:
      `\`GET /api/trades?limit=${PAGE}\` on the real API (local mode), journals seeded straight into its SQLite file in one append; ` +
      `the deep page is the last one, at the cursor a client reaches by paging ${WALK_PAGE} at a time (not timed here); readers are autocannon connections, each run makes about ${sizes.readSeconds} s ` +
      'worth of requests at the latency of one alone, at least one per reader (N readers asking at once), after one warm-up run. ' +
      'req/s = answers ÷ run time.',
    columns: [
      { title: 'Journal rows' },
      { title: 'Page' },
      { title: 'Readers', unit: 'count' },
      { title: 'req/s', unit: 'req/s' },
      { title: 'p50 (ms)', unit: 'ms' },
      { title: 'p99 (ms)', unit: 'ms' },
      { title: 'Responses', unit: 'count' },
    ],
    rows,
    data: { page_size: PAGE, seconds: sizes.readSeconds, runs, cursor_walks: walks, unavailable },
  };
}
