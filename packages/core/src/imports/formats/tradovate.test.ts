import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, headRecords } from '../csv-records';
import type { Fill, ParseOptions } from '../import-types';
import { tradovateParser } from './tradovate';

const FIXTURES = join(__dirname, '..', 'fixtures');
const OPTIONS: ParseOptions = { timezone: 'America/Chicago', multipliers: { ES: 50, MES: 5, NQ: 20, MNQ: 2 } };
const NO_FEES = 'Tradovate exports carry no commissions or fees: every fee is 0, so P&L is gross.';

const parseText = (text: string) => tradovateParser.parse(csvRecords(text), OPTIONS);
const parseFixture = (name: string) => tradovateParser.parse(csvRecords(readFileSync(join(FIXTURES, name))), OPTIONS);
const at = (iso: string) => ({ timestamp: iso, epoch_ms: Date.parse(iso) });

const order = (line: number, contract: string, root: string, multiplier: number, side: Fill['side'], quantity: number, price: number, iso: string, id: string): Fill => ({
  line, account: 'DEMO4812937', contract, root, asset_class: 'future', side, quantity, price, multiplier, fees: 0, ...at(iso),
  currency: 'USD', execution_id: id, order_id: id,
});
const paired = (line: number, contract: string, root: string, multiplier: number, side: Fill['side'], quantity: number, price: number, iso: string, id: string): Fill => ({
  line, account: '', contract, root, asset_class: 'future', side, quantity, price, multiplier, fees: 0, ...at(iso), execution_id: id,
});

// The first 26 columns only, as older exports have them: no Venue, Notional Value or Currency.
const OLD_HEADER = 'orderId,Account,Order ID,B/S,Contract,Product,Product Description,avgPrice,filledQty,Fill Time,lastCommandId,Status,_priceFormat,_priceFormatType,_tickSize,spreadDefinitionId,Version ID,Timestamp,Date,Quantity,Text,Type,Limit Price,Stop Price,decimalLimit,decimalStop';
const oldRow = (id: string, side: string, contract: string, product: string, avg: string, qty: string, fillTime: string, status = 'Filled') =>
  `${id},DEMO1,${id}, ${side},${contract},${product},,${avg},${qty},${fillTime},${id}, ${status},-2,0,0.25,,${id},${fillTime},3/6/26,${qty},Ticket, Market,,,,`;

describe('Tradovate Orders report', () => {
  it('reads the fixture: filled orders at their Fill Time, canceled, rejected and working ones left out', async () => {
    const parsed = await parseFixture('tradovate_orders.csv');

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        order(2, 'ESH6', 'ES', 50, 'buy', 2, 6842.25, '2026-03-02T08:31:07-06:00', '8812340001'),
        order(4, 'ESH6', 'ES', 50, 'sell', 2, 6851.5, '2026-03-02T09:14:52-06:00', '8812340003'),
        // Placed on 3/3 (Date, Timestamp), filled on 3/4; 24812.45 averages 4 @ .50 and 1 @ .25.
        order(5, 'MNQH6', 'MNQ', 2, 'buy', 5, 24812.45, '2026-03-04T08:30:02-06:00', '8812340010'),
        order(6, 'MNQH6', 'MNQ', 2, 'sell', 5, 24830.75, '2026-03-04T09:02:40-06:00', '8812340013'),
        // After the 2026-03-08 change Chicago is on CDT; MCL is not in the table, Notional Value gives 100.
        order(9, 'MCLK6', 'MCL', 100, 'sell', 2, 66.42, '2026-03-09T10:05:11-05:00', '8812340031'),
        order(10, 'MCLK6', 'MCL', 100, 'buy', 2, 66.18, '2026-03-09T11:20:45-05:00', '8812340032'),
        order(11, 'ESH6', 'ES', 50, 'sell', 1, 6790, '2026-03-10T08:45:00-05:00', '8812340040'),
        order(12, 'ESH6', 'ES', 50, 'buy', 1, 6781.25, '2026-03-10T09:10:30-05:00', '8812340041'),
      ],
      rejected: [],
      notes: [NO_FEES, 'The point value of MCL was read from Notional Value: 100. Add MCL=100 to IMPORT_CONTRACT_MULTIPLIERS to confirm it.'],
    });
  });

  it('maps columns by name in a 26-column export and refuses an unknown root it cannot derive', async () => {
    const text = [OLD_HEADER, oldRow('1', 'Buy', 'MESM6', 'MES', '6901.25', '3', '03/06/2026 09:31:00'), oldRow('2', 'Buy', 'ZNM6', 'ZN', '111.5', '1', '03/06/2026 09:32:00')].join('\n');

    const parsed = await parseText(text);

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        { line: 2, account: 'DEMO1', contract: 'MESM6', root: 'MES', asset_class: 'future', side: 'buy', quantity: 3, price: 6901.25, multiplier: 5, fees: 0, ...at('2026-03-06T09:31:00-06:00'), execution_id: '1', order_id: '1' },
      ],
      rejected: [{ line: 3, reason: 'unknown point value for futures root "ZN" (add it with IMPORT_CONTRACT_MULTIPLIERS)' }],
      notes: [NO_FEES],
    });
  });

  it('rejects unreadable filled rows and skips other statuses silently', async () => {
    const text = [
      OLD_HEADER,
      oldRow('1', 'Buy', 'ESH6', 'ES', '6842.25', '1', '03/08/2026 02:30:00'),
      oldRow('2', 'Hold', 'ESH6', 'ES', '6842.25', '1', '03/06/2026 09:30:00'),
      oldRow('3', 'Buy', 'ESH6', 'ES', '6842.25', '0', '03/06/2026 09:30:00'),
      oldRow('4', 'Buy', 'ESH6', 'ES', 'n/a', '1', '03/06/2026 09:30:00'),
      oldRow('5', 'Buy', 'ESH6', 'ES', '6842.25', '1', '2026-03-06 09:30'),
      oldRow('6', 'Buy', 'ESH6', 'ES', '', '', '', 'Rejected'),
      oldRow('7', 'Sell', 'ESH6', 'ES', '6850', '1', '03/06/2026 09:45:00'),
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed.rejected).toEqual([
      { line: 2, reason: 'Fill Time "03/08/2026 02:30:00" does not exist in America/Chicago (clocks skipped it for daylight saving)' },
      { line: 3, reason: 'B/S "Hold" is neither Buy nor Sell' },
      { line: 4, reason: 'filledQty "0" must be greater than 0' },
      { line: 5, reason: 'avgPrice "n/a" is not a number' },
      { line: 6, reason: 'Fill Time "2026-03-06 09:30" is not a date-time of the form MM/dd/yyyy HH:mm:ss' },
    ]);
    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => fill.line)).toEqual([8]);
  });

  it('notes a Notional Value that disagrees with the configured point value', async () => {
    const header = `${OLD_HEADER},Filled Qty,Avg Fill Price,decimalFillAvg,Venue,Notional Value,Currency`;
    const text = `${header}\n${oldRow('1', 'Buy', 'ESH6', 'ES', '6842.25', '2', '03/06/2026 09:31:00')},2,6842.25,6842.25,,"68,422.50",USD`;

    const parsed = await parseText(text);

    expect(parsed.kind === 'fills' && parsed.fills[0]?.multiplier).toBe(50);
    expect(parsed.notes).toContain('Line 2: Notional Value 68422.5 does not match the point value 50 of ES (expected 684225).');
  });
});

