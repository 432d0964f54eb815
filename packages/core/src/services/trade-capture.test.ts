import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsMediaStore } from '../adapters/local/fs-media-store';
import { RuleBasedExtractor } from '../adapters/local/rule-based-extractor';
import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJournal } from '../adapters/local/sqlite-journal';
import { SheetsJournal } from '../adapters/google/sheets-journal';
import { inDateRange, type DateRange } from '../domain/date-range';
import { readTrades, SHEET_COLUMNS, tradeToRow } from '../domain/sheet-layout';
import { UpstreamError } from '../errors';
import { UNKNOWN_OUTCOME, type Journal } from '../ports/journal.port';
import { startGoogleStandIn } from '../testing/google/google-standin';
import { expiredStandInClient, standInAuthProvider } from '../testing/google/standin-auth';
import type { ExtractionInput, TradeExtractor } from '../ports/trade-extractor.port';
import { mp3Bytes, pngBytes, toBase64 } from '../testing/media-samples';
import { TradeCaptureService, type TradePage } from './trade-capture';

const TARGET = { sheetId: 'journal-1', tab: 'Journal', timezone: 'UTC' };
const NARRATIVE = 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185';

describe('TradeCaptureService', () => {
  let dir: string;
  let db: Database;
  let media: FsMediaStore;
  let journal: SqliteJournal;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-capture-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    media = new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `http://localhost/api/media/${id}` });
    journal = new SqliteJournal(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const blobs = () => (fs.existsSync(path.join(dir, 'media')) ? fs.readdirSync(path.join(dir, 'media'), { recursive: true }).filter((f) => String(f).length > 2) : []);

  it('lists only the trades of the account asked for', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const trade = (account: string | undefined, pnl: number) => ({
      ticker: 'ES',
      position_type: 'long',
      pnl,
      entry_timestamp: '2026-03-02T09:30:00Z',
      exit_timestamp: '2026-03-02T09:45:00Z',
      ...(account ? { account } : {}),
    });
    for (const [account, pnl] of [['U1', 10], ['U2', -5], [undefined, 3], ['U1', 0]] as const) await service.logTrade('alice', TARGET, trade(account, pnl));

    const page = await service.listTrades('alice', TARGET, { range: { timezone: 'UTC' }, account: 'U1' });

    expect(page.trades.map((t) => [t.account, t.pnl])).toEqual([
      ['U1', 10],
      ['U1', 0],
    ]);
  });

  it('reads one trade back by its id, to its owner only', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const fields = { ticker: 'ES', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-02T09:30:00Z', exit_timestamp: '2026-03-02T09:45:00Z' };
    await service.logTrade('alice', TARGET, { ...fields, pnl: 1 });
    const { trade } = await service.logTrade('alice', TARGET, fields);

    expect(await service.getTrade('alice', TARGET, trade.trade_id)).toEqual(trade);
    await expect(service.getTrade('alice', TARGET, 'no-such-trade')).rejects.toMatchObject({ code: 'TRADE.NOT_FOUND', status: 404 });
    await expect(service.getTrade('bob', TARGET, trade.trade_id)).rejects.toMatchObject({ code: 'SHEET.NOT_FOUND', status: 404 });
  });

  it('hands the attachments, decoded, to the extractor with the narrative', async () => {
    const seen: ExtractionInput[] = [];
    const rules = new RuleBasedExtractor();
    const extractor: TradeExtractor = { name: 'spy', extract: (input) => (seen.push(input), rules.extract(input)) };
    const service = new TradeCaptureService({ journal, media, extractor });

    const outcome = await service.submit('alice', TARGET, {
      content: NARRATIVE,
      overrides: {},
      attachments: [
        { filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
        { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
      ],
    });

    expect(outcome.status).toBe('created');
    expect(seen[0]!.attachments).toEqual([
      { filename: 'chart.png', mime_type: 'image/png', data: expect.any(Uint8Array) },
      { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: expect.any(Uint8Array) },
    ]);
    expect(Buffer.from(seen[0]!.attachments![0]!.data).equals(Buffer.from(pngBytes()))).toBe(true);
  });

  it('deletes the files it uploaded when the row cannot be written, and keeps files an earlier trade holds', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const earlier = await service.logTrade('alice', TARGET, { ticker: 'MSFT', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-01T10:00:00Z', exit_timestamp: '2026-03-01T11:00:00Z' }, [
      { filename: 'old.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
    ]);
    const broken: Journal = { ...journal, name: 'broken', read: journal.read.bind(journal), readRows: journal.readRows.bind(journal), ready: journal.ready.bind(journal), append: async () => Promise.reject(new Error('sheet unavailable')) };
    const failing = new TradeCaptureService({ journal: broken, media, extractor: new RuleBasedExtractor() });

    await expect(
      failing.submit('alice', TARGET, {
        content: NARRATIVE,
        overrides: {},
        attachments: [
          { filename: 'same-as-before.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
          { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
        ],
      }),
    ).rejects.toThrow('sheet unavailable');

    // The voice note this trade uploaded is gone; the chart an earlier trade links to stays.
    expect(blobs()).toHaveLength(1);
    expect((await media.get('alice', earlier.attachments[0]!.id))?.filename).toBe('old.png');
    expect(earlier.attachments[0]).not.toHaveProperty('created');
  });

  it('keeps a file another trade attached meanwhile when the trade that stored it first fails', async () => {
    const chart = [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }];
    const trade = { ticker: 'MSFT', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-01T10:00:00Z', exit_timestamp: '2026-03-01T11:00:00Z' };
    let reachedAppend!: () => void;
    const stored = new Promise<void>((resolve) => (reachedAppend = resolve));
    let otherWritten!: () => void;
    const written = new Promise<void>((resolve) => (otherWritten = resolve));
    // The first trade stores the chart, then its sheet fails — but only after a second trade attached the same chart.
    const slowlyBroken: Journal = {
      name: 'slowly-broken',
      read: journal.read.bind(journal),
      readRows: journal.readRows.bind(journal),
      ready: journal.ready.bind(journal),
      append: async () => {
        reachedAppend();
        await written;
        throw new Error('sheet unavailable');
      },
    };
    const failing = new TradeCaptureService({ journal: slowlyBroken, media, extractor: new RuleBasedExtractor() });
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });

    const first = failing.logTrade('alice', TARGET, trade, chart);
    await stored;
    const second = await service.logTrade('alice', TARGET, { ...trade, ticker: 'AAPL' }, chart);
    otherWritten();
    await expect(first).rejects.toThrow('sheet unavailable');

    // The trade that was written still links to its chart.
    const kept = await media.get('alice', second.attachments[0]!.id);
    expect(kept?.filename).toBe('chart.png');
    expect(Buffer.from(kept?.data ?? []).equals(Buffer.from(pngBytes()))).toBe(true);
    expect(blobs()).toHaveLength(1);
  });

  it('keeps the uploaded files when the journal cannot tell whether the row was written', async () => {
    const unsure: Journal = {
      name: 'unsure',
      read: journal.read.bind(journal),
      readRows: journal.readRows.bind(journal),
      ready: journal.ready.bind(journal),
      append: async () => Promise.reject(new UpstreamError(UNKNOWN_OUTCOME, 'wrote it, maybe')),
    };
    const service = new TradeCaptureService({ journal: unsure, media, extractor: new RuleBasedExtractor() });

    await expect(
      service.submit('alice', TARGET, { content: NARRATIVE, overrides: {}, attachments: [{ filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) }] }),
    ).rejects.toMatchObject({ code: UNKNOWN_OUTCOME });

    // The row may link to it: the file stays.
    expect(blobs()).toHaveLength(1);
  });

  describe('listing a long journal page by page', () => {
    const LONG = { sheetId: 'long-journal', tab: 'Journal', timezone: 'America/New_York' };
    const FILTER = { range: { start: '2026-02-10', end: '2026-05-20', timezone: LONG.timezone }, account: 'U1' };

    it('gives exactly the filtered trades of a 5,000-row journal, in order, each unreadable row reported once', async () => {
      await journal.append('alice', LONG, { header: [...SHEET_COLUMNS], rows: journalRows(5_000) });
      const { journal: counted, reads } = countingJournal(journal);
      const service = new TradeCaptureService({ journal: counted, media, extractor: new RuleBasedExtractor() });

      const pages = await allPages(service, LONG, { ...FILTER, limit: 37 });

      const expected = await expectedListing(journal, LONG, FILTER.range, FILTER.account);
      expect(expected.trades.length).toBeGreaterThan(300);
      expect(pages.flatMap((p) => p.trades)).toEqual(expected.trades);
      expect(pages.flatMap((p) => p.skipped_rows)).toEqual(expected.problems);
      expect(pages.slice(0, -1).every((p) => p.trades.length === 37 && p.next_cursor !== null)).toBe(true);
      expect(pages.at(-1)!.next_cursor).toBeNull();
      expect(reads.read).toBe(0);
    });

    it('reads one window per page when nothing is filtered out, deep pages included', async () => {
      await journal.append('alice', LONG, { header: [...SHEET_COLUMNS], rows: journalRows(5_000, { clean: true }) });
      const { journal: counted, reads } = countingJournal(journal);
      const service = new TradeCaptureService({ journal: counted, media, extractor: new RuleBasedExtractor() });

      const pages = await allPages(service, LONG, { range: { timezone: LONG.timezone }, limit: 50 });

      const expected = await expectedListing(journal, LONG, { timezone: LONG.timezone });
      expect(pages).toHaveLength(100);
      expect(pages[90]!.trades).toEqual(expected.trades.slice(4_500, 4_550));
      expect(pages.flatMap((p) => p.trades)).toEqual(expected.trades);
      expect(reads.readRows).toBe(100);
    });

    it('neither repeats nor skips trades when rows are appended between pages', async () => {
      await journal.append('alice', LONG, { header: [...SHEET_COLUMNS], rows: journalRows(10, { clean: true }) });
      const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
      const listing = { range: { timezone: LONG.timezone }, limit: 4 };

      const first = await service.listTrades('alice', LONG, listing);
      await journal.append('alice', LONG, { header: [...SHEET_COLUMNS], rows: journalRows(13, { clean: true }).slice(10) });
      const rest = await allPages(service, LONG, listing, first.next_cursor!);

      const ids = [first, ...rest].flatMap((p) => p.trades.map((t) => t.trade_id));
      expect(ids).toEqual(Array.from({ length: 13 }, (_, i) => `t${i}`));
    });

    it('pages a tab the earlier service wrote (no header row: row 1 is a trade)', async () => {
      const rows = journalRows(7, { clean: true }).map((row) => row.slice(0, 8));
      await journal.append('alice', LONG, { header: rows[0]!, rows: rows.slice(1) });
      const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });

      const pages = await allPages(service, LONG, { range: { timezone: LONG.timezone }, limit: 3 });

      expect(pages.map((p) => p.trades.map((t) => t.trade_id))).toEqual([['row-1', 'row-2', 'row-3'], ['row-4', 'row-5', 'row-6'], ['row-7']]);
    });

    it('refuses a cursor from another tab or sheet, an edited one and one of the earlier offset scheme', async () => {
      await journal.append('alice', LONG, { header: [...SHEET_COLUMNS], rows: journalRows(10, { clean: true }) });
      await journal.append('alice', { ...LONG, tab: 'Swing' }, { header: [...SHEET_COLUMNS], rows: journalRows(10, { clean: true }) });
      const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
      const { next_cursor: cursor } = await service.listTrades('alice', LONG, { range: { timezone: LONG.timezone }, limit: 2 });
      const decoded = JSON.parse(Buffer.from(cursor!, 'base64url').toString('utf8')) as { r: number; c: string };
      const edited = Buffer.from(JSON.stringify({ ...decoded, r: decoded.r + 1 })).toString('base64url');
      const offset = Buffer.from(JSON.stringify({ o: 2 })).toString('base64url');

      const attempts = [
        service.listTrades('alice', { ...LONG, tab: 'Swing' }, { range: { timezone: LONG.timezone }, cursor: cursor! }),
        service.listTrades('alice', { ...LONG, sheetId: 'other' }, { range: { timezone: LONG.timezone }, cursor: cursor! }),
        service.listTrades('alice', LONG, { range: { timezone: LONG.timezone }, cursor: edited }),
        service.listTrades('alice', LONG, { range: { timezone: LONG.timezone }, cursor: offset }),
      ];

      for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: 'PAGINATION.INVALID_CURSOR', status: 400 });
      expect((await service.listTrades('alice', LONG, { range: { timezone: LONG.timezone }, cursor: cursor!, limit: 2 })).trades.map((t) => t.trade_id)).toEqual(['t2', 't3']);
    });

    it('makes one Sheets request per page in Google mode', async () => {
      const standIn = await startGoogleStandIn();
      try {
        const account = { sub: '200000000000000000001', email: 'alice@example.com' };
        const { client } = expiredStandInClient(standIn, account);
        await client.getAccessToken();
        const sheets = new SheetsJournal({ auth: standInAuthProvider({ alice: client }), endpoints: { apiRootUrl: standIn.url, fetch } });
        const target = { sheetId: standIn.createSpreadsheet(account, { tabs: { Journal: [[...SHEET_COLUMNS], ...journalRows(120)] } }), tab: 'Journal', timezone: LONG.timezone };
        const service = new TradeCaptureService({ journal: sheets, media, extractor: new RuleBasedExtractor() });
        const mark = standIn.calls.length;

        const pages = await allPages(service, target, { range: { timezone: LONG.timezone }, limit: 50 });

        const sheetsCalls = standIn.calls.slice(mark).filter((c) => c.path.startsWith('/v4/'));
        const expected = await expectedListing(sheets, target, { timezone: LONG.timezone });
        expect(pages.flatMap((p) => p.trades)).toEqual(expected.trades);
        expect(pages.flatMap((p) => p.skipped_rows)).toEqual(expected.problems);
        expect(sheetsCalls.map((c) => c.path)).toEqual(pages.map(() => `/v4/spreadsheets/${target.sheetId}/values:batchGet`));
      } finally {
        await standIn.close();
      }
    });
  });
});

