// Trades for the bench: a deterministic journal of any size, written straight into a local journal in one append.
import { parseSheetRef, SHEET_COLUMNS, tradeToRow, type StoredTrade } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';

const TICKERS = ['AAPL', 'TSLA', 'ES', 'BTC-USD'];
const START = Date.parse('2026-01-05T14:30:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Trade `i` of a bench journal: one every 10 minutes, wins and losses spread evenly, 4 tickers, both sides. */
export function benchTrade(i: number, userId = 'bench'): StoredTrade {
  const entry = START + i * 600_000;
  return {
    trade_id: `t${i}`,
    user_id: userId,
    ticker: TICKERS[i % TICKERS.length]!,
    position_type: i % 2 ? 'long' : 'short',
    pnl: (((i * 7919) % 2001) - 1000) / 4,
    entry_timestamp: iso(entry),
    exit_timestamp: iso(entry + 240_000),
    notes: '',
    file_links: '',
    quantity: 10,
    entry_price: 100,
    stop_loss: 99,
    tags: ['orb'],
  };
}

export function benchJournal(count: number, userId = 'bench'): StoredTrade[] {
  return Array.from({ length: count }, (_, i) => benchTrade(i, userId));
}

/**
 * The trades as rows just read from a journal would be: fresh, flat objects laid out in the order given (a JSON round
 * trip), rather than the objects the generator built.
 */
export const freshRows = (trades: readonly StoredTrade[]): StoredTrade[] => JSON.parse(JSON.stringify(trades)) as StoredTrade[];

/** The body of `POST /api/trades`: a complete structured trade, no attachments. */
export function tradeBody(): string {
  return JSON.stringify({
    ticker: 'AAPL',
    position_type: 'long',
    pnl: 185,
    entry_timestamp: '2026-03-02T09:41:00-05:00',
    exit_timestamp: '2026-03-02T10:15:00-05:00',
    quantity: 100,
    entry_price: 189.2,
    exit_price: 191.05,
    tags: ['breakout'],
  });
}

/**
 * Writes `count` trades of `owner` into `sheetId` (the default tab) of the SQLite file a running API uses, through a
 * second connection and the local journal adapter: one append, one transaction — seconds for 100k rows, where HTTP
 * would take minutes and measure something else.
 */
export async function seedJournal(databaseFile: string, owner: string, sheetId: string, count: number): Promise<void> {
  const db = openDatabase(databaseFile);
  try {
    const journal = new SqliteJournal(db);
    const rows = benchJournal(count, owner).map(tradeToRow);
    await journal.append(owner, parseSheetRef(sheetId, undefined), { header: SHEET_COLUMNS, rows });
  } finally {
    db.close();
  }
}
