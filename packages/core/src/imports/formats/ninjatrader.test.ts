import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, headRecords } from '../csv-records';
import type { Fill, ParseOptions } from '../import-types';
import { ninjatraderParser } from './ninjatrader';

const FIXTURES = join(__dirname, '..', 'fixtures');
const MULTIPLIERS = { ES: 50, MES: 5, NQ: 20, MNQ: 2 };
const CHICAGO: ParseOptions = { timezone: 'America/Chicago', multipliers: MULTIPLIERS };
const BERLIN: ParseOptions = { timezone: 'Europe/Berlin', multipliers: MULTIPLIERS };

const parseFixture = (name: string, options: ParseOptions) => ninjatraderParser.parse(csvRecords(readFileSync(join(FIXTURES, name))), options);
const parseText = (text: string, options = CHICAGO) => ninjatraderParser.parse(csvRecords(text), options);
const HEADER = 'Instrument,Action,Quantity,Price,Time,ID,E/X,Position,Order ID,Name,Commission,Rate,Account,Connection,';

interface Execution {
  line: number;
  contract: string;
  root: string;
  multiplier: number;
  side: Fill['side'];
  quantity: number;
  price: number;
  fees: number;
  iso: string;
  account: string;
  id: string;
  order: string;
  exit?: boolean;
}
const execution = ({ line, contract, root, multiplier, side, quantity, price, fees, iso, account, id, order, exit }: Execution): Fill => ({
  line, account, contract, root, asset_class: 'future', side, quantity, price, multiplier, fees, timestamp: iso, epoch_ms: Date.parse(iso),
  execution_id: id, order_id: order,
  // E/X `Exit`: the fill closes a position (one with nothing open predates the file and is left out when paired).
  ...(exit ? { closes: true } : {}),
});
const nq = { contract: 'NQ 03-26', root: 'NQ', multiplier: 20 };
const mes = { contract: 'MES 03-26', root: 'MES', multiplier: 5 };
const sim = (id: string, order: string) => ({ account: 'Sim101', id: `4f1c9a2e7b3d4e5f8a9b0c1d2e3f4a${id}`, order: `9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c${order}` });
const apex = (id: string, order: string) => ({ ...sim(id, order), account: 'APEX-48213-07' });

