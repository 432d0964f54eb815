// The import service end to end on a real SQLite journal: the acceptance samples written once, re-imports and an
// overlapping later export writing only what is new, and what the journal rows say (root ticker, contract and fees).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJournal } from '../adapters/local/sqlite-journal';
import { headerIndex, rowToTrade } from '../domain/sheet-layout';
import type { StoredTrade } from '../domain/trade';
import { TradeImportService } from './trade-import';
import type { CaptureTarget } from './trade-capture';

const sample = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'imports', 'fixtures', 'acceptance', name));
const OWNER = 'trader-1';
// Several imports into a file-backed database per test: generous when the machine is busy (nothing here is timed).
jest.setTimeout(30_000);

const SAMPLES: Array<[name: string, timezone: string, trades: number]> = [
  ['ibkr_flex_trade_confirmation.csv', 'US/Eastern', 5],
  ['thinkorswim_account_statement.csv', 'US/Eastern', 3],
  ['tradovate_orders.csv', 'US/Central', 3],
  ['ninjatrader_executions.csv', 'US/Central', 3],
  ['webull_orders.csv', 'US/Eastern', 2],
  ['tradenote_generic_template.csv', 'US/Eastern', 3],
];

describe('TradeImportService with a SQLite journal', () => {
  let dir: string;
  let db: Database;
  let journal: SqliteJournal;
  let service: TradeImportService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-import-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    journal = new SqliteJournal(db);
    service = new TradeImportService({ journal, now: () => new Date('2026-12-01T12:00:00Z') });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const targetFor = (tab: string, timezone = 'America/New_York'): CaptureTarget => ({ sheetId: 'local', tab, timezone });

  /** The journal's rows read back as trades (header excluded). */
  async function stored(target: CaptureTarget): Promise<StoredTrade[]> {
    const rows = (await journal.read(OWNER, target)) ?? [];
    if (rows.length === 0) return [];
    const index = headerIndex(rows[0]!);
    return rows.slice(1).map((row, i) => {
      const read = rowToTrade(index, row, i + 2, target.timezone);
      if (!read.ok) throw new Error(`row ${i + 2}: ${read.problem.reason}`);
      return read.trade;
    });
  }

  it('writes nothing twice when the same file is read in another time zone, or when a later export starts mid-position', async () => {
    const header = 'Account,T/D,S/D,Currency,Type,Side,Symbol,Qty,Price,Exec Time,Comm,SEC,TAF,NSCC,Nasdaq,ECN Remove,ECN Add,Gross Proceeds,Net Proceeds,Clr Broker,Liq,Note';
    const row = (side: string, price: number, time: string) => `TZ1,03/05/2026,03/06/2026,USD,stock,${side},ACME,100,${price},${time},1,0,0,0,0,0,0,,,,,`;
    // The whole history: a long 10 → 12 (+200 - 2 fees = +198), then a long 11 → 11.50 (+50 - 2 = +48).
    const full = [header, row('B', 10, '09:30:00'), row('S', 12, '10:00:00'), row('B', 11, '10:30:00'), row('S', 11.5, '11:00:00')].join('\n');
    // A later export that starts with the first sell: that sell closes a position the file never opened.
    const later = [header, row('S', 12, '10:00:00'), row('B', 11, '10:30:00'), row('S', 11.5, '11:00:00')].join('\n');
    const target = targetFor('overlap');

    const first = await service.importFile(OWNER, target, { source: full });
    const otherZone = await service.importFile(OWNER, target, { source: full, timezone: 'America/Chicago' });
    const overlapping = await service.importFile(OWNER, target, { source: later });

    expect(first.trades.map((t) => t.pnl)).toEqual([198, 48]);
    expect(otherZone).toMatchObject({ imported: 0, duplicates_skipped: 2 });
    expect(overlapping).toMatchObject({ imported: 0, duplicates_skipped: 1, open_positions: [] });
    expect(overlapping.rejected_rows).toEqual([{ line: 2, reason: expect.stringMatching(/^sell to close 100 ACME with no position open in this file/) }]);
    expect((await stored(target)).map((t) => [t.position_type, t.pnl])).toEqual([
      ['long', 198],
      ['long', 48],
    ]);
  });

  it.each(SAMPLES)('imports %s once: a second import of the same file writes nothing', async (name, timezone, trades) => {
    const target = targetFor(name.replace(/\.csv$/, ''));

    const first = await service.importFile(OWNER, target, { source: sample(name), timezone });
    const rowsAfterFirst = (await journal.read(OWNER, target))!.length;
    const second = await service.importFile(OWNER, target, { source: sample(name), timezone });

    expect(first.rejected_rows).toEqual([]);
    expect(first.imported).toBe(trades);
    expect(first.duplicates_skipped).toBe(0);
    expect(second.imported).toBe(0);
    expect(second.duplicates_skipped).toBe(trades);
    expect(second.trades).toEqual([]);
    expect(rowsAfterFirst).toBe(trades + 1);
    expect((await journal.read(OWNER, target))!.length).toBe(rowsAfterFirst);
  });

  it('writes only the new round trip from an overlapping later IBKR export', async () => {
    const target = targetFor('ibkr');

    const first = await service.importFile(OWNER, target, { source: sample('ibkr_flex_trade_confirmation.csv'), timezone: 'US/Eastern' });
    const later = await service.importFile(OWNER, target, { source: sample('ibkr_flex_trade_confirmation_next_day.csv'), timezone: 'US/Eastern' });

    expect(first.open_positions).toEqual([expect.objectContaining({ contract: 'MESH6', ticker: 'MES', position_type: 'short', quantity: 1, entry_price: 6750 })]);
    expect(later.open_positions).toEqual([]);
    expect(later.duplicates_skipped).toBe(5);
    expect(later.imported).toBe(1);
    expect(later.trades).toEqual([
      expect.objectContaining({
        ticker: 'MES', position_type: 'short', quantity: 1, entry_price: 6750, exit_price: 6740.25, pnl: 47.51, account: 'U7654321',
        entry_timestamp: '2026-03-10T14:30:00-04:00', exit_timestamp: '2026-03-11T09:45:12-04:00',
      }),
    ]);
    const journalTrades = await stored(target);
    expect(journalTrades).toHaveLength(6);
    expect(new Set(journalTrades.map((trade) => trade.trade_id)).size).toBe(6);

    // And once more: the later export again adds nothing.
    const again = await service.importFile(OWNER, target, { source: sample('ibkr_flex_trade_confirmation_next_day.csv'), timezone: 'US/Eastern' });
    expect(again.imported).toBe(0);
    expect(await stored(target)).toHaveLength(6);
  });

  it('files futures under their root ticker, with the contract, fees and multiplier in the notes', async () => {
    const cases: Array<[name: string, timezone: string, expected: Array<{ ticker: string; contract: string; pnl: number; fees: string; gross: string }>]> = [
      ['ibkr_flex_trade_confirmation.csv', 'US/Eastern', [{ ticker: 'MES', contract: 'MESH6', pnl: 41.27, gross: 'gross 43.75 USD', fees: 'fees 2.48 USD' }]],
      ['thinkorswim_account_statement.csv', 'US/Eastern', [{ ticker: 'ES', contract: '/ESH26', pnl: 835.4, gross: 'gross 850', fees: 'fees 14.6' }]],
      ['tradovate_orders.csv', 'US/Central', [
        { ticker: 'ES', contract: 'ESH6', pnl: 775, gross: 'gross 775 USD', fees: 'fees 0 USD' },
        { ticker: 'MNQ', contract: 'MNQH6', pnl: 217, gross: 'gross 217 USD', fees: 'fees 0 USD' },
        { ticker: 'MES', contract: 'MESH6', pnl: -63.75, gross: 'gross -63.75 USD', fees: 'fees 0 USD' },
      ]],
      ['ninjatrader_executions.csv', 'US/Central', [
        { ticker: 'NQ', contract: 'NQ 03-26', pnl: 627.46, gross: 'gross 640', fees: 'fees 12.54' },
        { ticker: 'NQ', contract: 'NQ 03-26', pnl: 611.64, gross: 'gross 620', fees: 'fees 8.36' },
        { ticker: 'ES', contract: 'ES 03-26', pnl: -191.68, gross: 'gross -187.5', fees: 'fees 4.18' },
      ]],
      ['tradenote_generic_template.csv', 'US/Eastern', [{ ticker: 'ES', contract: 'ESH6', pnl: 614.4, gross: 'gross 625 USD', fees: 'fees 10.6 USD' }]],
    ];
    for (const [name, timezone, expected] of cases) {
      const target = targetFor(name);
      await service.importFile(OWNER, target, { source: sample(name), timezone });
      const futures = (await stored(target)).filter((trade) => /contract (\/|[A-Z]+H6|[A-Z]+ \d)/.test(trade.notes) && trade.notes.includes('multiplier'));

      expect(futures.map((trade) => ({ ticker: trade.ticker, pnl: trade.pnl }))).toEqual(expected.map(({ ticker, pnl }) => ({ ticker, pnl })));
      futures.forEach((trade, i) => {
        expect(trade.notes).toContain(`contract ${expected[i]!.contract}`);
        expect(trade.notes).toContain(expected[i]!.gross);
        expect(trade.notes).toContain(expected[i]!.fees);
      });
    }
  });

  it('writes the journal rows an IBKR import computes: accounts, currencies, prices and offsets', async () => {
    const target = targetFor('ibkr-rows');
    await service.importFile(OWNER, target, { source: sample('ibkr_flex_trade_confirmation.csv'), timezone: 'US/Eastern' });

    const trades = await stored(target);
    expect(trades.map(({ ticker, position_type, quantity, entry_price, exit_price, pnl, account, entry_timestamp, exit_timestamp }) => ({
      ticker, position_type, quantity, entry_price, exit_price, pnl, account, entry_timestamp, exit_timestamp,
    }))).toEqual([
      { ticker: 'MES', position_type: 'long', quantity: 2, entry_price: 6801.25, exit_price: 6805.625, pnl: 41.27, account: 'U7654321', entry_timestamp: '2026-03-05T10:00:00-05:00', exit_timestamp: '2026-03-05T10:15:00-05:00' },
      { ticker: 'MSFT', position_type: 'long', quantity: 100, entry_price: 410.22, exit_price: 412.1, pnl: 186.45, account: 'U7654321', entry_timestamp: '2026-03-05T09:35:12-05:00', exit_timestamp: '2026-03-05T11:00:04-05:00' },
      { ticker: 'NVDA', position_type: 'long', quantity: 10, entry_price: 180.5, exit_price: 180.62, pnl: 0.5, account: 'U7654321', entry_timestamp: '2026-03-06T10:00:01-05:00', exit_timestamp: '2026-03-06T10:00:01-05:00' },
      { ticker: 'SAP', position_type: 'long', quantity: 20, entry_price: 171.34, exit_price: 172.9, pnl: 25.2, account: 'U7654321', entry_timestamp: '2026-03-09T04:02:10-04:00', exit_timestamp: '2026-03-09T06:15:45-04:00' },
      { ticker: 'TSLA', position_type: 'short', quantity: 50, entry_price: 402.5, exit_price: 395.3, pnl: 359.38, account: 'U7654321', entry_timestamp: '2026-03-06T15:30:00-05:00', exit_timestamp: '2026-03-09T09:31:00-04:00' },
    ]);
    expect(trades[3]!.notes).toContain('gross 31.2 EUR');
    expect(trades[3]!.notes).toContain('fees 6 EUR');
  });

  it('a dry run writes nothing and a real run afterwards still imports everything', async () => {
    const target = targetFor('dry');
    const dry = await service.importFile(OWNER, target, { source: sample('tradovate_orders.csv'), timezone: 'US/Central', dryRun: true });
    expect(dry.imported).toBe(3);
    expect(await journal.read(OWNER, target)).toBeNull();

    const real = await service.importFile(OWNER, target, { source: sample('tradovate_orders.csv'), timezone: 'US/Central' });
    expect(real.imported).toBe(3);
    expect(real.trades.map((trade) => trade.trade_id)).toEqual(dry.trades.map((trade) => trade.trade_id));
  });
});