const JOURNAL_START = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Trades 47 minutes apart from 2026-01-01 (exits at every hour, across the March change of clocks), accounts U1, U2
 * and none in turn. Unless `clean`, some rows are as people leave them: unreadable, blank, or with times typed
 * without offset or with one.
 */
function journalRows(count: number, options: { clean?: boolean } = {}): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const exit = JOURNAL_START + i * 47 * 60_000;
    const row = tradeToRow({
      trade_id: `t${i}`,
      user_id: 'alice',
      ticker: i % 2 ? 'ES' : 'NQ',
      position_type: i % 3 ? 'long' : 'short',
      pnl: (i % 7) - 3,
      entry_timestamp: iso(exit - 20 * 60_000),
      exit_timestamp: iso(exit),
      notes: '',
      file_links: '',
      ...(i % 3 === 2 ? {} : { account: i % 3 ? 'U2' : 'U1' }),
    });
    if (options.clean) return row;
    if (i % 89 === 88) return row.map(() => '');
    if (i % 97 === 5) row[3] = 'lots';
    if (i % 53 === 7) [row[4], row[5]] = [iso(exit - 20 * 60_000).slice(0, 16).replace('T', ' '), iso(exit).slice(0, 16).replace('T', ' ')];
    if (i % 41 === 3) row[5] = `${iso(exit - 5 * 3_600_000).slice(0, 19)}-05:00`;
    return row;
  });
}