describe('NinjaTrader 8 executions', () => {
  it('reads the en-US fixture: every execution with its account, commission and ids', async () => {
    const parsed = await parseFixture('ninjatrader_executions.csv', CHICAGO);

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        execution({ line: 2, ...nq, side: 'buy', quantity: 2, price: 21715.25, fees: 4.18, iso: '2026-01-20T08:31:05-06:00', ...sim('51', '01') }),
        execution({ line: 3, ...nq, side: 'buy', quantity: 1, price: 21720, fees: 2.09, iso: '2026-01-20T08:35:00-06:00', ...apex('52', '02') }),
        // Two partial fills of one order in the same second: both kept.
        execution({ exit: true, line: 4, ...nq, side: 'sell', quantity: 1, price: 21722.5, fees: 2.09, iso: '2026-01-20T08:40:12-06:00', ...sim('53', '03') }),
        execution({ exit: true, line: 5, ...nq, side: 'sell', quantity: 1, price: 21722.5, fees: 2.09, iso: '2026-01-20T08:40:12-06:00', ...sim('54', '03') }),
        execution({ exit: true, line: 6, ...nq, side: 'sell', quantity: 1, price: 21710, fees: 2.09, iso: '2026-01-20T09:05:30-06:00', ...apex('55', '04') }),
        execution({ line: 7, ...mes, side: 'sell', quantity: 3, price: 6901.25, fees: 1.29, iso: '2026-01-20T10:02:17-06:00', ...sim('56', '05') }),
        execution({ exit: true, line: 8, ...mes, side: 'buy', quantity: 3, price: 6896, fees: 1.29, iso: '2026-01-20T10:15:44-06:00', ...sim('57', '06') }),
      ],
      rejected: [
        { line: 9, reason: 'unknown point value for futures root "CL" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
        { line: 10, reason: 'unknown point value for futures root "CL" (add it with IMPORT_CONTRACT_MULTIPLIERS)' },
      ],
    });
  });

  it('reads afternoon times on the 12-hour clock once CL has a point value', async () => {
    const parsed = await parseFixture('ninjatrader_executions.csv', { ...CHICAGO, multipliers: { ...MULTIPLIERS, CL: 1000 } });

    expect(parsed.kind === 'fills' && parsed.fills.filter((fill) => fill.root === 'CL').map((fill) => [fill.side, fill.price, fill.multiplier, fill.timestamp])).toEqual([
      ['buy', 61.42, 1000, '2026-01-20T13:15:09-06:00'],
      ['sell', 61.58, 1000, '2026-01-20T13:48:50-06:00'],
    ]);
  });

  it('reads the European fixture: semicolons, decimal commas, day-first 24-hour times', async () => {
    const parsed = await parseFixture('ninjatrader_executions_eu.csv', BERLIN);
    const eu = (id: string) => ({ account: 'Sim101', id: `7a6b5c4d3e2f41a0b9c8d7e6f5a4b30${id}`, order: `c3d4e5f6a7b84c9d0e1f2a3b4c5d6e0${id}` });
    const mnq = { contract: 'MNQ MAR26', root: 'MNQ', multiplier: 2 };
    const es = { contract: 'ES JUN26', root: 'ES', multiplier: 50 };

    expect(parsed).toEqual({
      kind: 'fills',
      fills: [
        execution({ line: 2, ...mnq, side: 'buy', quantity: 2, price: 24810.5, fees: 1.04, iso: '2026-03-12T15:31:05+01:00', ...eu('1') }),
        execution({ exit: true, line: 3, ...mnq, side: 'sell', quantity: 2, price: 24822.75, fees: 1.04, iso: '2026-03-12T15:48:40+01:00', ...eu('2') }),
        // After Europe's 2026-03-29 change: CEST. `6.912,25` groups thousands with a dot.
        execution({ line: 4, ...es, side: 'sell', quantity: 1, price: 6912.25, fees: 2.09, iso: '2026-03-30T09:05:12+02:00', ...eu('3') }),
        execution({ exit: true, line: 5, ...es, side: 'buy', quantity: 1, price: 6905, fees: 2.09, iso: '2026-03-30T16:40:00+02:00', ...eu('4') }),
      ],
      rejected: [],
    });
  });

  it('reads day/month/year times of cultures such as en-GB and fr-FR', async () => {
    const text = ['Instrument;Action;Quantity;Price;Time;ID;E/X;Position;Order ID;Name;Commission;Rate;Account;Connection;', 'MNQ 03-26;Buy;1;24810,50;05/03/2026 14:02:09;x1;Entry;1 L;o1;Entry;0,52 €;1;Sim101;Rithmic;'].join('\r\n');

    const parsed = await parseText(text, BERLIN);

    expect(parsed.kind === 'fills' && parsed.fills.map((fill) => [fill.timestamp, fill.price, fill.fees])).toEqual([['2026-03-05T14:02:09+01:00', 24810.5, 0.52]]);
  });

  it('keeps identical rows and rows sharing an execution id, saying so for the id', async () => {
    const row = 'NQ 03-26,Sell,1,21722.50,1/20/2026 8:40:12 AM,abc,Exit,1 L,o1,Target1,$2.09,1,Sim101,My Rithmic,';
    const withoutIds = 'Instrument,Action,Quantity,Price,Time,E/X,Account,\nNQ 03-26,Sell,1,21722.50,1/20/2026 8:40:12 AM,Exit,Sim101,\nNQ 03-26,Sell,1,21722.50,1/20/2026 8:40:12 AM,Exit,Sim101,';

    const sharedId = await parseText([HEADER, row, row].join('\n'));
    const identical = await parseText(withoutIds);

    expect(sharedId.kind === 'fills' && sharedId.fills.map((fill) => fill.line)).toEqual([2, 3]);
    expect(sharedId.notes).toEqual(['Execution ID abc appears on lines 2 and 3; every row was kept as its own fill.']);
    expect(identical.kind === 'fills' && identical.fills.map((fill) => [fill.line, fill.quantity, fill.fees, fill.execution_id])).toEqual([
      [2, 1, 0, undefined],
      [3, 1, 0, undefined],
    ]);
  });

  it('rejects unreadable rows with their reason and imports the rest', async () => {
    const text = [
      HEADER,
      'NQ 03-26,Hold,1,21722.50,1/20/2026 8:40:12 AM,a,Exit,-,o,Exit,$2.09,1,Sim101,C,',
      'NQ 03-26,Buy,1,abc,1/20/2026 8:40:12 AM,b,Entry,1 L,o,Entry,$2.09,1,Sim101,C,',
      'NQ 03-26,Buy,1,21722.50,3/8/2026 2:30:00 AM,c,Entry,1 L,o,Entry,$2.09,1,Sim101,C,',
      'NQ 03-26,Buy,1,21722.50,1/20/2026 8:40:12 AM,d,Entry,1 L,o,Entry,two dollars,1,Sim101,C,',
      'NQ 03-26,Buy,0,21722.50,1/20/2026 8:40:12 AM,e,Entry,1 L,o,Entry,$2.09,1,Sim101,C,',
      'AAPL,Buy,10,229.5,1/20/2026 8:40:12 AM,f,Entry,10 L,o,Entry,$0.35,1,Sim101,C,',
    ].join('\n');

    const parsed = await parseText(text);

    expect(parsed.rejected).toEqual([
      { line: 2, reason: 'Action "Hold" is not Buy, Sell, Buy to cover or Sell short' },
      { line: 3, reason: 'Price "abc" is not a number' },
      { line: 4, reason: 'Time "3/8/2026 2:30:00 AM" does not exist in America/Chicago (clocks skipped it for daylight saving)' },
      { line: 5, reason: 'Commission "two dollars" is not a number' },
      { line: 6, reason: 'Quantity "0" must be greater than 0' },
    ]);
    expect(parsed.kind === 'fills' && parsed.fills).toEqual([
      { line: 7, account: 'Sim101', contract: 'AAPL', root: 'AAPL', asset_class: 'stock', side: 'buy', quantity: 10, price: 229.5, multiplier: 1, fees: 0.35, timestamp: '2026-01-20T08:40:12-06:00', epoch_ms: Date.parse('2026-01-20T08:40:12-06:00'), execution_id: 'f', order_id: 'o' },
    ]);
  });

  it('detects its own fixtures and no other', async () => {
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.csv'))) {
      const head = await headRecords(csvRecords(readFileSync(join(FIXTURES, name))));

      expect([name, ninjatraderParser.detect(head)]).toEqual([name, name.startsWith('ninjatrader')]);
    }
  });
});
