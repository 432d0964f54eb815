import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, headRecords } from '../csv-records';
import type { Fill, ParsedFile, ParseOptions } from '../import-types';
import { thinkorswimParser } from './thinkorswim';

const FIXTURES = join(__dirname, '..', 'fixtures');
const OPTIONS: ParseOptions = { timezone: 'America/New_York', multipliers: { ES: 50, MES: 5, NQ: 20, MNQ: 2 } };

const parseText = (text: string, options = OPTIONS) => thinkorswimParser.parse(csvRecords(text), options);
const at = (iso: string) => ({ timestamp: iso, epoch_ms: Date.parse(iso) });
/** The fills without their `closes` mark, for comparing with the fill factories below. */
const withoutCloses = (parsed: ParsedFile): ParsedFile & { fills: Fill[] } =>
  ({ ...parsed, fills: parsed.kind === 'fills' ? parsed.fills.map(({ closes: _closes, ...fill }) => fill) : [] }) as ParsedFile & { fills: Fill[] };
const account = '12345678SCHW';
const stock = (line: number, contract: string, side: Fill['side'], quantity: number, price: number, fees: number, iso: string): Fill => ({
  line, account, contract, root: contract, asset_class: 'stock', side, quantity, price, multiplier: 1, fees, ...at(iso),
});
const future = (line: number, contract: string, root: string, multiplier: number, side: Fill['side'], quantity: number, price: number, fees: number, iso: string): Fill => ({
  line, account, contract, root, asset_class: 'future', side, quantity, price, multiplier, fees, ...at(iso),
});
const option = (line: number, contract: string, side: Fill['side'], price: number, fees: number, iso: string): Fill => ({
  line, account, contract, root: 'SPY', asset_class: 'option', side, quantity: 1, price, multiplier: 100, fees, ...at(iso),
});

/** A statement holding only the sections a case needs. */
function statement(trades: string[], cash: string[] = []): string {
  return [
    'Account Statement for 12345678SCHW (Individual) since 3/6/26 through 3/9/26',
    '',
    'Cash Balance',
    'DATE,TIME,TYPE,REF #,DESCRIPTION,Misc Fees,Commissions & Fees,AMOUNT,BALANCE',
    ...cash,
    '',
    'Account Trade History',
    ',Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type',
    ...trades,
  ].join('\n');
}