/** What the listing was before paging: the whole tab read, every row validated, then filtered. */
async function expectedListing(journal: Journal, target: { sheetId: string; tab: string; timezone: string }, range: DateRange, account?: string) {
  const { trades, problems } = readTrades((await journal.read('alice', target)) ?? [], target.timezone);
  return { trades: trades.filter((t) => inDateRange(t.exit_timestamp, range) && (account === undefined || t.account === account)), problems };
}

async function allPages(
  service: TradeCaptureService,
  target: { sheetId: string; tab: string; timezone: string },
  options: { range: DateRange; limit: number; account?: string },
  cursor?: string,
): Promise<TradePage[]> {
  const pages: TradePage[] = [];
  let next = cursor;
  do {
    const page = await service.listTrades('alice', target, { ...options, ...(next ? { cursor: next } : {}) });
    pages.push(page);
    next = page.next_cursor ?? undefined;
  } while (next);
  return pages;
}

function countingJournal(inner: Journal): { journal: Journal; reads: { read: number; readRows: number } } {
  const reads = { read: 0, readRows: 0 };
  const journal: Journal = {
    name: inner.name,
    append: inner.append.bind(inner),
    ready: inner.ready.bind(inner),
    read: (...args) => (reads.read++, inner.read(...args)),
    readRows: (...args) => (reads.readRows++, inner.readRows(...args)),
  };
  return { journal, reads };
}
