import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multipliersWith } from '../contracts';
import { csvRecords, headRecords } from '../csv-records';
import { pairRoundTrips } from '../round-trips';
import { tradenoteParser } from './tradenote';

const options = { timezone: 'America/New_York', multipliers: multipliersWith() };
const fixture = readFileSync(join(__dirname, '../fixtures/tradenote_generic_template.csv'), 'utf8');
const HEADER = 'Account,T/D,S/D,Currency,Type,Side,Symbol,Qty,Price,Exec Time,Comm,SEC,TAF,NSCC,Nasdaq,ECN Remove,ECN Add,Gross Proceeds,Net Proceeds,Clr Broker,Liq,Note';

async function parseText(text: string, multipliers = options.multipliers) {
  const parsed = await tradenoteParser.parse(csvRecords(text), { ...options, multipliers });
  if (parsed.kind !== 'fills') throw new Error('expected fills');
  return parsed;
}

describe('tradenoteParser', () => {
  it('is detected from the template header', async () => {
    const head = await headRecords(csvRecords(fixture));

    expect(tradenoteParser.detect(head)).toBe(true);
    expect(tradenoteParser.missingHeaders(head)).toEqual([]);
  });

  it('reads B/S/SS/BC, the sum of every fee column as the cost, and the trade date + exec time in the import zone', async () => {
    const { fills } = await parseText(fixture);

    // TSLA SS: 1.00 + 1.11 + 0.02 + 0.02 + 0.30 = 2.45
    expect(fills.find((f) => f.contract === 'TSLA' && f.side === 'sell')).toEqual({
      line: 6,
      account: 'TZ12345',
      contract: 'TSLA',
      root: 'TSLA',
      asset_class: 'stock',
      side: 'sell',
      quantity: 100,
      price: 400,
      multiplier: 1,
      fees: 2.45,
      timestamp: '2026-03-05T09:48:05-05:00',
      epoch_ms: Date.parse('2026-03-05T14:48:05Z'),
      currency: 'USD',
    });
    // 691225 / (2 × 6912.25) = 50; 620 / (2 × 3.10) = 100
    expect(fills.find((f) => f.contract === 'ESH6')).toMatchObject({ root: 'ES', asset_class: 'future', multiplier: 50, timestamp: '2026-03-09T10:58:30-04:00' });
    expect(fills.find((f) => f.contract === 'SPY260320C00680000')).toMatchObject({ root: 'SPY', asset_class: 'option', multiplier: 100 });
  });

  it('rejects the row with an unreadable price and keeps the rest', async () => {
    const { fills, rejected } = await parseText(fixture);

    expect(rejected).toEqual([{ line: 8, reason: 'Price "n/a" is not a number' }]);
    expect(fills).toHaveLength(10);
  });

  it('pairs the unordered rows into the hand-computed trades, splitting the fill that crosses zero', async () => {
    const { fills } = await parseText(fixture);

    const { trades, open_positions } = pairRoundTrips(fills);

    expect(trades.map((t) => [t.ticker, t.position_type, t.quantity, t.entry_price, t.exit_price, t.gross_pnl, t.fees, t.pnl, t.entry_timestamp, t.exit_timestamp])).toEqual([
      // AMD S 150 closes 100 (fee 2.10 × 100/150 = 1.40) and opens a 50 short (2.10 × 50/150 = 0.70)
      ['AMD', 'long', 100, 120, 121, 100, 2.4, 97.6, '2026-03-05T09:31:00-05:00', '2026-03-05T09:40:00-05:00'],
      ['AMD', 'short', 50, 121, 119.5, 75, 1.2, 73.8, '2026-03-05T09:40:00-05:00', '2026-03-05T10:05:00-05:00'],
      // TSLA short: 5 × 100 = 500; fees 2.45 + 1.32
      ['TSLA', 'short', 100, 400, 395, 500, 3.77, 496.23, '2026-03-05T09:48:05-05:00', '2026-03-05T10:12:40-05:00'],
      // SPY call: 0.75 × 2 × 100 = 150; fees 1.30 + 1.32
      ['SPY', 'long', 2, 3.1, 3.85, 150, 2.62, 147.38, '2026-03-05T11:02:00-05:00', '2026-03-05T11:30:45-05:00'],
      // ES on Monday after the DST change: 8.25 × 2 × 50 = 825; fees 3.76 × 2
      ['ES', 'long', 2, 6912.25, 6920.5, 825, 7.52, 817.48, '2026-03-09T10:20:15-04:00', '2026-03-09T10:58:30-04:00'],
    ]);
    expect(open_positions).toEqual([expect.objectContaining({ ticker: 'NVDA', quantity: 50, average_entry_price: 118.4, fees: 0.5 })]);
  });

  it('falls back to the point-value table when Gross Proceeds does not give the multiplier, and says when they disagree', async () => {
    const text = [HEADER, 'A1,03/05/2026,,USD,future,B,MNQH6,1,24800.25,09:30:00,0.52,,,,,,,,,,,', 'A1,03/05/2026,,USD,future,S,FOOH6,1,10,09:31:00,0.52,,,,,,,-125,,,,'].join('\n');

    const { fills, notes } = await parseText(text);

    expect(fills.map((f) => [f.root, f.multiplier])).toEqual([
      ['MNQ', 2],
      ['FOO', 12.5],
    ]);
    expect(notes).toEqual([]);
    const disagreeing = await parseText(text, multipliersWith({ FOO: 10 }));
    expect(disagreeing.notes).toEqual(['FOO: point value 12.5 taken from Gross Proceeds (the table says 10)']);
  });

  it('explains unreadable sides, types and times', async () => {
    const text = [
      HEADER,
      'A1,03/05/2026,,USD,stock,X,AAPL,1,10,09:30:00,,,,,,,,,,,,',
      'A1,03/05/2026,,USD,bond,B,AAPL,1,10,09:30:00,,,,,,,,,,,,',
      'A1,03/08/2026,,USD,stock,B,AAPL,1,10,02:15:00,,,,,,,,,,,,',
      'A1,03/05/2026,,USD,future,B,FOOH6,1,10,09:30:00,,,,,,,,,,,,',
    ].join('\n');

    const { rejected } = await parseText(text);

    expect(rejected).toEqual([
      { line: 2, reason: 'Side "X" is not B, S, SS or BC' },
      { line: 3, reason: 'Type "bond" is not stock, future, forex, call or put' },
      { line: 4, reason: 'T/D + Exec Time "03/08/2026 02:15:00" does not exist in America/New_York (clocks skipped it for daylight saving)' },
      { line: 5, reason: 'Gross Proceeds does not give the multiplier and there is an unknown point value for futures root "FOO" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
    ]);
  });
});
