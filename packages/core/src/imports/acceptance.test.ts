// Acceptance: one sample file per broker format, written from docs/broker-formats (the survey) alone, with the round
// trips computed by hand: net P&L = gross − every fee, quantity = total entry quantity, quantity-weighted average
// prices, entry = first entry fill, exit = last exit fill, each time with the offset in force that day.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportFormat, OpenPosition, RoundTrip } from './import-types';
import { readBrokerFile } from './read-broker-file';

const sample = (name: string) => readFileSync(join(__dirname, 'fixtures', 'acceptance', name));

type Expected = Pick<RoundTrip, 'contract' | 'ticker' | 'position_type' | 'quantity' | 'entry_price' | 'exit_price' | 'gross_pnl' | 'fees' | 'pnl' | 'entry_timestamp' | 'exit_timestamp'> &
  Partial<RoundTrip>;

/** The fields a trade is judged on, so a failure shows the whole trade at once. */
const essentials = (trade: RoundTrip) => ({
  account: trade.account,
  contract: trade.contract,
  ticker: trade.ticker,
  asset_class: trade.asset_class,
  position_type: trade.position_type,
  quantity: trade.quantity,
  entry_price: trade.entry_price,
  exit_price: trade.exit_price,
  gross_pnl: trade.gross_pnl,
  fees: trade.fees,
  pnl: trade.pnl,
  multiplier: trade.multiplier,
  currency: trade.currency,
  entry_timestamp: trade.entry_timestamp,
  exit_timestamp: trade.exit_timestamp,
  fill_count: trade.fill_count,
});

async function read(name: string, timezone: string) {
  // No format given: detection must recognise every sample.
  return readBrokerFile(sample(name), { timezone });
}

function expectTrades(trades: RoundTrip[], expected: Expected[]): void {
  expect(trades.map(essentials)).toEqual(expected.map((trade) => expect.objectContaining(trade)));
  for (const trade of trades) expect(trade.pnl).toBeCloseTo(trade.gross_pnl - trade.fees, 6);
}

