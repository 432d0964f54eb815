import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multipliersWith } from '../contracts';
import { csvRecords, headRecords } from '../csv-records';
import { digest } from '../fingerprint';
import { pairRoundTrips } from '../round-trips';
import { ibkrFlexParser } from './ibkr-flex';

const options = { timezone: 'America/New_York', multipliers: multipliersWith() };
const fixture = readFileSync(join(__dirname, '../fixtures/ibkr_flex_trade_confirmation.csv'), 'utf8');

async function parseText(text: string) {
  const parsed = await ibkrFlexParser.parse(csvRecords(text), options);
  if (parsed.kind !== 'fills') throw new Error('expected fills');
  return parsed;
}

describe('ibkrFlexParser on the Trade Confirmation sample', () => {
  it('is detected from its header', async () => {
    const head = await headRecords(csvRecords(fixture));

    expect(ibkrFlexParser.detect(head)).toBe(true);
    expect(ibkrFlexParser.missingHeaders(head)).toEqual([]);
  });

  it('reads each execution with its signed quantity, commission as a cost (components not added), ids and currency', async () => {
    const { fills } = await parseText(fixture);

    expect(fills).toHaveLength(14);
    expect(fills[0]).toEqual({
      line: 2,
      account: 'U1234567',
      contract: 'AAPL',
      root: 'AAPL',
      asset_class: 'stock',
      side: 'buy',
      quantity: 60,
      price: 227.5,
      multiplier: 1,
      // Commission -0.6 is the total of its components (-0.35, -0.2, -0.05), not to be added again
      fees: 0.6,
      timestamp: '2026-03-05T09:35:12-05:00',
      epoch_ms: Date.parse('2026-03-05T14:35:12Z'),
      currency: 'USD',
      execution_id: '501120001',
      order_id: '330100001',
    });
    expect(fills.find((f) => f.contract === 'MESH6')).toMatchObject({ root: 'MES', asset_class: 'future', multiplier: 5, fees: 1.24 });
  });

  it('rejects the row whose Date/Time is malformed and imports the rest', async () => {
    const { rejected } = await parseText(fixture);

    expect(rejected).toEqual([{ line: 5, reason: 'Date/Time "2026036;103100" is not a date-time of the form yyyyMMdd;HHmmss' }]);
  });

  it('pairs into the hand-computed round trips, EUR kept in EUR, across the 2026-03-08 DST change', async () => {
    const { fills } = await parseText(fixture);

    const { trades, open_positions } = pairRoundTrips(fills);

    expect(trades.map((t) => [t.ticker, t.position_type, t.quantity, t.entry_price, t.exit_price, t.gross_pnl, t.fees, t.pnl, t.currency])).toEqual([
      // SAP: (184.10 - 182.40) × 20 = 34; fees 1.25 × 2 → 31.5 EUR
      ['SAP', 'long', 20, 182.4, 184.1, 34, 2.5, 31.5, 'EUR'],
      // AAPL: 60 × 1.60 + 40 × 1.59 = 159.6; fees 0.6 + 0.4 + 1.02 = 2.02; entry (13650 + 9100.4) / 100 = 227.504
      ['AAPL', 'long', 100, 227.504, 229.1, 159.6, 2.02, 157.58, 'USD'],
      // TSLA short: (402.35 - 398.10) × 50 = 212.5; fees 0.57 + 0.25
      ['TSLA', 'short', 50, 402.35, 398.1, 212.5, 0.82, 211.68, 'USD'],
      // NVDA FIFO: 100 × 1.8 + 50 × 2.2 + 50 × 3.2 = 450; fees 4 × 0.5; entry 23600 / 200, exit 24050 / 200
      ['NVDA', 'long', 200, 118, 120.25, 450, 2, 448, 'USD'],
      // MES: 12.5 points × 2 × $5 = 125; fees 1.24 × 2
      ['MES', 'long', 2, 6850.25, 6862.75, 125, 2.48, 122.52, 'USD'],
    ]);
    expect(trades[3]).toMatchObject({ entry_timestamp: '2026-03-06T15:30:00-05:00', exit_timestamp: '2026-03-09T14:00:00-04:00', account: 'U1234567' });
    expect(trades[1]!.fingerprint).toBe(digest('U1234567|AAPL|501120001:60,501120002:40,501120311:100'));
    expect(open_positions).toEqual([
      { account: 'U1234567', contract: 'MNQH6', ticker: 'MNQ', position_type: 'long', quantity: 1, average_entry_price: 24850.5, entry_timestamp: '2026-03-12T15:50:00-04:00', fees: 0.62, multiplier: 2, currency: 'USD' },
    ]);
  });
});

