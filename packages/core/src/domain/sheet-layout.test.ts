import fc from 'fast-check';
import {
  columnPositions,
  headerIndex,
  LEGACY_COLUMNS,
  parseNumberCell,
  readTrades,
  rowToTrade,
  schemaTradeFields,
  SHEET_COLUMNS,
  tabLayout,
  tradeToRow,
  writtenTradeFields,
} from './sheet-layout';
import { canonicalTimestampMillis } from './timestamp-digits';
import { formatTimestamp, parseTimestamp } from './timestamps';
import { tradeSchemaFor, type StoredTrade } from './trade';

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

  it('takes row 1 as a header only when it names the ticker and P&L columns', () => {
    expect(tabLayout([...SHEET_COLUMNS]).firstRow).toBe(2);
    expect(tabLayout(['Ticker', 'PnL']).index.get('pnl')).toBe(1);
    expect(tabLayout(['u-1', 'AAPL', 'long', '185']).firstRow).toBe(1);
    expect(tabLayout(undefined).firstRow).toBe(1);
  });
});

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe'];

/** Timestamps as rows hold them: canonical ones, and the spellings people and older writers use. */
const spelling = fc.tuple(fc.constantFrom('Z', '+00:00', '-00:00', '+05:30', '-05:00', '+14:00', '-14:30', '+02', '', ' '), fc.constantFrom('T', ' '), fc.boolean());
const spell = (date: Date, [offset, separator, millis]: [string, string, boolean]) => {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}${separator}${millis ? iso.slice(11, 23) : iso.slice(11, 19)}${offset.trim()}`;
};
const instant = fc.date({ min: new Date('0900-01-01T00:00:00Z'), max: new Date('9990-12-31T23:59:59Z'), noInvalidDate: true });
const timestampText = fc.tuple(instant, spelling).map(([date, how]) => spell(date, how));
/** An entry and an exit mostly after it (an hour before to a month after), each spelt its own way. */
const timestampPair = fc
  .tuple(instant, fc.integer({ min: -3_600_000, max: 30 * 86_400_000 }), spelling, spelling)
  .map(([entry, held, entryHow, exitHow]) => [spell(entry, entryHow), spell(new Date(entry.getTime() + held), exitHow)] as const);

describe('canonical timestamps (the fast path of rows we wrote)', () => {
  it('are exactly the texts the trade schema gives back unchanged, at the instant it reads (property)', () => {
    fc.assert(
      fc.property(fc.oneof(timestampText, fc.string({ maxLength: 30 })), fc.constantFrom(...ZONES), (text, zone) => {
        const fast = canonicalTimestampMillis(text);
        if (fast === undefined) return;
        const parsed = parseTimestamp(text, zone);
        expect(parsed && formatTimestamp(parsed)).toBe(text);
        expect(parsed?.toMillis()).toBe(fast);
      }),
      { numRuns: 2_000 },
    );
  });

  it('are recognised in the forms we write, and not in others', () => {
    expect(['2026-03-02T10:15:00Z', '2026-03-02T10:15:00-05:00', '2024-02-29T00:00:00+14:00'].map(canonicalTimestampMillis)).toEqual([
      Date.parse('2026-03-02T10:15:00Z'),
      Date.parse('2026-03-02T15:15:00Z'),
      Date.parse('2024-02-28T10:00:00Z'),
    ]);
    const others = ['2026-03-02T10:15', '2026-03-02 10:15:00Z', '2026-03-02T10:15:00+00:00', '2026-03-02T10:15:00.5Z', '2026-02-29T10:15:00Z', '2026-03-02T24:00:00Z', '2026-03-02T10:15:00+14:30'];
    expect(others.map(canonicalTimestampMillis)).toEqual(others.map(() => undefined));
  });

  it('leave rowToTrade giving what the trade schema gives, errors included (property)', () => {
    const fields = fc.record({
      ticker: fc.constantFrom('AAPL', 'ES', 'BRK.B', 'NQ', ' msft ', '$TSLA', 'bad ticker'),
      position_type: fc.constantFrom('long', 'short', 'Short', 'sideways'),
      pnl: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: -2e9, max: 2e9, noNaN: true }), fc.constant(0.00001)),
      timestamps: timestampPair,
      notes: fc.string({ maxLength: 20 }),
      quantity: fc.option(fc.oneof(fc.double({ min: -1, max: 1e6, noNaN: true }), fc.double({ min: 1e11, max: 1e13, noNaN: true })), { nil: undefined }),
      tags: fc.option(fc.array(fc.constantFrom('ORB', 'gap up', 'A+ setup', 'x'.repeat(70)), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      account: fc.option(fc.constantFrom('U1', 'U-2', ' U3 ', 'a'.repeat(129)), { nil: undefined }),
    });
    let valid = 0;
    fc.assert(
      fc.property(fields, fc.constantFrom(...ZONES), ({ timestamps, ...rest }, zone) => {
        const f = { ...rest, entry_timestamp: timestamps[0], exit_timestamp: timestamps[1] };
        const row = tradeToRow({ ...f, trade_id: 't-1', user_id: 'u-1', file_links: '' } as StoredTrade);
        // What the cells say, read the slow way: the schema on the values as written (a blank note is '', -0 is 0).
        const expected = tradeSchemaFor(zone).safeParse({
          ...f,
          pnl: Number(String(f.pnl)),
          quantity: f.quantity === undefined ? undefined : Number(String(f.quantity)),
          notes: f.notes.trim() === '' ? '' : f.notes,
          entry_price: undefined,
          exit_price: undefined,
          stop_loss: undefined,
        });

        const result = rowToTrade(headerIndex([...SHEET_COLUMNS]), row, 2, zone);

        if (!expected.success) {
          expect(result.ok).toBe(false);
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        valid++;
        const { trade_id: _id, user_id: _user, file_links: _links, ...trade } = result.trade;
        expect(trade).toEqual(expected.data);
        expect(Object.keys(trade)).toEqual(Object.keys(expected.data));
      }),
      { numRuns: 2_000 },
    );
    // Enough runs reach the comparison of two trades, not just of two refusals.
    expect(valid).toBeGreaterThan(40);
  });
});

describe('the fast path for rows as we write them', () => {
  // Cells as the journal holds them: mostly what tradeToRow writes, sometimes what people, older writers and typos
  // put there, so that many rows are entirely in our form (the fast path's) and many are not.
  const mostly = <T,>(written: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => fc.oneof({ arbitrary: written, weight: 6 }, { arbitrary: other, weight: 1 });
  const cells = {
    ticker: mostly(
      fc.constantFrom('AAPL', 'ES', 'BRK.B', 'BTC-USD', 'EUR/USD', '6E', 'A'.repeat(32)),
      fc.constantFrom('aapl', '$TSLA', ' ES', 'ES ', 'bad ticker', 'A'.repeat(33), '=1+1', ''),
    ),
    position_type: mostly(fc.constantFrom('long', 'short'), fc.constantFrom('Long', ' short', 'SHORT', 'sideways', '')),
    pnl: mostly(
      fc.oneof(
        fc.constantFrom('185', '-450', '0', '-0', '0.0001', '-0.0001', '1e-4', '1e9', '1000000000', '-1000000000', '.5', '5.'),
        fc.double({ min: -2e9, max: 2e9, noNaN: true }).map(String),
      ),
      fc.constantFrom('0.00009', '1e-5', '1000000001', '1e+21', '$1,240.50', '(90)', ' 12 ', '0x10', 'Infinity', '-Infinity', 'NaN', '+5', '1.2.3', '', 'abc', '1e', '٣'),
    ),
    timestamp: mostly(
      fc.oneof(timestampText, fc.constantFrom('2026-03-02T10:15:00Z', '2026-03-02T10:15:00-05:00', '2024-02-29T10:15:00Z', '2026-03-02T10:15:00+14:00')),
      fc.constantFrom(
        '0999-03-02T10:15:00Z',
        '2026-03-02T10:15:00+14:30',
        '2026-03-02T10:15:00+00:00',
        '2026-03-02T10:15:00.000Z',
        '2026-02-29T10:15:00Z',
        '2026-03-02T10:15:60Z',
        ' 2026-03-02T10:15:00Z',
        '2026-03-02T10:15',
      ),
    ),
    notes: mostly(fc.oneof(fc.constantFrom('', 'breakout', 'x'.repeat(10_000)), fc.string({ maxLength: 12 })), fc.constantFrom('   ', ' padded ', 'x'.repeat(10_001))),
    amount: mostly(
      fc.oneof(fc.constantFrom('', '100', '0.5', '1e9', '1e12', '1e-300'), fc.double({ min: 1e-6, max: 1e6, noNaN: true }).map(String)),
      fc.oneof(fc.constantFrom(' ', '0', '-1', '1000000001', '1000000000001', '$100', '1,000', 'abc'), fc.double({ min: -10, max: 2e12, noNaN: true }).map(String)),
    ),
    tags: mostly(
      fc.constantFrom('', 'orb', 'ORB, gap up', 'a;b', 'a,,b', ' , ', ' spaced ,tag ', 'x'.repeat(64), Array.from({ length: 32 }, (_, i) => `t${i}`).join(', ')),
      fc.constantFrom('a|b', 'x'.repeat(65), Array.from({ length: 33 }, (_, i) => `t${i}`).join(', '), 'a\nb'),
    ),
    account: mostly(fc.constantFrom('', 'U1', ' U3 ', 'a'.repeat(128), '   '), fc.constantFrom('a'.repeat(129), ' '.repeat(3) + 'a'.repeat(129))),
  };
  const row = fc
    .record({
      ticker: cells.ticker,
      position_type: cells.position_type,
      pnl: cells.pnl,
      entry_timestamp: cells.timestamp,
      exit_timestamp: fc.oneof(cells.timestamp, fc.constant('2026-03-02T10:15:00Z')),
      notes: cells.notes,
      quantity: cells.amount,
      entry_price: cells.amount,
      exit_price: cells.amount,
      stop_loss: cells.amount,
      tags: cells.tags,
      account: cells.account,
    })
    .map((fields) => SHEET_COLUMNS.map((column) => (column in fields ? fields[column as keyof typeof fields] : '')));
  const at = columnPositions(headerIndex([...SHEET_COLUMNS]));

  it('accepts only rows the trade schema accepts, with the very values it gives (property)', () => {
    let fast = 0;
    let slowOnly = 0;
    fc.assert(
      fc.property(row, fc.constantFrom(...ZONES), (cellsOfRow, zone) => {
        const fields = writtenTradeFields(at, cellsOfRow);
        // The schema's reading of the same cells: the path every row took before the fast one, and still takes after it.
        const expected = schemaTradeFields(at, cellsOfRow, zone);
        if (fields === undefined) {
          if (expected.success) slowOnly++;
          return;
        }
        fast++;
        expect(expected.success).toBe(true);
        if (!expected.success) return;
        expect(Object.keys(fields)).toEqual(Object.keys(expected.data));
        // toEqual tells -0 from 0 (Object.is): a -0 stays -0, as the schema leaves it.
        expect(fields).toEqual(expected.data);
      }),
      { numRuns: 5_000 },
    );
    // Both paths are reached: rows the fast path vouches for, and valid rows it leaves to the schema.
    expect(fast).toBeGreaterThan(50);
    expect(slowOnly).toBeGreaterThan(50);
  });

  it('takes every row tradeToRow writes, so a journal we wrote never meets the schema on the way back', () => {
    const trades = Array.from({ length: 200 }, (_, i) =>
      storedTrade({
        trade_id: `t-${i}`,
        ticker: ['AAPL', 'ES', 'BTC-USD', 'BRK.B'][i % 4]!,
        position_type: i % 2 ? 'long' : 'short',
        pnl: ((i * 7919) % 2001) / 4 - 250,
        entry_timestamp: `2026-03-${String((i % 28) + 1).padStart(2, '0')}T09:41:00${i % 3 ? 'Z' : '-05:00'}`,
        exit_timestamp: `2026-03-${String((i % 28) + 1).padStart(2, '0')}T10:15:00${i % 3 ? 'Z' : '-05:00'}`,
        quantity: i % 5 ? 0.5 + i : undefined,
        entry_price: 189.2,
        stop_loss: i % 7 ? 188 : undefined,
        account: i % 2 ? 'U-1' : undefined,
        tags: i % 3 ? ['ORB', 'gap up'] : undefined,
      }),
    );
    for (const trade of trades) {
      const cellsOfRow = tradeToRow(trade);
      expect(writtenTradeFields(at, cellsOfRow)).toBeDefined();
      const read = rowToTrade(headerIndex([...SHEET_COLUMNS]), cellsOfRow, 2, 'UTC');
      expect(read).toEqual({ ok: true, trade });
    }
  });

  it('gives every trade of a journal the same keys in the same order, read either way', () => {
    const header = [...SHEET_COLUMNS];
    const written = tradeToRow(storedTrade({ created_at: undefined }));
    const handEdited = written.map((value, i) => (SHEET_COLUMNS[i] === 'ticker' ? ' aapl ' : value));
    const { trades, problems } = readTrades([header, written, handEdited], 'UTC');
    expect(problems).toEqual([]);
    expect(trades).toHaveLength(2);
    expect(Object.keys(trades[0]!)).toEqual(Object.keys(trades[1]!));
    expect(trades[1]!.ticker).toBe('AAPL');
  });
});
