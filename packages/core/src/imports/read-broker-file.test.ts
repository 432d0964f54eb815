import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../errors';
import { IMPORT_FORMATS, type ImportFormat } from './import-types';
import { readBrokerFile } from './read-broker-file';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const NEW_YORK = { timezone: 'America/New_York' };

async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('readBrokerFile', () => {
  it.each<[string, ImportFormat]>([
    ['ibkr_flex_trade_confirmation.csv', 'ibkr-flex'],
    ['thinkorswim_account_statement.csv', 'thinkorswim'],
    ['tradovate_orders.csv', 'tradovate'],
    ['ninjatrader_executions.csv', 'ninjatrader'],
    ['webull_orders.csv', 'webull'],
    ['tradenote_generic_template.csv', 'tradenote'],
    ['generic_fills.csv', 'generic'],
    ['generic_closed_trades.csv', 'generic'],
  ])('detects %s as %s', async (name, format) => {
    const result = await readBrokerFile(fixture(name), NEW_YORK);

    expect(result.format).toBe(format);
  });

  it('reads the IBKR sample into its trades, the open position, the rejected row and a note', async () => {
    const result = await readBrokerFile(fixture('ibkr_flex_trade_confirmation.csv'), NEW_YORK);

    // 15 rows, one rejected; the MNQ buy is still open
    expect(result.fill_count).toBe(14);
    expect(result.trades.map((t) => [t.ticker, t.pnl])).toEqual([
      ['SAP', 31.5],
      ['AAPL', 157.58],
      ['TSLA', 211.68],
      ['NVDA', 448],
      ['MES', 122.52],
    ]);
    expect(result.open_positions).toEqual([expect.objectContaining({ contract: 'MNQH6', quantity: 1 })]);
    expect(result.rejected_rows).toEqual([{ line: 5, reason: expect.stringContaining('Date/Time') }]);
    expect(result.notes).toEqual(['1 position(s) still open at the end of the file: not imported as trades (import a file that covers both their entry and their exit).']);
  });

  it('turns a closed-trades file into round trips sorted by exit time', async () => {
    const result = await readBrokerFile(fixture('generic_closed_trades.csv'), NEW_YORK);

    expect(result.fill_count).toBe(0);
    expect(result.trades.map((t) => [t.line, t.ticker, t.position_type, t.pnl, t.gross_pnl, t.account])).toEqual([
      [2, 'NQ', 'long', 455.88, 460, 'Apex-01'],
      // CL exits 14:30Z = 10:30 EDT, before MES at 10:40:10 EDT
      [4, 'CL', 'long', 247.5, 250, 'Apex-01'],
      [3, 'MES', 'short', -84.36, -82.5, 'Apex-01'],
      [7, 'MNQ', 'long', 41.92, 44, 'Apex-01'],
    ]);
    expect(result.rejected_rows.map((r) => r.line)).toEqual([5, 6]);
  });

  it("applies the account option only where the file names none", async () => {
    const text = ['account,symbol,side,qty,price,time', ',XYZ,buy,1,10,2026-03-05 09:30', ',XYZ,sell,1,11,2026-03-05 09:31', 'U9,XYZ,buy,1,10,2026-03-05 09:32', 'U9,XYZ,sell,1,12,2026-03-05 09:33'].join('\n');

    const result = await readBrokerFile(text, { ...NEW_YORK, account: 'Main' });

    expect(result.trades.map((t) => [t.account, t.pnl])).toEqual([
      ['Main', 1],
      ['U9', 2],
    ]);
  });

  it('reads a mapped file as generic without being told the format', async () => {
    const text = ['Instr,Way,Lots,Px,When', 'XYZ,B,2,10,2026-03-05 09:30', 'XYZ,S,2,10.5,2026-03-05 09:40'].join('\n');

    const result = await readBrokerFile(text, { ...NEW_YORK, mapping: { symbol: 'Instr', side: 'Way', quantity: 'Lots', price: 'Px', time: 'When' } });

    expect(result.format).toBe('generic');
    expect(result.trades).toEqual([expect.objectContaining({ ticker: 'XYZ', quantity: 2, pnl: 1 })]);
    expect(result.notes).toContain('A column mapping was given, so the file was read as generic.');
  });

  it('reads a streamed source once, in chunks that split records', async () => {
    const text = fixture('tradenote_generic_template.csv');
    let reads = 0;
    const source = {
      [Symbol.asyncIterator]: async function* () {
        reads += 1;
        for (let i = 0; i < text.length; i += 37) yield Buffer.from(text.slice(i, i + 37));
      },
    };

    const result = await readBrokerFile(source, NEW_YORK);

    expect(reads).toBe(1);
    expect(result.format).toBe('tradenote');
    // AMD long, AMD short, TSLA, SPY, ES; NVDA still open; the "n/a" price rejected
    expect(result.trades.map((t) => t.pnl)).toEqual([97.6, 73.8, 496.23, 147.38, 817.48]);
    expect(result.fill_count).toBe(10);
  });

  it('refuses an empty file, an unknown one, a forced format whose headers are missing, and a bad zone', async () => {
    const empty = await failure(readBrokerFile('\n\n', NEW_YORK));
    const unknown = await failure(readBrokerFile('Date,Description,Amount\n2026-03-05,Deposit,100\n', NEW_YORK));
    const forced = await failure(readBrokerFile(fixture('generic_fills.csv'), { ...NEW_YORK, format: 'tradenote' }));
    const zone = await failure(readBrokerFile(fixture('generic_fills.csv'), { timezone: 'Mars/Olympus' }));

    expect(empty.code).toBe('IMPORT.EMPTY_FILE');
    expect(unknown).toMatchObject({ code: 'IMPORT.UNKNOWN_FORMAT', details: { known_formats: [...IMPORT_FORMATS] } });
    expect(unknown.message).toBe(`Could not tell which broker wrote this file; pass format= one of ${IMPORT_FORMATS.join(', ')}`);
    expect(forced).toMatchObject({ code: 'IMPORT.HEADERS_MISSING', details: { format: 'tradenote', missing_headers: ['T/D', 'Exec Time'] } });
    expect(forced.message).toBe('The file does not have the tradenote headers it needs: missing T/D, Exec Time');
    expect(zone.code).toBe('IMPORT.INVALID_TIMEZONE');
  });

  it('keeps same-second fills of a newest-first file in execution order', async () => {
    // Webull lists newest first: the sell (line 2) came after the buy (line 3) within one second. Read by line, the sell
    // would open a short; in execution order it closes the long: +100 × (10.50 - 10.00) = +50.
    const file = [
      'Name,Symbol,Side,Status,Filled,Total Qty,Price,Avg Price,Time-in-Force,Placed Time,Filled Time',
      'ACME,ACME,Sell,Filled,100,100,@10.50,10.50,DAY,11/02/2026 10:15:00 EST,11/02/2026 10:15:05 EST',
      'ACME,ACME,Buy,Filled,100,100,@10.00,10.00,DAY,11/02/2026 10:15:00 EST,11/02/2026 10:15:05 EST',
    ].join('\n');

    const result = await readBrokerFile(file, NEW_YORK);

    expect(result.format).toBe('webull');
    expect(result.trades).toEqual([expect.objectContaining({ ticker: 'ACME', position_type: 'long', pnl: 50 })]);
  });

  it('imports a 10,000-fill file (the bench, `npm run -s bench:imports`, times 100,000)', async () => {
    // 5,000 scalps of 1 XYZ: buy at 10 + k/100, sell 0.25 higher a second later, 0.01 fee per fill
    const start = Date.UTC(2026, 0, 5, 14, 30) / 1000;
    const lines = ['id,symbol,side,qty,price,fees,time'];
    for (let k = 0; k < 5_000; k++) {
      const buy = (1000 + (k % 500)) / 100;
      lines.push(`b${k},XYZ,buy,1,${buy},0.01,${new Date((start + 2 * k) * 1000).toISOString()}`);
      lines.push(`s${k},XYZ,sell,1,${(buy * 100 + 25) / 100},0.01,${new Date((start + 2 * k + 1) * 1000).toISOString()}`);
    }

    const result = await readBrokerFile(lines.join('\n'), NEW_YORK);

    expect(result.fill_count).toBe(10_000);
    expect(result.rejected_rows).toEqual([]);
    expect(result.trades).toHaveLength(5_000);
    // each trade: 0.25 - 0.02 = 0.23; in all 5,000 × 0.23 = 1,150 (summed in 1/10,000s)
    expect(result.trades.reduce((sum, t) => sum + Math.round(t.pnl * 10_000), 0)).toBe(11_500_000);
    expect(new Set(result.trades.map((t) => t.fingerprint)).size).toBe(5_000);
    // k = 4,999: buy (1000 + 499) / 100 = 14.99, sell 15.24, exit 2 × 4,999 + 1 = 9,999 s after 14:30Z
    expect(result.trades[4_999]).toMatchObject({ entry_price: 14.99, exit_price: 15.24, exit_timestamp: '2026-01-05T17:16:39Z' });
    // Not a speed check: only room for a loaded CI machine, where jest's default 5 s could fail a correct import.
  }, 60_000);
});
