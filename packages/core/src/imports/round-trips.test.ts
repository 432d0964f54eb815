import { DateTime } from 'luxon';
import { digest } from './fingerprint';
import type { Fill } from './import-types';
import { pairRoundTrips } from './round-trips';

let nextLine = 1;
/** A fill at `time` (New York wall clock on 2026-03-05 unless a full ISO date is given). */
function fill(side: Fill['side'], quantity: number, price: number, time: string, overrides: Partial<Fill> = {}): Fill {
  const at = DateTime.fromISO(time.includes('T') ? time : `2026-03-05T${time}`, { zone: 'America/New_York' });
  return {
    line: nextLine++,
    account: 'U1',
    contract: 'AAPL',
    root: 'AAPL',
    asset_class: 'stock',
    side,
    quantity,
    price,
    multiplier: 1,
    fees: 0,
    timestamp: at.toISO({ suppressMilliseconds: true })!,
    epoch_ms: at.toMillis(),
    ...overrides,
  };
}

beforeEach(() => {
  nextLine = 1;
});

describe('pairRoundTrips', () => {
  it('never pairs fills of different accounts or contracts, whatever characters their names hold', () => {
    // A key joined with a separator (as grouping once used) makes account "A\0B" + "C" and "A" + "B\0C" one position.
    const fills = [fill('buy', 1, 10, '09:30:00', { account: 'A\u0000B', contract: 'C', root: 'C' }), fill('sell', 1, 11, '09:31:00', { account: 'A', contract: 'B\u0000C', root: 'B\u0000C' })];

    const { trades, open_positions } = pairRoundTrips(fills);

    expect(trades).toEqual([]);
    expect(open_positions.map((position) => [position.account, position.contract])).toEqual([
      ['A\u0000B', 'C'],
      ['A', 'B\u0000C'],
    ]);
  });

  it('pairs same-second partial entries with one exit, net of every fee, with weighted averages', () => {
    const fills = [
      fill('buy', 60, 227.5, '09:35:12', { fees: 0.6 }),
      fill('buy', 40, 227.51, '09:35:12', { fees: 0.4 }),
      fill('sell', 100, 229.1, '10:15:00', { fees: 1.02 }),
    ];

    const { trades, open_positions } = pairRoundTrips(fills);

    expect(open_positions).toEqual([]);
    expect(trades).toHaveLength(1);
    // gross = (229.10 - 227.50) × 60 + (229.10 - 227.51) × 40 = 96 + 63.6 = 159.6; fees 0.6 + 0.4 + 1.02 = 2.02
    // entry = (60 × 227.50 + 40 × 227.51) / 100 = 22750.4 / 100 = 227.504
    expect(trades[0]).toMatchObject({
      account: 'U1',
      contract: 'AAPL',
      ticker: 'AAPL',
      position_type: 'long',
      quantity: 100,
      entry_price: 227.504,
      exit_price: 229.1,
      gross_pnl: 159.6,
      fees: 2.02,
      pnl: 157.58,
      entry_timestamp: '2026-03-05T09:35:12-05:00',
      exit_timestamp: '2026-03-05T10:15:00-05:00',
      fill_count: 3,
      line: 1,
    });
  });

  it('pairs a short: sell first, buy to cover', () => {
    const fills = [fill('sell', 50, 402.35, '10:02:01', { fees: 0.57 }), fill('buy', 50, 398.1, '10:30:15', { fees: 0.25 })];

    const { trades } = pairRoundTrips(fills);

    // gross = (402.35 - 398.10) × 50 = 212.5; net = 212.5 - 0.82 = 211.68
    expect(trades).toEqual([expect.objectContaining({ position_type: 'short', quantity: 50, gross_pnl: 212.5, pnl: 211.68 })]);
  });

  it('matches a scale-in and scale-out FIFO and times the trade from first entry to last exit', () => {
    const fills = [
      fill('buy', 100, 118.2, '2026-03-06T15:30:00'),
      fill('buy', 100, 117.8, '2026-03-09T09:45:00'),
      fill('sell', 150, 120, '2026-03-09T11:00:00'),
      fill('sell', 50, 121, '2026-03-09T14:00:00'),
    ];

    const { trades } = pairRoundTrips(fills);

    // FIFO: 100 × (120 - 118.2) = 180, 50 × (120 - 117.8) = 110, 50 × (121 - 117.8) = 160 → 450
    // averages: entry 23600 / 200 = 118, exit (18000 + 6050) / 200 = 120.25; 2026-03-08 DST moves -05:00 to -04:00
    expect(trades).toEqual([
      expect.objectContaining({
        quantity: 200,
        entry_price: 118,
        exit_price: 120.25,
        gross_pnl: 450,
        pnl: 450,
        entry_timestamp: '2026-03-06T15:30:00-05:00',
        exit_timestamp: '2026-03-09T14:00:00-04:00',
        fill_count: 4,
      }),
    ]);
  });

  it('splits a fill that crosses zero, fee pro rata, the rest opening a short', () => {
    const fills = [fill('buy', 100, 120, '09:31:00', { fees: 1 }), fill('sell', 150, 121, '09:40:00', { fees: 1.56 }), fill('buy', 50, 119.5, '10:05:00', { fees: 0.5 })];

    const { trades, open_positions } = pairRoundTrips(fills);

    // long: gross 100 × 1 = 100, fees 1 + 1.56 × 100/150 (1.04) = 2.04 → 97.96
    // short: gross 50 × (121 - 119.5) = 75, fees 1.56 × 50/150 (0.52) + 0.5 = 1.02 → 73.98
    expect(open_positions).toEqual([]);
    expect(trades.map((t) => [t.position_type, t.quantity, t.entry_price, t.exit_price, t.gross_pnl, t.fees, t.pnl, t.fill_count])).toEqual([
      ['long', 100, 120, 121, 100, 2.04, 97.96, 2],
      ['short', 50, 121, 119.5, 75, 1.02, 73.98, 2],
    ]);
    expect(trades[1]!.entry_timestamp).toBe('2026-03-05T09:40:00-05:00');
  });

  it('reports a cycle open at the end as an open position, priced from the lots still open (FIFO)', () => {
    const fills = [fill('buy', 10, 100, '09:30:00', { fees: 1 }), fill('buy', 10, 110, '09:40:00', { fees: 1 }), fill('sell', 15, 120, '09:50:00', { fees: 1.5 })];

    const { trades, open_positions } = pairRoundTrips(fills);

    // 15 sold matches the 10 @ 100 and 5 of the 10 @ 110; 5 @ 110 are still open
    expect(trades).toEqual([]);
    expect(open_positions).toEqual([
      {
        account: 'U1',
        contract: 'AAPL',
        ticker: 'AAPL',
        position_type: 'long',
        quantity: 5,
        average_entry_price: 110,
        entry_timestamp: '2026-03-05T09:30:00-05:00',
        fees: 3.5,
        multiplier: 1,
      },
    ]);
  });

  it('keeps accounts and exact contracts apart, and multiplies futures by their point value', () => {
    const mes = { contract: 'MESH6', root: 'MES', asset_class: 'future', multiplier: 5, currency: 'USD' } as const;
    const fills = [
      fill('buy', 2, 6850.25, '09:30:01', { ...mes, fees: 1.24 }),
      fill('buy', 1, 6851, '09:30:02', { ...mes, account: 'U2' }),
      fill('buy', 1, 6851, '09:30:03', { ...mes, contract: 'MESM6' }),
      fill('sell', 2, 6862.75, '09:45:10', { ...mes, fees: 1.24 }),
    ];

    const { trades, open_positions } = pairRoundTrips(fills);

    // 12.5 points × 2 contracts × $5 = 125; fees 2.48 → 122.52
    expect(trades).toEqual([expect.objectContaining({ account: 'U1', contract: 'MESH6', ticker: 'MES', asset_class: 'future', multiplier: 5, currency: 'USD', gross_pnl: 125, pnl: 122.52 })]);
    expect(open_positions.map((p) => [p.account, p.contract, p.quantity])).toEqual([
      ['U2', 'MESH6', 1],
      ['U1', 'MESM6', 1],
    ]);
  });

  it('sorts fills by time, then by file line, whatever order they arrive in', () => {
    const entry = fill('buy', 1, 10, '09:30:00');
    const sameSecondExit = fill('sell', 1, 11, '09:30:00');
    const later = fill('buy', 1, 12, '09:31:00');
    const laterExit = fill('sell', 1, 12.5, '09:32:00');

    const { trades } = pairRoundTrips([laterExit, sameSecondExit, later, entry]);

    expect(trades.map((t) => [t.entry_price, t.exit_price, t.line])).toEqual([
      [10, 11, 1],
      [12, 12.5, 3],
    ]);
  });

  it('sums money exactly: no 0.1 + 0.2 drift, rebates lower the fees', () => {
    const fills = [fill('buy', 1, 0.1, '09:30:00', { fees: 0.1 }), fill('buy', 1, 0.2, '09:30:01', { fees: 0.2 }), fill('sell', 2, 0.3, '09:31:00', { fees: -0.05 })];

    const { trades } = pairRoundTrips(fills);

    // gross = (0.3 - 0.1) + (0.3 - 0.2) = 0.3; fees 0.1 + 0.2 - 0.05 = 0.25; net 0.05
    expect(trades[0]).toMatchObject({ gross_pnl: 0.3, fees: 0.25, pnl: 0.05, entry_price: 0.15, exit_price: 0.3 });
  });

  it('rounds P&L to 4 decimals and prices to 8', () => {
    const fills = [fill('buy', 3, 1.00001, '09:30:00'), fill('sell', 3, 1.000013333, '09:31:00', { fees: 0.000051 })];

    const { trades } = pairRoundTrips(fills);

    // gross = 3 × 0.000003333 = 0.000009999 → 0.0000; net = 0.000009999 - 0.000051 = -0.000041001 → -0.0000
    expect(trades[0]).toMatchObject({ gross_pnl: 0, pnl: 0, entry_price: 1.00001, exit_price: 1.00001333 });
    expect(Object.is(trades[0]!.pnl, -0)).toBe(false);
  });
});

