import fc from 'fast-check';
import type { Fill } from './import-types';
import { pairRoundTrips } from './round-trips';

const START = Date.UTC(2026, 2, 5, 14, 30);

/** Signed quantities (+ buy, − sell) with prices in cents and fees in cents: every expectation is integer cents. */
const legs = fc.array(
  fc.record({ quantity: fc.integer({ min: -40, max: 40 }).filter((q) => q !== 0), cents: fc.integer({ min: 1, max: 2_000_000 }), feeCents: fc.integer({ min: -50, max: 500 }) }),
  { minLength: 1, maxLength: 40 },
);

function toFills(raw: { quantity: number; cents: number; feeCents: number }[], multiplier: number): Fill[] {
  // Close whatever is open so the file ends flat.
  const position = raw.reduce((sum, leg) => sum + leg.quantity, 0);
  const closed = position === 0 ? raw : [...raw, { quantity: -position, cents: 10_000, feeCents: 0 }];
  return closed.map((leg, index) => ({
    line: index + 2,
    account: 'A',
    contract: 'MESH6',
    root: 'MES',
    asset_class: 'future',
    side: leg.quantity > 0 ? 'buy' : 'sell',
    quantity: Math.abs(leg.quantity),
    price: leg.cents / 100,
    multiplier,
    fees: leg.feeCents / 100,
    // Several fills share a second now and then, so file order has to break ties.
    timestamp: new Date(START + Math.floor(index / 2) * 1000).toISOString(),
    epoch_ms: START + Math.floor(index / 2) * 1000,
  }));
}

const cents = (value: number) => Math.round(value * 100);
/** Trades report money at 4 decimals; summing in 1/10,000s keeps the comparison exact. */
const tenThousandths = (value: number) => Math.round(value * 10_000);

describe('pairRoundTrips properties', () => {
  it('for a file that ends flat, the trades’ gross is the signed cash flow × multiplier and pnl is gross − fees, to the 1/10,000', () => {
    fc.assert(
      fc.property(legs, fc.constantFrom(1, 5, 50), (raw, multiplier) => {
        // Arrange
        const fills = toFills(raw, multiplier);
        const cashCents = fills.reduce((sum, f) => sum + (f.side === 'sell' ? 1 : -1) * f.quantity * cents(f.price) * multiplier, 0);
        const feeCents = fills.reduce((sum, f) => sum + cents(f.fees), 0);

        // Act
        const { trades, open_positions } = pairRoundTrips(fills);

        // Assert
        expect(open_positions).toEqual([]);
        expect(trades.reduce((sum, t) => sum + tenThousandths(t.gross_pnl), 0)).toBe(cashCents * 100);
        expect(trades.reduce((sum, t) => sum + tenThousandths(t.fees), 0)).toBe(feeCents * 100);
        expect(trades.reduce((sum, t) => sum + tenThousandths(t.pnl), 0)).toBe((cashCents - feeCents) * 100);
      }),
    );
  });

  it('every trade has a positive quantity, exits no earlier than it enters, and a fingerprint of its own', () => {
    fc.assert(
      fc.property(legs, (raw) => {
        const { trades } = pairRoundTrips(toFills(raw, 1));

        for (const trade of trades) {
          expect(trade.quantity).toBeGreaterThan(0);
          expect(Date.parse(trade.exit_timestamp)).toBeGreaterThanOrEqual(Date.parse(trade.entry_timestamp));
        }
        expect(new Set(trades.map((t) => t.fingerprint)).size).toBe(trades.length);
      }),
    );
  });

  it('does not depend on the order the fills arrive in', () => {
    fc.assert(
      fc.property(legs, fc.integer(), (raw, seed) => {
        const fills = toFills(raw, 5);
        const shuffled = [...fills].sort((a, b) => ((a.line * 7919 + seed) % 101) - ((b.line * 7919 + seed) % 101));

        expect(pairRoundTrips(shuffled)).toEqual(pairRoundTrips(fills));
      }),
    );
  });
});
