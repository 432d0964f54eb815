import { headerIndex, LEGACY_COLUMNS, parseNumberCell, readTrades, rowToTrade, SHEET_COLUMNS, tradeToRow } from './sheet-layout';
import type { StoredTrade } from './trade';

const storedTrade = (overrides: Partial<StoredTrade> = {}): StoredTrade => ({
  trade_id: 't-1',
  user_id: 'u-1',
  ticker: 'AAPL',
  position_type: 'long',
  pnl: 185,
  entry_timestamp: '2026-03-02T09:41:00Z',
  exit_timestamp: '2026-03-02T10:15:00Z',
  notes: 'breakout',
  file_links: 'abc|image/png|http://x/api/media/abc',
  quantity: 100,
  tags: ['ORB', 'gap up'],
  created_at: '2026-03-02T10:16:00.000Z',
  ...overrides,
});

describe('sheet layout', () => {
  it("keeps the earlier service's eight columns first", () => {
    expect(SHEET_COLUMNS.slice(0, 8)).toEqual([...LEGACY_COLUMNS]);
    expect(LEGACY_COLUMNS).toEqual(['user_id', 'ticker', 'position_type', 'pnl', 'entry_timestamp', 'exit_timestamp', 'notes', 'file_links']);
  });

  it('round-trips a trade through a row', () => {
    const trade = storedTrade();
    const result = rowToTrade(headerIndex([...SHEET_COLUMNS]), tradeToRow(trade), 2, 'UTC');
    expect(result).toEqual({ ok: true, trade });
  });

  it('reads a legacy eight-column row by header name, in any column order', () => {
    const header = ['ticker', 'User ID', 'pnl', 'position_type', 'entry_timestamp', 'exit_timestamp', 'notes', 'file_links'];
    const row = ['tsla', 'u-9', '-190', 'short', '2026-03-03 10:02', '2026-03-03 10:40', 'fought the trend', ''];
    const result = rowToTrade(headerIndex(header), row, 7, 'UTC');
    expect(result).toEqual({
      ok: true,
      trade: expect.objectContaining({ trade_id: 'row-7', user_id: 'u-9', ticker: 'TSLA', pnl: -190, position_type: 'short', exit_timestamp: '2026-03-03T10:40:00Z' }),
    });
  });

  it('reports a row that no longer validates instead of guessing', () => {
    const row = tradeToRow(storedTrade());
    row[3] = 'lots';
    const result = rowToTrade(headerIndex([...SHEET_COLUMNS]), row, 4, 'UTC');
    expect(result).toEqual({ ok: false, problem: { row: 4, reason: expect.stringContaining('pnl') } });
  });

  it('reads money cells as people write them', () => {
    expect(['$1,240.50', '-450', '(90)', '0', '', 'abc'].map(parseNumberCell)).toEqual([1240.5, -450, -90, 0, undefined, Number.NaN]);
  });

  it('reads a tab with a header row by name, reporting unreadable rows by their sheet row number', () => {
    const rows = [[...SHEET_COLUMNS], tradeToRow(storedTrade()), ['', ''], tradeToRow(storedTrade({ trade_id: 't-2' })).map((c, i) => (i === 3 ? 'lots' : c))];
    const { trades, problems } = readTrades(rows, 'UTC');
    expect(trades.map((t) => t.trade_id)).toEqual(['t-1']);
    expect(problems).toEqual([{ row: 4, reason: expect.stringContaining('pnl') }]);
  });

  it('reads a sheet the earlier service wrote: no header row, its column order, id|link and bare Drive links', () => {
    const rows = [
      ['u-1', 'aapl', 'long', '185', '2026-03-02 09:41', '2026-03-02 10:15', 'breakout', '1AbCdEfGhIjKlMnOp|https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view'],
      ['u-1', 'TSLA', 'short', '-90', '2026-03-03 10:02', '2026-03-03 10:40', '', 'https://drive.google.com/file/d/1ZyXwVuTsRqPoNmLk/view?usp=sharing'],
    ];

    const { trades, problems } = readTrades(rows, 'UTC');

    expect(problems).toEqual([]);
    expect(trades).toEqual([
      expect.objectContaining({ trade_id: 'row-1', ticker: 'AAPL', pnl: 185, exit_timestamp: '2026-03-02T10:15:00Z', file_links: rows[0]![7] }),
      expect.objectContaining({ trade_id: 'row-2', ticker: 'TSLA', pnl: -90, position_type: 'short' }),
    ]);
  });
});