describe('acceptance samples (survey layouts, hand-computed round trips)', () => {
  describe('IBKR Flex Query, Trade Confirmation (US/Eastern)', () => {
    const IBKR = 'ibkr_flex_trade_confirmation.csv';
    const account = 'U7654321';

    it('is detected and every row is read', async () => {
      const result = await read(IBKR, 'US/Eastern');

      expect(result.format).toBe<ImportFormat>('ibkr-flex');
      expect(result.rejected_rows).toEqual([]);
      expect(result.fill_count).toBe(13);
    });

    it('pairs the fills into round trips, sorted across the asset-class grouping and the DST change', async () => {
      const result = await read(IBKR, 'US/Eastern');

      expectTrades(result.trades, [
        // BUY 2 @6801.25 (O), then one order SELL filled in two same-second partials 1 @6805.5 + 1 @6805.75 (C;P).
        // gross (4.25 + 4.5) × 5 = 43.75; commission 1.24 + 0.62 + 0.62 (components are not added again).
        {
          account, contract: 'MESH6', ticker: 'MES', asset_class: 'future', position_type: 'long', quantity: 2,
          entry_price: 6801.25, exit_price: 6805.625, gross_pnl: 43.75, fees: 2.48, pnl: 41.27, multiplier: 5, currency: 'USD',
          entry_timestamp: '2026-03-05T10:00:00-05:00', exit_timestamp: '2026-03-05T10:15:00-05:00', fill_count: 3,
        },
        // BUY 60 @410.2 + 40 @410.25 (one order, two TradeIDs, same second) → avg 410.22; SELL 100 @412.1.
        // gross 1.88 × 100 = 188; commission 0.3 + 0.2 + 1.05.
        {
          account, contract: 'MSFT', ticker: 'MSFT', asset_class: 'stock', position_type: 'long', quantity: 100,
          entry_price: 410.22, exit_price: 412.1, gross_pnl: 188, fees: 1.55, pnl: 186.45, multiplier: 1, currency: 'USD',
          entry_timestamp: '2026-03-05T09:35:12-05:00', exit_timestamp: '2026-03-05T11:00:04-05:00', fill_count: 3,
        },
        // A one-second scalp listed SELL (TradeID 700042) before BUY (700041): bought first, so a long.
        // gross 0.12 × 10 = 1.2; commission 0.35 + 0.35.
        {
          account, contract: 'NVDA', ticker: 'NVDA', asset_class: 'stock', position_type: 'long', quantity: 10,
          entry_price: 180.5, exit_price: 180.62, gross_pnl: 1.2, fees: 0.7, pnl: 0.5, multiplier: 1, currency: 'USD',
          entry_timestamp: '2026-03-06T10:00:01-05:00', exit_timestamp: '2026-03-06T10:00:01-05:00', fill_count: 2,
        },
        // SAP on IBIS in EUR, kept in EUR: (172.9 − 171.34) × 20 = 31.2; commission 3 + 3.
        {
          account, contract: 'SAP', ticker: 'SAP', asset_class: 'stock', position_type: 'long', quantity: 20,
          entry_price: 171.34, exit_price: 172.9, gross_pnl: 31.2, fees: 6, pnl: 25.2, multiplier: 1, currency: 'EUR',
          entry_timestamp: '2026-03-09T04:02:10-04:00', exit_timestamp: '2026-03-09T06:15:45-04:00', fill_count: 2,
        },
        // Short sale (plain SELL with code O) on Friday in EST, covered Monday in EDT: (402.5 − 395.3) × 50 = 360.
        {
          account, contract: 'TSLA', ticker: 'TSLA', asset_class: 'stock', position_type: 'short', quantity: 50,
          entry_price: 402.5, exit_price: 395.3, gross_pnl: 360, fees: 0.62, pnl: 359.38, multiplier: 1, currency: 'USD',
          entry_timestamp: '2026-03-06T15:30:00-05:00', exit_timestamp: '2026-03-09T09:31:00-04:00', fill_count: 2,
        },
      ]);
    });

    it('reports the MES short opened on the last day as an open position, not a trade', async () => {
      const result = await read(IBKR, 'US/Eastern');

      expect(result.open_positions).toEqual<OpenPosition[]>([
        {
          account, contract: 'MESH6', ticker: 'MES', position_type: 'short', quantity: 1, average_entry_price: 6750,
          entry_timestamp: '2026-03-10T14:30:00-04:00', fees: 0.62, multiplier: 5, currency: 'USD',
        },
      ]);
    });

    it('closes that position in the next day’s export and keeps every earlier trade’s fingerprint', async () => {
      const first = await read(IBKR, 'US/Eastern');
      const next = await read('ibkr_flex_trade_confirmation_next_day.csv', 'US/Eastern');

      expect(next.open_positions).toEqual([]);
      expect(next.trades.slice(0, 5).map((trade) => trade.fingerprint)).toEqual(first.trades.map((trade) => trade.fingerprint));
      expectTrades(next.trades.slice(5), [
        // SELL 1 @6750 (O) then BUY 1 @6740.25 (C): 9.75 × 5 = 48.75; commission 0.62 + 0.62.
        {
          account, contract: 'MESH6', ticker: 'MES', position_type: 'short', quantity: 1, entry_price: 6750, exit_price: 6740.25,
          gross_pnl: 48.75, fees: 1.24, pnl: 47.51, entry_timestamp: '2026-03-10T14:30:00-04:00', exit_timestamp: '2026-03-11T09:45:12-04:00',
        },
      ]);
    });
  });

  describe('thinkorswim / Schwab Account Statement (US/Eastern)', () => {
    const TOS = 'thinkorswim_account_statement.csv';
    const account = '12345678SCHW';

    it('reads only Account Trade History as fills, with fees from Cash Balance and Futures Statements', async () => {
      const result = await read(TOS, 'US/Eastern');

      expect(result.format).toBe<ImportFormat>('thinkorswim');
      expect(result.rejected_rows).toEqual([]);
      // 8 Trade History rows; the Order History (CANCELED orders included) is not counted again.
      expect(result.fill_count).toBe(8);
      expect(result.open_positions).toEqual([]);
      expect(result.notes.join(' ')).not.toMatch(/No Cash Balance or Futures Statements row matches/);
      expectTrades(result.trades, [
        // BUY +100 @182.40; two same-second sells -60 @183.10 (fee 0.05) and -40 @183.05 (fee 0.04): avg 183.08.
        // gross 60 × 0.70 + 40 × 0.65 = 68.
        {
          account, contract: 'NVDA', ticker: 'NVDA', asset_class: 'stock', position_type: 'long', quantity: 100,
          entry_price: 182.4, exit_price: 183.08, gross_pnl: 68, fees: 0.09, pnl: 67.91, multiplier: 1,
          entry_timestamp: '2026-02-09T09:31:02-05:00', exit_timestamp: '2026-02-09T10:12:45-05:00', fill_count: 3,
        },
        // SELL -80 TO OPEN @81.40 (fee 0.04), BUY +80 TO CLOSE @80.15: 1.25 × 80 = 100.
        {
          account, contract: 'UBER', ticker: 'UBER', asset_class: 'stock', position_type: 'short', quantity: 80,
          entry_price: 81.4, exit_price: 80.15, gross_pnl: 100, fees: 0.04, pnl: 99.96, multiplier: 1,
          entry_timestamp: '2026-02-10T09:45:10-05:00', exit_timestamp: '2026-02-10T14:02:33-05:00', fill_count: 2,
        },
        // /ESH26: BUY +2 @6890.25 (fees 2.80 + 4.50, Amount --), SELL -1 @6896.50 and -1 @6901.00 (1.40 + 2.25 each).
        // gross (6.25 + 10.75) × 50 = 850, the sum of the closing rows' Amount (312.50 + 537.50).
        {
          account, contract: '/ESH26', ticker: 'ES', asset_class: 'future', position_type: 'long', quantity: 2,
          entry_price: 6890.25, exit_price: 6898.75, gross_pnl: 850, fees: 14.6, pnl: 835.4, multiplier: 50,
          entry_timestamp: '2026-02-11T09:35:20-05:00', exit_timestamp: '2026-02-11T10:41:30-05:00', fill_count: 3,
        },
      ]);
    });
  });

  describe('Tradovate Orders (US/Central)', () => {
    const TRADOVATE = 'tradovate_orders.csv';
    const account = 'DEMO5512';

    it('keeps the Filled orders (BOM, leading spaces, Canceled brackets) as fills at their average price', async () => {
      const result = await read(TRADOVATE, 'US/Central');

      expect(result.format).toBe<ImportFormat>('tradovate');
      expect(result.rejected_rows).toEqual([]);
      expect(result.fill_count).toBe(6);
      expect(result.open_positions).toEqual([]);
      expectTrades(result.trades, [
        // Buy 2 @6842.25, bracket target Sell 2 @6850 (the stop leg was Canceled): 7.75 × 2 × 50.
        {
          account, contract: 'ESH6', ticker: 'ES', asset_class: 'future', position_type: 'long', quantity: 2,
          entry_price: 6842.25, exit_price: 6850, gross_pnl: 775, fees: 0, pnl: 775, multiplier: 50,
          entry_timestamp: '2026-03-02T08:31:07-06:00', exit_timestamp: '2026-03-02T09:12:44-06:00', fill_count: 2,
        },
        // Sell 5 placed 3/3, filled 3/4 at the averaged 24812.45 (off tick); Buy 5 @24790.75: 21.70 × 5 × 2.
        {
          account, contract: 'MNQH6', ticker: 'MNQ', asset_class: 'future', position_type: 'short', quantity: 5,
          entry_price: 24812.45, exit_price: 24790.75, gross_pnl: 217, fees: 0, pnl: 217, multiplier: 2,
          entry_timestamp: '2026-03-04T08:30:02-06:00', exit_timestamp: '2026-03-04T09:05:19-06:00', fill_count: 2,
        },
        // After the 3/8 DST change (CDT): Buy 3 @6795.5, Sell 3 @6791.25: −4.25 × 3 × 5.
        {
          account, contract: 'MESH6', ticker: 'MES', asset_class: 'future', position_type: 'long', quantity: 3,
          entry_price: 6795.5, exit_price: 6791.25, gross_pnl: -63.75, fees: 0, pnl: -63.75, multiplier: 5,
          entry_timestamp: '2026-03-09T08:45:00-05:00', exit_timestamp: '2026-03-09T10:02:13-05:00', fill_count: 2,
        },
      ]);
    });
  });

  describe('NinjaTrader 8 Executions (US/Central)', () => {
    it('keeps the two accounts apart and charges every $ commission', async () => {
      const result = await read('ninjatrader_executions.csv', 'US/Central');

      expect(result.format).toBe<ImportFormat>('ninjatrader');
      expect(result.rejected_rows).toEqual([]);
      expect(result.fill_count).toBe(8);
      expect(result.open_positions).toEqual([]);
      expectTrades(result.trades, [
        // Sim101: Sell 3 @24850.25 ($6.27), Buy 2 @24838.50 ($4.18), Buy 1 @24841.75 ($2.09).
        // gross 11.75 × 2 × 20 + 8.50 × 1 × 20 = 640; exit avg 74518.75 / 3.
        {
          account: 'Sim101', contract: 'NQ 03-26', ticker: 'NQ', asset_class: 'future', position_type: 'short', quantity: 3,
          entry_price: 24850.25, exit_price: 24839.58333333, gross_pnl: 640, fees: 12.54, pnl: 627.46, multiplier: 20,
          entry_timestamp: '2026-01-20T08:31:05-06:00', exit_timestamp: '2026-01-20T09:02:40-06:00', fill_count: 3,
        },
        // LIVE-77812, same contract, interleaved in time: Buy 2 @24845 ($4.18), two partial Sells 1 @24860.50 ($2.09 each).
        {
          account: 'LIVE-77812', contract: 'NQ 03-26', ticker: 'NQ', asset_class: 'future', position_type: 'long', quantity: 2,
          entry_price: 24845, exit_price: 24860.5, gross_pnl: 620, fees: 8.36, pnl: 611.64, multiplier: 20,
          entry_timestamp: '2026-01-20T08:40:00-06:00', exit_timestamp: '2026-01-20T09:10:15-06:00', fill_count: 3,
        },
        // Sim101 ES across noon (11:58:30 AM → 12:04:59 PM): −3.75 × 50.
        {
          account: 'Sim101', contract: 'ES 03-26', ticker: 'ES', asset_class: 'future', position_type: 'long', quantity: 1,
          entry_price: 6905.25, exit_price: 6901.5, gross_pnl: -187.5, fees: 4.18, pnl: -191.68, multiplier: 50,
          entry_timestamp: '2026-01-20T11:58:30-06:00', exit_timestamp: '2026-01-20T12:04:59-06:00', fill_count: 2,
        },
      ]);
    });
  });

  describe('Webull Orders Records (zone from the EDT/EST in each time)', () => {
    it('reads Filled and Partially Filled orders at Avg Price, Short/Buy as a short, across the 11/1 DST change', async () => {
      // A zone unrelated to the file: the abbreviations in it decide the offsets.
      const result = await read('webull_orders.csv', 'America/Los_Angeles');

      expect(result.format).toBe<ImportFormat>('webull');
      expect(result.rejected_rows).toEqual([]);
      expect(result.fill_count).toBe(5);
      expect(result.open_positions).toEqual([]);
      expectTrades(result.trades, [
        // Short 40 @431.20, Buy 40 @425.65 (the @425.70 is the limit, not the fill): 5.55 × 40.
        {
          account: '', contract: 'TSLA', ticker: 'TSLA', asset_class: 'stock', position_type: 'short', quantity: 40,
          entry_price: 431.2, exit_price: 425.65, gross_pnl: 222, fees: 0, pnl: 222, multiplier: 1,
          entry_timestamp: '2026-10-29T10:05:44-04:00', exit_timestamp: '2026-10-29T13:30:01-04:00', fill_count: 2,
        },
        // Buy 50 @182.45 (EDT); Partially Filled Sell 30 of 50 @185.00 and Sell 20 @184.80 (EST): 30 × 2.55 + 20 × 2.35.
        {
          account: '', contract: 'AAPL', ticker: 'AAPL', asset_class: 'stock', position_type: 'long', quantity: 50,
          entry_price: 182.45, exit_price: 184.92, gross_pnl: 123.5, fees: 0, pnl: 123.5, multiplier: 1,
          entry_timestamp: '2026-10-30T09:45:12-04:00', exit_timestamp: '2026-11-02T10:15:09-05:00', fill_count: 3,
        },
      ]);
    });
  });

  describe('TradeNote generic template (US/Eastern)', () => {
    it('sorts the unordered rows and charges every positive fee column', async () => {
      const result = await read('tradenote_generic_template.csv', 'US/Eastern');

      expect(result.format).toBe<ImportFormat>('tradenote');
      expect(result.rejected_rows).toEqual([]);
      expect(result.fill_count).toBe(7);
      expect(result.open_positions).toEqual([]);
      const account = 'TZ1234';
      expectTrades(result.trades, [
        // SS 200 @24.10 (2.00 + 0.11 + 0.03), BC 200 @23.85 (2.00 + 0.60), in EST before the DST change.
        {
          account, contract: 'PLTR', ticker: 'PLTR', asset_class: 'stock', position_type: 'short', quantity: 200,
          entry_price: 24.1, exit_price: 23.85, gross_pnl: 50, fees: 4.74, pnl: 45.26, multiplier: 1, currency: 'USD',
          entry_timestamp: '2026-03-06T11:05:00-05:00', exit_timestamp: '2026-03-06T11:47:30-05:00', fill_count: 2,
        },
        // B 100 @160.25 (1.30), S 60 @161.40 (0.75), S 40 @161.55 (0.50): 60 × 1.15 + 40 × 1.30 = 121; exit avg 161.46.
        {
          account, contract: 'AMD', ticker: 'AMD', asset_class: 'stock', position_type: 'long', quantity: 100,
          entry_price: 160.25, exit_price: 161.46, gross_pnl: 121, fees: 2.55, pnl: 118.45, multiplier: 1, currency: 'USD',
          entry_timestamp: '2026-03-10T09:35:10-04:00', exit_timestamp: '2026-03-10T10:20:44-04:00', fill_count: 3,
        },
        // B 2 ESH6 @6912.25 (Gross Proceeds −691225 = −2 × 6912.25 × 50), S 2 @6918.50; Comm 2.50 + SEC 2.80 each side.
        {
          account, contract: 'ESH6', ticker: 'ES', asset_class: 'future', position_type: 'long', quantity: 2,
          entry_price: 6912.25, exit_price: 6918.5, gross_pnl: 625, fees: 10.6, pnl: 614.4, multiplier: 50, currency: 'USD',
          entry_timestamp: '2026-03-10T13:01:15-04:00', exit_timestamp: '2026-03-10T13:22:48-04:00', fill_count: 2,
        },
      ]);
    });
  });
});
