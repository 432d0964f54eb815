import { closedTradesToRoundTrips } from './closed-trades';
import { multipliersWith } from './contracts';
import { digest } from './fingerprint';
import type { ClosedTradeRow } from './import-types';

const row = (overrides: Partial<ClosedTradeRow> = {}): ClosedTradeRow => ({
  line: 2,
  account: 'Apex-01',
  ticker: 'NQH6',
  position_type: 'long',
  pnl: 455.88,
  fees: 4.12,
  entry_timestamp: '2026-03-06T09:31:00-05:00',
  exit_timestamp: '2026-03-06T09:52:30-05:00',
  ...overrides,
});

describe('closedTradesToRoundTrips', () => {
  it('keeps the stated P&L, adds the fees back for gross, and files futures under their root', () => {
    const [trip] = closedTradesToRoundTrips([row({ quantity: 2, entry_price: 24790.25, exit_price: 24801.75, trade_ref: 'T-88', currency: 'USD' })], multipliersWith());

    // gross = 455.88 + 4.12 = 460 = 11.5 points × 2 × $20
    expect(trip).toEqual({
      account: 'Apex-01',
      contract: 'NQH6',
      ticker: 'NQ',
      asset_class: 'future',
      position_type: 'long',
      quantity: 2,
      entry_price: 24790.25,
      exit_price: 24801.75,
      pnl: 455.88,
      gross_pnl: 460,
      fees: 4.12,
      multiplier: 20,
      currency: 'USD',
      entry_timestamp: '2026-03-06T09:31:00-05:00',
      exit_timestamp: '2026-03-06T09:52:30-05:00',
      fill_count: 0,
      fingerprint: digest('Apex-01|NQH6|ref:T-88'),
      line: 2,
    });
  });

  it('leaves out what the file does not state and fingerprints the trade by its fields, numbering twins', () => {
    const trips = closedTradesToRoundTrips([row({ ticker: 'AAPL', pnl: 10, fees: 0 }), row({ ticker: 'AAPL', pnl: 10, fees: 0, line: 3 })], multipliersWith());

    const text = 'Apex-01|AAPL|long|2026-03-06T09:31:00|2026-03-06T09:52:30||||10';
    expect(trips.map((t) => t.fingerprint)).toEqual([digest(text), digest(`${text}#2`)]);
    expect(trips[0]).not.toHaveProperty('quantity');
    expect(trips[0]).not.toHaveProperty('entry_price');
    expect(trips[0]).toMatchObject({ ticker: 'AAPL', asset_class: 'stock', multiplier: 1 });
  });
});
