import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, headRecords } from '../csv-records';
import type { Fill, ParseOptions } from '../import-types';
import { webullParser } from './webull';

const FIXTURES = join(__dirname, '..', 'fixtures');
const OPTIONS: ParseOptions = { timezone: 'America/New_York', multipliers: { ES: 50, MES: 5, NQ: 20, MNQ: 2 } };
const NO_FEES = 'Webull orders exports carry no commissions or fees: every fee is 0, so P&L is gross.';
const HEADER = 'Name,Symbol,Side,Status,Filled,Total Qty,Price,Avg Price,Time-in-Force,Placed Time,Filled Time';

const parseText = (text: string, options = OPTIONS) => webullParser.parse(csvRecords(text), options);
const at = (iso: string) => ({ timestamp: iso, epoch_ms: Date.parse(iso) });
const stock = (line: number, symbol: string, side: Fill['side'], quantity: number, price: number, iso: string): Fill => ({
  line, account: '', contract: symbol, root: symbol, asset_class: 'stock', side, quantity, price, multiplier: 1, fees: 0, ...at(iso),
});
const option = (line: number, occ: string, side: Fill['side'], quantity: number, price: number, iso: string): Fill => ({
  line, account: '', contract: occ, root: 'SPY', asset_class: 'option', side, quantity, price, multiplier: 100, fees: 0, ...at(iso),
});

describe('Webull orders records', () => {
  it('reads the fixture: traded orders at Avg Price and Filled Time, in time order across the DST change', async () => {
    const parsed = await webullParser.parse(csvRecords(readFileSync(join(FIXTURES, 'webull_orders.csv'))), OPTIONS);

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        // Bought below the @182.50 limit.
        stock(13, 'NVDA', 'buy', 50, 182.47, '2026-10-29T09:31:40-04:00'),
        // Partially Filled: 30 of 50 traded.
        stock(12, 'NVDA', 'sell', 30, 185, '2026-10-29T10:05:12-04:00'),
        stock(11, 'NVDA', 'sell', 20, 184.12, '2026-10-29T10:20:00-04:00'),
        // Short opens a short position; the Buy on line 5 covers it.
        stock(10, 'TSLA', 'sell', 10, 455.2, '2026-10-30T09:45:00-04:00'),
        // The combo row (line 7, no Symbol) is skipped; its two legs are the fills.
        option(9, 'SPY261106C00775000', 'sell', 2, 1.27, '2026-10-30T14:02:33-04:00'),
        option(8, 'SPY261106C00770000', 'buy', 2, 3.1, '2026-10-30T14:02:33-04:00'),
        // EST after 2026-11-01.
        stock(5, 'TSLA', 'buy', 10, 446.85, '2026-11-02T09:35:21-05:00'),
        option(3, 'SPY261106C00770000', 'sell', 2, 4.05, '2026-11-02T10:15:00-05:00'),
        option(2, 'SPY261106C00775000', 'buy', 2, 1.58, '2026-11-02T10:15:26-05:00'),
      ],
      rejected: [],
      notes: [NO_FEES],
    });
  });

  it('maps zone abbreviations and the regional GMT offset; a time without zone is read in the import zone', async () => {
    const text = [
      HEADER,
      'A,AAPL,Buy,Filled,1,1,@200,200,DAY,01/05/2026 08:30:00 CST,01/05/2026 08:30:01 CST',
      'A,AAPL,Sell,Filled,1,1,@201,201,DAY,07/06/2026 06:30:00 PDT,07/06/2026 06:30:02 PDT',
      'A,AAPL,Buy,Filled,1,1,@202,202,DAY,"2026/07/20 08:03:00,GMT-04","2026/07/20 08:03:06,GMT-04"',
      'A,AAPL,Sell,Filled,1,1,@203,203,DAY,07/21/2026 09:30:00,07/21/2026 09:30:05',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => fill.timestamp)).toEqual([
      '2026-01-05T08:30:01-06:00',
      '2026-07-06T06:30:02-07:00',
      '2026-07-20T08:03:06-04:00',
      '2026-07-21T09:30:05-04:00',
    ]);
  });

  it('skips orders that traded nothing and notes a cancelled one that shows shares', async () => {
    const text = [
      HEADER,
      'A,AAPL,Buy,Partially Filled,0,10,@200,,DAY,01/05/2026 09:30:00 EST,',
      'A,AAPL,Buy,Partial Filled,4,10,@200,199.95,DAY,01/05/2026 09:31:00 EST,01/05/2026 09:31:07 EST',
      'A,AAPL,Buy,Cancelled,3,10,@200,199.9,DAY,01/05/2026 09:32:00 EST,01/05/2026 09:32:10 EST',
      'A,AAPL,Buy,Pending,0,10,@190,,GTC,01/05/2026 09:33:00 EST,',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [stock(3, 'AAPL', 'buy', 4, 199.95, '2026-01-05T09:31:07-05:00')],
      rejected: [],
      notes: [NO_FEES, 'Line 4: a Cancelled order shows 3 filled; it was not imported.'],
    });
  });

  it('rejects unreadable rows with their reason and imports the rest', async () => {
    const text = [
      HEADER,
      'A,AAPL,Hold,Filled,1,1,@200,200,DAY,01/05/2026 09:30:00 EST,01/05/2026 09:30:01 EST',
      'A,AAPL,Buy,Filled,1,1,@200,,DAY,01/05/2026 09:30:00 EST,01/05/2026 09:30:01 EST',
      'A,AAPL,Buy,Filled,0,1,@200,200,DAY,01/05/2026 09:30:00 EST,01/05/2026 09:30:01 EST',
      'A,AAPL,Buy,Filled,1,1,@200,200,DAY,01/05/2026 09:30:00 XYZ,01/05/2026 09:30:01 XYZ',
      'A,AAPL,Buy,Filled,1,1,@200,200,DAY,03/08/2026 02:30:00,03/08/2026 02:30:01',
      'A,AAPL,Buy,Filled,1,1,@200,200,DAY,01/05/2026 09:30:00 EST,01/05/2026 25:30:01 EST',
      'A,AAPL,Buy,Filled,1,1,@200,200.5,DAY,01/05/2026 09:30:00 EST,01/05/2026 09:30:01 EST',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed.rejected).toEqual([
      { line: 2, reason: 'Side "Hold" is not Buy, Sell or Short' },
      { line: 3, reason: 'Avg Price is blank' },
      { line: 4, reason: 'Filled "0" must be greater than 0' },
      { line: 5, reason: 'Filled Time "01/05/2026 09:30:01 XYZ" names a time zone Webull\'s US exports do not use ("XYZ")' },
      { line: 6, reason: 'Filled Time "03/08/2026 02:30:01" does not exist in America/New_York (clocks skipped it for daylight saving)' },
      { line: 7, reason: 'Filled Time "01/05/2026 25:30:01" is not a date-time of the form MM/dd/yyyy HH:mm:ss' },
    ]);
    expect(parsed.kind === 'fills' && parsed.fills).toEqual([stock(8, 'AAPL', 'buy', 1, 200.5, '2026-01-05T09:30:01-05:00')]);
  });

  it('detects its own fixture and no other', async () => {
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.csv'))) {
      const head = await headRecords(csvRecords(readFileSync(join(FIXTURES, name))));

      expect([name, webullParser.detect(head)]).toEqual([name, name.startsWith('webull')]);
    }
  });
});