describe('ibkrFlexParser on other query layouts', () => {
  it('skips BOF/BOS/EOS/EOF rows and other sections, and reads Activity-type names in any order', async () => {
    const text = [
      '"BOF","U7","Daily","2","20260305","20260305","20260306;083000","1"',
      '"BOS","CTRN","Cash Transactions; trade date basis"',
      '"ClientAccountID","Symbol","Amount","DateTime"',
      '"U7","","-12.5","20260305;000000"',
      '"EOS","CTRN","1"',
      '"BOS","TRNT","Trades; trade date basis"',
      '"Notes/Codes","IBCommission","TradePrice","Quantity","DateTime","Symbol","AssetClass","ClientAccountID","LevelOfDetail","IBExecID"',
      '"O","-1","10.5","100","20260305 093000","XYZ","STK","U7","EXECUTION","0001f4e8.01"',
      '"","-1","10.5","100","20260305 093000","XYZ","STK","U7","ORDER",""',
      '"C","0.25","11","-100","2026-03-05, 10:00:00","XYZ","STK","U7","EXECUTION","0001f4e8.02"',
      '"Ca","-1","11","-100","20260305;100000","XYZ","STK","U7","EXECUTION","0001f4e8.03"',
      '"EOS","TRNT","3"',
      '"EOF","U7"',
    ].join('\n');

    const { fills, rejected } = await parseText(text);

    // the ORDER summary duplicates the executions and the Ca (canceled) row is skipped without a rejection
    expect(rejected).toEqual([]);
    expect(fills.map((f) => [f.side, f.quantity, f.price, f.fees, f.timestamp, f.execution_id, f.currency])).toEqual([
      ['buy', 100, 10.5, 1, '2026-03-05T09:30:00-05:00', '0001f4e8.01', undefined],
      // a positive commission is a rebate: a negative fee
      ['sell', 100, 11, -0.25, '2026-03-05T10:00:00-05:00', '0001f4e8.02', undefined],
    ]);
  });

  it('reads the Activity Statement Trades section, futures priced from the point-value table', async () => {
    const text = [
      'Statement,Header,Field Name,Field Value',
      'Statement,Data,Period,"March 5, 2026"',
      'Trades,Header,DataDiscriminator,Asset Category,Currency,Symbol,Date/Time,Quantity,T. Price,C. Price,Proceeds,Comm/Fee,Basis,Realized P/L,MTM P/L,Code',
      'Trades,Data,Order,Futures,USD,ESH6,"2026-03-05, 09:30:00",1,6900.25,6901,-345012.5,-2.25,345014.75,0,37.5,O',
      'Trades,Data,Order,Futures,USD,ESH6,"2026-03-05, 09:45:00",-1,6905.5,6901,345275,-2.25,-345014.75,258.25,0,C',
      'Trades,SubTotal,,Futures,USD,ESH6,,0,,,262.5,-4.5,0,258.25,37.5,',
      'Trades,Total,,Futures,USD,,,,,,262.5,-4.5,0,258.25,37.5,',
    ].join('\n');

    const { fills, rejected } = await parseText(text);

    expect(rejected).toEqual([]);
    const { trades } = pairRoundTrips(fills);
    // (6905.50 - 6900.25) × 1 × $50 = 262.5; fees 2.25 × 2 → 258
    expect(trades).toEqual([expect.objectContaining({ contract: 'ESH6', ticker: 'ES', multiplier: 50, gross_pnl: 262.5, pnl: 258 })]);
  });

  it('rejects a future whose point value is unknown, and a DST-gap time, with precise reasons', async () => {
    const text = [
      '"ClientAccountID","AssetClass","Symbol","Date/Time","Buy/Sell","Quantity","Price","Commission"',
      '"U7","FUT","FOOH6","20260305;093000","BUY","1","10","-1"',
      '"U7","STK","XYZ","20260308;023000","BUY","1","10","-1"',
      '"U7","STK","XYZ","20260309;093000","HOLD","1","10","-1"',
      '"U7","STK","XYZ","20260309;093000","BUY","0","10","-1"',
    ].join('\n');

    const { fills, rejected } = await parseText(text);

    expect(fills).toEqual([]);
    expect(rejected).toEqual([
      { line: 2, reason: 'Multiplier is blank and there is an unknown point value for futures root "FOO" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
      { line: 3, reason: 'Date/Time "20260308;023000" does not exist in America/New_York (clocks skipped it for daylight saving)' },
      { line: 4, reason: 'Buy/Sell "HOLD" is neither BUY nor SELL' },
      { line: 5, reason: 'Quantity is 0' },
    ]);
  });

  it('orders fills of the same second by TradeID, whatever the file order, and leaves other rows in place', async () => {
    const text = [
      '"ClientAccountID","AssetClass","Symbol","Multiplier","TradeID","OrderID","Date/Time","Buy/Sell","Quantity","Price","Commission","Code"',
      '"U1","STK","AAPL","1","1002","2","20260305;093512","SELL","-10","101","-1","C"',
      '"U1","STK","MSFT","1","999","9","20260305;100000","BUY","1","400","0","O"',
      '"U1","STK","AAPL","1","1001","1","20260305;093512","BUY","10","100","-1","O"',
    ].join('\n');

    const { fills } = await parseText(text);
    const { trades } = pairRoundTrips(fills.map((fill, sequence) => ({ ...fill, sequence })));

    expect(fills.map((fill) => fill.execution_id)).toEqual(['1001', '999', '1002']);
    // Bought at 100 then sold at 101 in the same second: a long, not a short from 101 to 100.
    expect(trades).toEqual([expect.objectContaining({ contract: 'AAPL', position_type: 'long', entry_price: 100, exit_price: 101, pnl: 8 })]);
  });

  it('is not detected on a file without IBKR columns, and says which are missing', async () => {
    const head = await headRecords(csvRecords('Symbol,Side,Quantity,Price,Time\nAAPL,Buy,1,10,2026-03-05 09:30\n'));

    expect(ibkrFlexParser.detect(head)).toBe(false);
    expect(ibkrFlexParser.missingHeaders(head)).toEqual(['Date/Time', 'an IBKR column (ClientAccountID, AssetClass, Buy/Sell, TradeID, IBCommission…)']);
  });
});