describe('Tradovate Performance report', () => {
  it('turns fill pairs back into the fills they pair, one per fill id', async () => {
    const parsed = await parseFixture('tradovate_performance.csv');

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        paired(2, 'MNQH6', 'MNQ', 2, 'buy', 4, 24812.5, '2026-03-04T08:30:02-06:00', '352201001'),
        // Sell fill 352201004 closes both buys: 4 on line 2 and 1 on line 3.
        paired(2, 'MNQH6', 'MNQ', 2, 'sell', 5, 24830.75, '2026-03-04T09:02:40-06:00', '352201004'),
        paired(3, 'MNQH6', 'MNQ', 2, 'buy', 1, 24812.25, '2026-03-04T08:30:02-06:00', '352201002'),
        // Buy fill 352201020 is closed by two sells: 2 on line 4 and 1 on line 5.
        paired(4, 'NQH6', 'NQ', 20, 'buy', 3, 24700, '2026-03-05T09:41:00-06:00', '352201020'),
        paired(4, 'NQH6', 'NQ', 20, 'sell', 2, 24730, '2026-03-05T10:15:27-06:00', '352201021'),
        paired(5, 'NQH6', 'NQ', 20, 'sell', 1, 24690, '2026-03-05T10:21:03-06:00', '352201022'),
        // A short: sold first. MCL's point value comes from pnl: 48 / (0.24 × 2).
        paired(6, 'MCLK6', 'MCL', 100, 'buy', 2, 66.18, '2026-03-09T11:20:45-05:00', '352201051'),
        paired(6, 'MCLK6', 'MCL', 100, 'sell', 2, 66.42, '2026-03-09T10:05:11-05:00', '352201050'),
        paired(7, 'ESH6', 'ES', 50, 'buy', 1, 6781.25, '2026-03-10T09:10:30-05:00', '352201031'),
        paired(7, 'ESH6', 'ES', 50, 'sell', 1, 6790, '2026-03-10T08:45:00-05:00', '352201030'),
        paired(8, 'ESH6', 'ES', 50, 'buy', 1, 6850, '2026-03-10T13:20:05-05:00', '352201040'),
        paired(8, 'ESH6', 'ES', 50, 'sell', 1, 6842, '2026-03-10T13:31:49-05:00', '352201041'),
      ],
      rejected: [],
      notes: [
        NO_FEES,
        'The point value of MCL was read from pnl: 100. Add MCL=100 to IMPORT_CONTRACT_MULTIPLIERS to confirm it.',
        'The Performance report names no account: the account chosen for the import applies.',
      ],
    });
  });

  it('rejects a row whose fill id reappears with another price', async () => {
    const text = [
      'symbol,_priceFormat,_priceFormatType,_tickSize,buyFillId,sellFillId,qty,buyPrice,sellPrice,pnl,boughtTimestamp,soldTimestamp,duration',
      'ESH6,-2,0,0.25,1,2,1,6800.00,6810.00,$500.00,03/06/2026 09:30:00,03/06/2026 09:40:00,10min',
      'ESH6,-2,0,0.25,1,3,1,6801.00,6812.00,$550.00,03/06/2026 09:30:00,03/06/2026 09:45:00,15min',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed.rejected).toEqual([{ line: 3, reason: 'buyFillId 1 is on line 2 with another symbol, price or time' }]);
    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => [fill.execution_id, fill.quantity])).toEqual([['1', 1], ['2', 1]]);
  });
});

describe('Tradovate detection', () => {
  it('detects its own fixtures and no other', async () => {
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.csv'))) {
      const head = await headRecords(csvRecords(readFileSync(join(FIXTURES, name))));

      expect([name, tradovateParser.detect(head)]).toEqual([name, name.startsWith('tradovate')]);
    }
  });

  it('names the Orders columns a forced file lacks', async () => {
    const head = await headRecords(csvRecords('Contract,Status,B/S\nESH6,Filled,Buy'));

    expect(tradovateParser.missingHeaders(head)).toEqual(['Fill Time', 'avgPrice', 'filledQty']);
  });
});
