import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multipliersWith } from '../contracts';
import { csvRecords, headRecords } from '../csv-records';
import type { ColumnMapping } from '../import-types';
import { pairRoundTrips } from '../round-trips';
import { genericParser } from './generic';

const options = { timezone: 'America/New_York', multipliers: multipliersWith() };
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures', name), 'utf8');

async function parseText(text: string, mapping?: ColumnMapping) {
  return genericParser.parse(csvRecords(text), { ...options, mapping });
}
async function fillsOf(text: string, mapping?: ColumnMapping) {
  const parsed = await parseText(text, mapping);
  if (parsed.kind !== 'fills') throw new Error(`expected fills, got ${parsed.kind}`);
  return parsed;
}

describe('genericParser on a fills file', () => {
  it('is detected from common header names', async () => {
    const head = await headRecords(csvRecords(fixture('generic_fills.csv')));

    expect(genericParser.detect(head)).toBe(true);
    expect(genericParser.missingHeaders(head)).toEqual([]);
  });

  it('skips the canceled order, rejects the DST-gap time and the unknown side, and reads the rest', async () => {
    const { fills, rejected } = await fillsOf(fixture('generic_fills.csv'));

    expect(fills).toHaveLength(9);
    expect(rejected).toEqual([
      { line: 11, reason: 'Time "3/8/2026 2:30:00 AM" does not exist in America/New_York (clocks skipped it for daylight saving)' },
      { line: 13, reason: 'Side "X" is not buy or sell' },
    ]);
    expect(fills[0]).toEqual({
      line: 2,
      account: 'SIM-2',
      contract: 'MNQH6',
      root: 'MNQ',
      asset_class: 'future',
      side: 'buy',
      quantity: 3,
      price: 24800.25,
      // MNQ has no multiplier column here: the point-value table says 2
      multiplier: 2,
      fees: 1.56,
      timestamp: '2026-03-06T09:35:12-05:00',
      epoch_ms: Date.parse('2026-03-06T14:35:12Z'),
      currency: 'USD',
      execution_id: 'E1001',
      order_id: 'O501',
    });
  });

  it('pairs into the hand-computed round trips, accounts apart, across the DST change', async () => {
    const { fills } = await fillsOf(fixture('generic_fills.csv'));

    const { trades, open_positions } = pairRoundTrips(fills);

    expect(trades.map((t) => [t.account, t.ticker, t.position_type, t.quantity, t.entry_price, t.exit_price, t.gross_pnl, t.fees, t.pnl, t.entry_timestamp, t.exit_timestamp])).toEqual([
      // (24810.75 - 24800.25) × 3 × 2 + (24810.75 - 24800.50) × 2 × 2 = 63 + 41 = 104; fees 1.56 + 1.04 + 2.60
      // entry (3 × 24800.25 + 2 × 24800.50) / 5 = 124001.75 / 5 = 24800.35
      ['SIM-2', 'MNQ', 'long', 5, 24800.35, 24810.75, 104, 5.2, 98.8, '2026-03-06T09:35:12-05:00', '2026-03-06T09:41:03-05:00'],
      // short 200 @ 231.40, covered 120 @ 230.90 (+60) and 80 @ 230.15 (+100); exit (27708 + 18412) / 200 = 230.6
      ['SIM-2', 'AAPL', 'short', 200, 231.4, 230.6, 160, 2, 158, '2026-03-06T10:02:10-05:00', '2026-03-06T10:45:30-05:00'],
      // (68500.30 - 68000.10) × 0.5 = 250.1; fees 34 + 34.25 = 68.25; 23:00 EST to 03:15 EDT
      ['SIM-2', 'BTC-USD', 'long', 0.5, 68000.1, 68500.3, 250.1, 68.25, 181.85, '2026-03-07T23:00:00-05:00', '2026-03-08T03:15:00-04:00'],
    ]);
    expect(open_positions).toEqual([expect.objectContaining({ account: 'SIM-1', ticker: 'AAPL', position_type: 'long', quantity: 50, average_entry_price: 229.8, fees: 0.25 })]);
  });

  it('takes the side from a signed quantity when there is no side column, and fees as costs whatever their sign', async () => {
    const text = ['Ticker,Shares,Avg Price,Commission,Date,Time', 'XYZ,100,10.5,-1.00,2026-03-05,09:30:00', 'XYZ,-100,11,-1.00,2026-03-05,09:45:00'].join('\n');

    const { fills } = await fillsOf(text);

    expect(fills.map((f) => [f.side, f.quantity, f.fees, f.timestamp, f.asset_class])).toEqual([
      ['buy', 100, 1, '2026-03-05T09:30:00-05:00', 'stock'],
      ['sell', 100, 1, '2026-03-05T09:45:00-05:00', 'stock'],
    ]);
  });

  it.each([
    ['2026-03-05T09:30:00Z', '2026-03-05T09:30:00Z'],
    ['2026-03-05T09:30:00+01:00', '2026-03-05T09:30:00+01:00'],
    ['2026-03-05 09:30', '2026-03-05T09:30:00-05:00'],
    ['2026-03-05 09:30:15', '2026-03-05T09:30:15-05:00'],
    ['3/5/2026 9:30', '2026-03-05T09:30:00-05:00'],
    ['3/5/2026 14:30:05', '2026-03-05T14:30:05-05:00'],
    ['03/05/2026 2:30:05 PM', '2026-03-05T14:30:05-05:00'],
    ['3/9/2026 9:30 am', '2026-03-09T09:30:00-04:00'],
  ])('reads the time %s as %s', async (time, timestamp) => {
    const { fills, rejected } = await fillsOf(`symbol,side,qty,price,timestamp\nXYZ,B,1,10,"${time}"`);

    expect(rejected).toEqual([]);
    expect(fills[0]!.timestamp).toBe(timestamp);
  });

  it('lets an explicit mapping override recognition, and prices OCC options ×100 and a multiplier column as given', async () => {
    const text = ['Contract Name,Way,Lots,Exec,When,Point Value', 'SPY260320C00680000,Bid,2,3.1,2026-03-05 10:00,', 'FOOH6,Ask,1,10,2026-03-05 10:00,12.5'].join('\n');
    const mapping: ColumnMapping = { side: 'Way', price: 'Exec', time: 'When' };

    const { fills, rejected } = await fillsOf(text, mapping);

    expect(rejected).toEqual([]);
    expect(fills.map((f) => [f.contract, f.root, f.asset_class, f.side, f.quantity, f.price, f.multiplier])).toEqual([
      ['SPY260320C00680000', 'SPY', 'option', 'buy', 2, 3.1, 100],
      ['FOOH6', 'FOO', 'future', 'sell', 1, 10, 12.5],
    ]);
  });

  it('rejects a futures contract whose point value is unknown, and skips rejected and working orders silently', async () => {
    const text = ['symbol,side,qty,price,time,status', 'FOOH6,buy,1,10,2026-03-05 09:30,Filled', 'ESH6,buy,1,6900,2026-03-05 09:30,Rejected', 'ESH6,buy,1,6900,2026-03-05 09:30,Working'].join('\n');

    const { fills, rejected } = await fillsOf(text);

    expect(fills).toEqual([]);
    expect(rejected).toEqual([{ line: 2, reason: 'unknown point value for futures root "FOO" (add it with IMPORT_CONTRACT_MULTIPLIERS)' }]);
  });

  it('names what a mapping points at but the file lacks', async () => {
    const head = await headRecords(csvRecords('Symbol,Side,Qty,Price,Time\nAAPL,Buy,1,10,2026-03-05 09:30'));

    expect(genericParser.missingHeaders(head, { mapping: { price: 'Fill Px' } })).toEqual(['price ("Fill Px")']);
  });

  it('is not detected when the headers are not those of fills or closed trades', async () => {
    const head = await headRecords(csvRecords('Date,Description,Amount\n2026-03-05,Deposit,100'));

    expect(genericParser.detect(head)).toBe(false);
    expect(genericParser.missingHeaders(head)).toEqual(['symbol', 'quantity', 'price']);
  });
});