describe('thinkorswim account statement', () => {
  it('reads the fixture: Trade History fills in time order, fees from Cash Balance and Futures Statements', async () => {
    const source = readFileSync(join(FIXTURES, 'thinkorswim_account_statement.csv'));

    const parsed = await thinkorswimParser.parse(csvRecords(source), OPTIONS);

    // `Pos Effect` TO CLOSE marks the closing fills (a close with nothing open in the file is then left out when paired).
    expect(parsed.kind === 'fills' && parsed.fills.filter((fill) => fill.closes).map((fill) => fill.line)).toEqual([69, 65, 63, 57]);
    expect(withoutCloses(parsed)).toEqual({
      kind: 'fills',
      fills: [
        stock(71, 'UBER', 'buy', 100, 81.4, 0, '2026-02-09T09:41:12-05:00'),
        stock(70, 'UBER', 'buy', 50, 81.1, 0, '2026-02-09T09:52:07-05:00'),
        stock(69, 'UBER', 'sell', 150, 82.3, 0.36, '2026-02-09T10:15:33-05:00'),
        // Same-second partial fills stay apart; the lowest row is the oldest and takes the first matching fee row.
        stock(68, 'AMD', 'sell', 50, 201.55, 0.28, '2026-02-10T09:35:02-05:00'),
        stock(67, 'AMD', 'sell', 50, 201.55, 0.29, '2026-02-10T09:35:02-05:00'),
        stock(66, 'AMD', 'sell', 30, 201.5, 0.17, '2026-02-10T09:35:02-05:00'),
        stock(65, 'AMD', 'buy', 130, 199.8, 0, '2026-02-10T11:02:45-05:00'),
        future(64, '/ESH26', 'ES', 50, 'buy', 2, 6890.25, 7.3, '2026-02-11T09:31:05-05:00'),
        future(63, '/ESH26', 'ES', 50, 'sell', 2, 6902.5, 7.3, '2026-02-11T10:05:40-05:00'),
        // One fee row (0.04 + 1.30) for the vertical, shared by its two legs; the leg takes its first row's time.
        option(59, 'SPY260220C00600000', 'buy', 5.1, 0.67, '2026-02-12T10:30:15-05:00'),
        option(60, 'SPY260220C00605000', 'sell', 2.75, 0.67, '2026-02-12T10:30:15-05:00'),
        // Evening fills: Futures Statements files them under the next Trade Date but the same Exec Date.
        future(58, '/MESH26', 'MES', 5, 'sell', 3, 6911, 3.3, '2026-02-12T18:20:00-05:00'),
        future(57, '/MESH26', 'MES', 5, 'buy', 3, 6905.75, 3.3, '2026-02-12T18:48:31-05:00'),
        stock(56, 'SOFI', 'buy', 200, 14.02, 0, '2026-02-13T09:45:00-05:00'),
      ],
      rejected: [
        { line: 61, reason: 'unknown point value for futures root "ZW" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
        { line: 62, reason: 'unknown point value for futures root "ZW" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
      ],
      // Its Cash Balance row names the CUSIP (83406F102), not SOFI.
      notes: ['No Cash Balance or Futures Statements row matches the fill on line 56 (same time, symbol, quantity and price), so its fee is taken as 0.'],
    });
  });

  it('imports the ZW fills once the point value is configured', async () => {
    const source = readFileSync(join(FIXTURES, 'thinkorswim_account_statement.csv'));

    const parsed = await thinkorswimParser.parse(csvRecords(source), { ...OPTIONS, multipliers: { ...OPTIONS.multipliers, ZW: 50 } });

    expect(parsed.rejected).toEqual([]);
    expect(parsed.kind === 'fills' && withoutCloses(parsed).fills.filter((fill) => fill.root === 'ZW')).toEqual([
      future(62, '/ZWH26', 'ZW', 50, 'buy', 1, 540.25, 3.8, '2026-02-11T10:40:00-05:00'),
      future(61, '/ZWH26', 'ZW', 50, 'sell', 1, 542.5, 3.8, '2026-02-11T13:10:10-05:00'),
    ]);
  });

  it('ignores Order History, even its FILLED and CANCELED orders', async () => {
    const text = [
      'Account Statement for 12345678SCHW (Individual) since 3/6/26 through 3/9/26',
      'Account Order History',
      'Notes,,Time Placed,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,PRICE,,TIF,Status',
      ',,3/6/26 09:41:10,STOCK,BUY,+100,TO OPEN,UBER,,,STOCK,81.40,LMT,DAY,FILLED',
      ',,3/6/26 09:45:00,STOCK,SELL,-100,TO CLOSE,UBER,,,STOCK,83.00,LMT,DAY,CANCELED',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed).toEqual({ kind: 'fills', fills: [], rejected: [] });
  });

  it('uses each fee row once when two identical fills share a second', async () => {
    const text = statement(
      [',3/6/26 10:00:00,STOCK,SELL,-10,TO CLOSE,KO,,,STOCK,70.00,70.00,LMT', ',3/6/26 10:00:00,STOCK,SELL,-10,TO CLOSE,KO,,,STOCK,70.00,70.00,LMT'],
      ['3/6/26,10:00:00,TRD,="1",SOLD -10 KO @70.00,-0.02,,700.00,0', '3/6/26,10:00:00,TRD,="2",SOLD -10 KO @70.00,($0.03),,700.00,0'],
    );

    const parsed = await parseText(text);

    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => [fill.line, fill.fees])).toEqual([[11, 0.02], [10, 0.03]]);
    expect(parsed.notes).toBeUndefined();
  });

  it('matches a single fill whose Net Price differs from its Price on the Price the fee row states', async () => {
    const text = statement(
      [',3/6/26 10:00:00,STOCK,BUY,+10,TO OPEN,KO,,,STOCK,70.00,70.01,LMT'],
      ['3/6/26,10:00:00,TRD,="1",BOT +10 KO @70.00,-0.02,-0.50,-700.00,0'],
    );

    const parsed = await parseText(text);

    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => fill.fees)).toEqual([0.52]);
    expect(parsed.notes).toBeUndefined();
  });

  it('rejects unreadable rows with their reason and imports the rest', async () => {
    const text = statement(
      [
        ',3/9/26 10:00:00,STOCK,BUY,+10,TO OPEN,KO,,,STOCK,abc,abc,LMT',
        ',3/9/26 10:01:00,STOCK,HOLD,+10,TO OPEN,KO,,,STOCK,70.00,70.00,LMT',
        ',3/9/26 10:02:00,STOCK,SELL,+10,TO OPEN,KO,,,STOCK,70.00,70.00,LMT',
        ',3/8/26 02:30:00,STOCK,BUY,+10,TO OPEN,KO,,,STOCK,70.00,70.00,LMT',
        ',3/6/26 25:00:00,STOCK,BUY,+10,TO OPEN,KO,,,STOCK,70.00,70.00,LMT',
        ',3/6/26 09:30:00,VERTICAL,BUY,+1,TO OPEN,/ESH26,20 MAR 26,6900,CALL,5.10,2.35,LMT',
        ',,,SELL,-1,TO OPEN,/ESH26,20 MAR 26,6950,CALL,2.75,DEBIT,',
        ',3/6/26 09:31:00,STOCK,BUY,+10,TO OPEN,KO,,,STOCK,70.00,70.00,LMT',
      ],
      ['3/6/26,09:31:00,TRD,="9",BOT +10 KO @70.00,oops,,-700.00,0'],
    );

    const parsed = await parseText(text);

    expect(parsed.rejected).toEqual([
      { line: 5, reason: 'fee row not read: Misc Fees "oops" is not a number' },
      { line: 9, reason: 'Price "abc" is not a number' },
      { line: 10, reason: 'Side "HOLD" is neither BUY nor SELL' },
      { line: 11, reason: 'Qty "+10" disagrees with Side SELL' },
      { line: 12, reason: 'Exec Time "3/8/26 02:30:00" does not exist in America/New_York (clocks skipped it for daylight saving)' },
      { line: 13, reason: 'Exec Time "3/6/26 25:00:00" is not a date-time of the form M/d/yy H:mm:ss' },
      { line: 14, reason: 'options on futures ("/ESH26") are not supported' },
      { line: 15, reason: 'spread leg (blank Exec Time) whose first row was not imported' },
    ]);
    expect(parsed.kind === 'fills' && parsed.fills).toEqual([stock(16, 'KO', 'buy', 10, 70, 0, '2026-03-06T09:31:00-05:00')]);
    expect(parsed.notes).toEqual(['No Cash Balance or Futures Statements row matches the fill on line 16 (same time, symbol, quantity and price), so its fee is taken as 0.']);
  });

  it('matches a single option to its fee row by contract, whatever the series label', async () => {
    const text = statement(
      [',3/6/26 11:00:00,SINGLE,BUY,+5,TO OPEN,CRM,2 APR 26,175,PUT,1.44,1.44,LMT'],
      ['3/6/26,11:00:00,TRD,="7",BOT +5 CRM 100 (Weeklys) 2 APR 26 175 PUT @1.44 CBOE,-0.12,-3.25,-720.00,0'],
    );

    const parsed = await parseText(text);

    expect(parsed.kind === 'fills' && parsed.fills).toEqual([
      { line: 9, account, contract: 'CRM260402P00175000', root: 'CRM', asset_class: 'option', side: 'buy', quantity: 5, price: 1.44, multiplier: 100, fees: 3.37, ...at('2026-03-06T11:00:00-05:00') },
    ]);
  });

  it('detects its own fixture and no other', async () => {
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.csv'))) {
      const head = await headRecords(csvRecords(readFileSync(join(FIXTURES, name))));

      expect([name, thinkorswimParser.detect(head)]).toEqual([name, name.startsWith('thinkorswim')]);
    }
  });

  it('names what a forced file lacks', async () => {
    const head = await headRecords(csvRecords('Date,Symbol,Qty\n3/6/26,KO,10'));

    expect(thinkorswimParser.missingHeaders(head)).toContain('Misc Fees (Cash Balance)');
  });
});