describe('round-trip fingerprints', () => {
  const ids = (...values: string[]) => values.map((execution_id) => ({ execution_id }));

  it('hash the account, contract and sorted execution ids with quantities, whatever the file order', () => {
    const [a, b, c] = ids('5001', '5002', '5003');
    const first = pairRoundTrips([fill('buy', 60, 10, '09:30:00', a), fill('buy', 40, 10, '09:30:00', b), fill('sell', 100, 11, '09:40:00', c)]);
    nextLine = 40;
    const reExport = pairRoundTrips([fill('sell', 100, 11, '09:40:00', c), fill('buy', 40, 10, '09:30:00', b), fill('buy', 60, 10, '09:30:00', a)]);

    expect(first.trades[0]!.fingerprint).toBe(digest('U1|AAPL|5001:60,5002:40,5003:100'));
    expect(reExport.trades[0]!.fingerprint).toBe(first.trades[0]!.fingerprint);
    expect(first.trades[0]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('give each side of a split fill the quantity it contributed', () => {
    const [a, b, c] = ids('1', '2', '3');

    const { trades } = pairRoundTrips([fill('buy', 100, 10, '09:30:00', a), fill('sell', 150, 11, '09:31:00', b), fill('buy', 50, 10, '09:32:00', c)]);

    expect(trades.map((t) => t.fingerprint)).toEqual([digest('U1|AAPL|1:100,2:100'), digest('U1|AAPL|2:50,3:50')]);
  });

  it('leave out a closing fill with nothing open (its position predates the file) instead of opening the other way', () => {
    // The export starts mid-position: a sell that closes a long bought before the file, then a real round trip.
    const fills = [fill('sell', 100, 12, '09:30:00', { closes: true }), fill('buy', 100, 11, '10:00:00'), fill('sell', 100, 11.5, '10:30:00', { closes: true })];

    const { trades, open_positions, rejected } = pairRoundTrips(fills);

    expect(trades.map((t) => [t.position_type, t.quantity, t.pnl])).toEqual([['long', 100, 50]]);
    expect(open_positions).toEqual([]);
    expect(rejected).toEqual([{ line: fills[0]!.line, reason: expect.stringMatching(/^sell to close 100 AAPL with no position open in this file/) }]);
  });

  it('fall back to local time, side, quantity and price when a fill has no execution id', () => {
    const entry = fill('buy', 2, 10.5, '09:30:00');
    const exit = fill('sell', 2, 11, '09:31:00', { execution_id: 'X' });

    const { trades } = pairRoundTrips([entry, exit]);

    const at = (fill: { timestamp: string }) => fill.timestamp.slice(0, 19);
    expect(trades[0]!.fingerprint).toBe(digest(`U1|AAPL|${at(entry)}|buy|2|10.5,${at(exit)}|sell|2|11`));
  });

  it('give the same fills read in another time zone the same fingerprint (the file names local times)', () => {
    const inZone = (offset: string) => [
      fill('buy', 2, 10.5, '09:30:00', { timestamp: `2026-03-05T09:30:00${offset}`, epoch_ms: Date.parse(`2026-03-05T09:30:00${offset}`) }),
      fill('sell', 2, 11, '09:31:00', { timestamp: `2026-03-05T09:31:00${offset}`, epoch_ms: Date.parse(`2026-03-05T09:31:00${offset}`) }),
    ];

    const eastern = pairRoundTrips(inZone('-05:00')).trades[0]!;
    const central = pairRoundTrips(inZone('-06:00')).trades[0]!;

    expect(central.fingerprint).toBe(eastern.fingerprint);
  });

  it('number identical cycles in one file so both survive', () => {
    // Two scalps within one second at one price: time order is file order, so they form two equal cycles.
    const fills = [fill('buy', 1, 10, '09:30:00'), fill('sell', 1, 10.25, '09:30:00'), fill('buy', 1, 10, '09:30:00'), fill('sell', 1, 10.25, '09:30:00')];

    const { trades } = pairRoundTrips(fills);

    const at = fills[0]!.timestamp.slice(0, 19);
    const text = `U1|AAPL|${at}|buy|1|10,${at}|sell|1|10.25`;
    expect(trades.map((t) => t.fingerprint)).toEqual([digest(text), digest(`${text}#2`)]);
  });
});