describe('genericParser on a closed-trades file', () => {
  it('reads net P&L as net, rejects the unreadable rows and keeps the rest', async () => {
    const parsed = await parseText(fixture('generic_closed_trades.csv'));

    if (parsed.kind !== 'closed_trades') throw new Error('expected closed trades');
    expect(parsed.rejected).toEqual([
      { line: 5, reason: 'Exit time 2026-03-09T10:00:00-04:00 is before entry time 2026-03-09T11:00:00-04:00' },
      { line: 6, reason: 'P&L is blank' },
    ]);
    expect(parsed.notes).toEqual([]);
    expect(parsed.trades.map((t) => [t.line, t.ticker, t.position_type, t.quantity, t.pnl, t.fees, t.entry_timestamp, t.exit_timestamp, t.trade_ref])).toEqual([
      [2, 'NQH6', 'long', 2, 455.88, 4.12, '2026-03-06T09:31:00-05:00', '2026-03-06T09:52:30-05:00', 'T-88'],
      [3, 'MESH6', 'short', 3, -84.36, 1.86, '2026-03-09T10:05:00-04:00', '2026-03-09T10:40:10-04:00', 'T-89'],
      [4, 'CLJ6', 'long', 1, 247.5, 2.5, '2026-03-09T13:00:00Z', '2026-03-09T14:30:00Z', 'T-90'],
      [7, 'MNQH6', 'long', 4, 41.92, 2.08, '2026-03-10T10:00:00-04:00', '2026-03-10T10:05:00-04:00', undefined],
    ]);
  });

  it('deducts the fees from a P&L column that does not say net, and says so', async () => {
    const text = ['symbol,side,open time,close time,profit,fees', 'AAPL,short,3/5/2026 9:30,3/5/2026 9:45,100.10,1.20'].join('\n');

    const parsed = await parseText(text);

    expect(parsed).toMatchObject({ kind: 'closed_trades', notes: ['"profit" was read as gross: the fees column was deducted from it'] });
    // 100.10 - 1.20 = 98.90
    expect(parsed.kind === 'closed_trades' && parsed.trades[0]).toMatchObject({ position_type: 'short', pnl: 98.9, fees: 1.2, entry_timestamp: '2026-03-05T09:30:00-05:00' });
  });
});
