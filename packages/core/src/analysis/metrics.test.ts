import fc from 'fast-check';
import { type StoredTrade } from '../domain/trade';
import { makeTrade, tradeSeries, utcAt } from '../testing/make-trade';
import type { Metrics } from '../domain/metrics';
import { MAX_EQUITY_POINTS, NO_ACCOUNT, computeMetrics } from './metrics';
import { chronologicalOrder, tradeInstants } from './trade-order';
import { roundMetrics } from './round-metrics';

const sumCounts = (rows: readonly { trade_count: number }[]) => rows.reduce((total, row) => total + row.trade_count, 0);
const cents = (value: number) => Math.round(value * 100);

describe('computeMetrics', () => {
  it('computes the headline numbers of a hand-worked journal', () => {
    // Cumulative: 100, 50, 50, 80, 100, 20, 10, 210 → peak 100, trough 10.
    const trades = tradeSeries([100, -50, 0, 30, 20, -80, -10, 200]);

    const metrics = computeMetrics(trades);

    expect(metrics).toMatchObject({
      trade_count: 8,
      win_count: 4,
      loss_count: 3,
      breakeven_count: 1,
      win_rate: 0.5,
      net_pnl: 210,
      gross_profit: 350,
      gross_loss: 140,
      profit_factor: 2.5,
      average_win: 87.5,
      payoff_ratio: 87.5 / (140 / 3),
      expectancy: 26.25,
      largest_win: 200,
      largest_loss: -80,
      max_drawdown: 90,
      longest_win_streak: 2,
      longest_loss_streak: 2,
      average_hold_minutes: 30,
      first_exit: trades[0]!.exit_timestamp,
      last_exit: trades[7]!.exit_timestamp,
    });
    expect(metrics.average_loss).toBeCloseTo(140 / 3, 12);
    expect(metrics.equity_curve.map((point) => point.cumulative_pnl)).toEqual([100, 50, 50, 80, 100, 20, 10, 210]);
    expect(metrics.equity_curve.map((point) => point.trade_id)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
  });

  it('lets a break-even end a streak', () => {
    const trades = tradeSeries([10, 20, 0, 30, -5, 0, -5]);

    const metrics = computeMetrics(trades);

    expect(metrics.longest_win_streak).toBe(2);
    expect(metrics.longest_loss_streak).toBe(1);
  });

  it('counts drawdown from the starting balance of 0', () => {
    const trades = tradeSeries([-50, 20, -40]);

    const metrics = computeMetrics(trades);

    expect(metrics.max_drawdown).toBe(70);
    expect(metrics.net_pnl).toBe(-70);
  });

  it('leaves profit factor and payoff ratio undefined (null) when there is no loss', () => {
    const trades = tradeSeries([10, 20, 30]);

    const metrics = computeMetrics(trades);

    expect(metrics).toMatchObject({
      profit_factor: null,
      payoff_ratio: null,
      average_loss: 0,
      largest_loss: 0,
      max_drawdown: 0,
      longest_loss_streak: 0,
    });
  });

  it('returns zeros, nulls and empty lists for no trades', () => {
    const metrics = computeMetrics([]);

    expect(metrics).toEqual({
      timezone: 'UTC',
      trade_count: 0,
      win_count: 0,
      loss_count: 0,
      breakeven_count: 0,
      win_rate: 0,
      net_pnl: 0,
      gross_profit: 0,
      gross_loss: 0,
      profit_factor: null,
      average_win: 0,
      average_loss: 0,
      payoff_ratio: null,
      expectancy: 0,
      largest_win: 0,
      largest_loss: 0,
      max_drawdown: 0,
      longest_win_streak: 0,
      longest_loss_streak: 0,
      average_hold_minutes: 0,
      r_trade_count: 0,
      average_r: null,
      average_win_r: null,
      average_loss_r: null,
      by_ticker: [],
      by_position_type: [],
      by_weekday: [],
      by_hour: [],
      by_tag: [],
      by_account: [],
      equity_curve: [],
      first_exit: null,
      last_exit: null,
    } satisfies Metrics);
  });

  it('orders by exit time whatever order the trades come in', () => {
    const trades = tradeSeries([100, -50, 0, 30, 20, -80, -10, 200]);
    const reversed = [...trades].reverse();

    expect(computeMetrics(reversed)).toEqual(computeMetrics(trades));
  });

  it('sums money in cents, so 0.1 + 0.2 − 0.3 nets exactly 0', () => {
    const trades = tradeSeries([0.1, 0.2, -0.3]);

    const metrics = computeMetrics(trades);

    expect(metrics.gross_profit).toBe(0.3);
    expect(metrics.gross_loss).toBe(0.3);
    expect(metrics.net_pnl).toBe(0);
  });

  it('measures R only where quantity, entry price and a stop away from the entry are known', () => {
    const risk = { quantity: 10, entry_price: 100, stop_loss: 98 }; // 20 at risk
    const trades = [
      makeTrade({ trade_id: 'a', pnl: 50, ...risk, exit_timestamp: utcAt(30) }),
      makeTrade({ trade_id: 'b', pnl: -30, ...risk, exit_timestamp: utcAt(31) }),
      makeTrade({ trade_id: 'c', pnl: -30, exit_timestamp: utcAt(32) }),
      makeTrade({ trade_id: 'd', pnl: 10, quantity: 10, entry_price: 100, stop_loss: 100, exit_timestamp: utcAt(33) }),
    ];

    const metrics = computeMetrics(trades);

    expect(metrics).toMatchObject({ r_trade_count: 2, average_r: 0.5, average_win_r: 2.5, average_loss_r: -1.5 });
  });

  it('buckets weekday by exit and hour by entry in the trader’s zone, across a DST change', () => {
    const trades = [
      // Monday 03:30 UTC is Sunday 22:30 in New York.
      makeTrade({ trade_id: 'late', pnl: -10, entry_timestamp: '2026-03-02T03:30:00Z', exit_timestamp: '2026-03-02T04:10:00Z' }),
      // 09:30 in New York before (EST, -5) and after (EDT, -4) the 2026-03-08 change.
      makeTrade({ trade_id: 'est', pnl: 20, entry_timestamp: '2026-03-06T14:30:00Z', exit_timestamp: '2026-03-06T15:00:00Z' }),
      makeTrade({ trade_id: 'edt', pnl: 30, entry_timestamp: '2026-03-09T13:30:00Z', exit_timestamp: '2026-03-09T09:45:00-04:00' }),
    ];

    const newYork = computeMetrics(trades, { timezone: 'America/New_York' });
    const utc = computeMetrics(trades);

    expect(newYork.by_hour).toEqual([
      { key: '09', trade_count: 2, net_pnl: 50, win_rate: 1 },
      { key: '22', trade_count: 1, net_pnl: -10, win_rate: 0 },
    ]);
    expect(newYork.by_weekday.map((row) => [row.key, row.trade_count])).toEqual([['Monday', 1], ['Friday', 1], ['Sunday', 1]]);
    expect(utc.by_hour.map((row) => row.key)).toEqual(['03', '13', '14']);
    expect(utc.by_weekday.map((row) => [row.key, row.trade_count])).toEqual([['Monday', 2], ['Friday', 1]]);
  });

  it('breaks down by ticker (most traded first), side (long first) and tag (a tag once per trade)', () => {
    const fields: Partial<StoredTrade>[] = [
      { ticker: 'TSLA', position_type: 'short', tags: ['breakout', 'breakout'] },
      { ticker: 'AAPL', tags: ['fomo'] },
      { ticker: 'TSLA', tags: ['breakout', 'fomo'] },
      { ticker: 'NVDA' },
    ];
    const trades = tradeSeries([10, -20, 30, 5], { extra: (i) => fields[i] ?? {} });

    const metrics = computeMetrics(trades);

    expect(metrics.by_ticker).toEqual([
      { key: 'TSLA', trade_count: 2, net_pnl: 40, win_rate: 1 },
      { key: 'AAPL', trade_count: 1, net_pnl: -20, win_rate: 0 },
      { key: 'NVDA', trade_count: 1, net_pnl: 5, win_rate: 1 },
    ]);
    expect(metrics.by_position_type.map((row) => row.key)).toEqual(['long', 'short']);
    expect(metrics.by_tag).toEqual([
      { key: 'breakout', trade_count: 2, net_pnl: 40, win_rate: 1 },
      { key: 'fomo', trade_count: 2, net_pnl: 10, win_rate: 0.5 },
    ]);
  });

  it('breaks down by broker account, trades without one under "(no account)"', () => {
    const accounts = ['U123', 'U456', undefined, 'U123'];
    const trades = tradeSeries([10, -20, 7, 0], { extra: (i) => (accounts[i] ? { account: accounts[i] } : {}) });

    const metrics = computeMetrics(trades);

    // U123: +10 and a break-even 0 → net 10, one win of two.
    expect(metrics.by_account).toEqual([
      { key: 'U123', trade_count: 2, net_pnl: 10, win_rate: 0.5 },
      { key: NO_ACCOUNT, trade_count: 1, net_pnl: 7, win_rate: 1 },
      { key: 'U456', trade_count: 1, net_pnl: -20, win_rate: 0 },
    ]);
  });

  it('computes a million trades', () => {
    const count = 1_000_000;
    const start = Date.parse('2022-01-03T14:30:00Z');
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const trades: StoredTrade[] = [];
    for (let i = 0; i < count; i++) {
      const entry = start + i * 5 * 60_000;
      trades.push(
        makeTrade({
          trade_id: `t${i}`,
          ticker: i % 3 === 0 ? 'TSLA' : 'AAPL',
          pnl: ((i * 7919) % 2001) - 1000,
          entry_timestamp: iso(entry),
          exit_timestamp: iso(entry + 4 * 60_000),
        }),
      );
    }

    const metrics = computeMetrics(trades, { timezone: 'America/New_York' });

    expect(metrics.trade_count).toBe(count);
    // The curve is thinned for charts and storage, but its end is the net P&L and it keeps the extremes.
    expect(metrics.equity_curve.length).toBeLessThanOrEqual(MAX_EQUITY_POINTS);
    expect(metrics.equity_curve.at(-1)?.cumulative_pnl).toBe(metrics.net_pnl);
  }, 60_000);
});

describe('roundMetrics', () => {
  it('rounds money to cents and ratios to 4 places, and is idempotent', () => {
    const metrics = computeMetrics(tradeSeries([10.005, -3.333, 1]));

    const rounded = roundMetrics(metrics);

    expect(rounded.gross_profit).toBe(11.01);
    expect(rounded.average_win).toBe(5.5);
    expect(rounded.win_rate).toBe(0.6667);
    expect(rounded.payoff_ratio).toBe(1.6509);
    expect(roundMetrics(rounded)).toEqual(rounded);
  });
});

// ---- properties ----

const TICKERS = ['AAPL', 'TSLA', 'ES', '6E'] as const;
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu'] as const;
const START = Date.parse('2026-01-01T00:00:00Z');

/** Trades on a 30-minute grid over three months, so equal exits and entries happen and must be ordered by id. */
const tradeArbitrary = fc
  .record({
    pnlCents: fc.oneof(fc.constant(0), fc.integer({ min: -10_000_000, max: 10_000_000 })),
    slot: fc.integer({ min: 0, max: 90 * 48 }),
    holdSlots: fc.integer({ min: 0, max: 20 }),
    ticker: fc.constantFrom(...TICKERS),
    side: fc.constantFrom('long' as const, 'short' as const),
    tags: fc.subarray(['breakout', 'fomo', 'news']),
    risk: fc.option(
      fc.record({ quantity: fc.integer({ min: 1, max: 500 }), entry: fc.integer({ min: 1, max: 1000 }), stop: fc.integer({ min: 1, max: 1000 }) }),
    ),
  })
  .map(({ pnlCents, slot, holdSlots, ticker, side, tags, risk }) => ({
    ticker,
    position_type: side,
    pnl: pnlCents / 100,
    entry_timestamp: new Date(START + slot * 1_800_000).toISOString().replace('.000Z', 'Z'),
    exit_timestamp: new Date(START + (slot + holdSlots) * 1_800_000).toISOString().replace('.000Z', 'Z'),
    tags,
    ...(risk ? { quantity: risk.quantity, entry_price: risk.entry, stop_loss: risk.stop } : {}),
  }));

const journalArbitrary = fc
  .array(tradeArbitrary, { maxLength: 60 })
  .map((rows) => rows.map((row, index) => makeTrade({ ...row, trade_id: `trade-${String(index).padStart(3, '0')}` })));

/** A plain reference for the order-dependent numbers: sort, then walk. */
function referenceWalk(trades: readonly StoredTrade[]) {
  const ordered = [...trades].sort(
    (a, b) =>
      Date.parse(a.exit_timestamp) - Date.parse(b.exit_timestamp) ||
      Date.parse(a.entry_timestamp) - Date.parse(b.entry_timestamp) ||
      (a.trade_id < b.trade_id ? -1 : 1),
  );
  let total = 0;
  let peak = 0;
  let drawdown = 0;
  let run = 0;
  let longestWin = 0;
  let longestLoss = 0;
  for (const trade of ordered) {
    total += cents(trade.pnl);
    peak = Math.max(peak, total);
    drawdown = Math.max(drawdown, peak - total);
    run = trade.pnl > 0 ? Math.max(run, 0) + 1 : trade.pnl < 0 ? Math.min(run, 0) - 1 : 0;
    longestWin = Math.max(longestWin, run);
    longestLoss = Math.max(longestLoss, -run);
  }
  return { ids: ordered.map((trade) => trade.trade_id), drawdown: drawdown / 100, longestWin, longestLoss };
}

describe('computeMetrics properties', () => {
  it('counts add up and rates stay in range', () => {
    fc.assert(
      fc.property(journalArbitrary, fc.constantFrom(...ZONES), (trades, timezone) => {
        const metrics = computeMetrics(trades, { timezone });

        expect(metrics.win_count + metrics.loss_count + metrics.breakeven_count).toBe(trades.length);
        expect(metrics.win_rate).toBeGreaterThanOrEqual(0);
        expect(metrics.win_rate).toBeLessThanOrEqual(1);
        expect(metrics.max_drawdown).toBeGreaterThanOrEqual(0);
        for (const rows of [metrics.by_ticker, metrics.by_position_type, metrics.by_weekday, metrics.by_hour]) {
          expect(sumCounts(rows)).toBe(trades.length);
          expect(rows.reduce((total, row) => total + cents(row.net_pnl), 0)).toBe(cents(metrics.net_pnl));
        }
      }),
    );
  });

  it('net P&L is gross profit minus gross loss, to the cent', () => {
    fc.assert(
      fc.property(journalArbitrary, (trades) => {
        const metrics = computeMetrics(trades);

        expect(Math.abs(metrics.net_pnl - (metrics.gross_profit - metrics.gross_loss))).toBeLessThan(1e-6);
        expect(cents(metrics.net_pnl)).toBe(cents(metrics.gross_profit) - cents(metrics.gross_loss));
        expect(metrics.equity_curve.at(-1)?.cumulative_pnl ?? 0).toBe(metrics.net_pnl);
      }),
    );
  });

  it('matches a plain sort-and-walk for order, drawdown and streaks', () => {
    fc.assert(
      fc.property(journalArbitrary, (trades) => {
        const metrics = computeMetrics(trades);
        const reference = referenceWalk(trades);

        expect(metrics.equity_curve.map((point) => point.trade_id)).toEqual(reference.ids);
        expect(metrics.max_drawdown).toBe(reference.drawdown);
        expect(metrics.longest_win_streak).toBe(reference.longestWin);
        expect(metrics.longest_loss_streak).toBe(reference.longestLoss);
      }),
    );
  });

  it('does not depend on the order of the input array', () => {
    const shuffledJournal = journalArbitrary.chain((trades) =>
      fc.tuple(fc.constant(trades), fc.shuffledSubarray(trades, { minLength: trades.length, maxLength: trades.length })),
    );
    fc.assert(
      fc.property(shuffledJournal, fc.constantFrom(...ZONES), ([trades, shuffled], timezone) => {
        expect(computeMetrics(shuffled, { timezone })).toEqual(computeMetrics(trades, { timezone }));
      }),
    );
  });
});

describe('computeMetrics in input order', () => {
  // A journal already in reading order is walked as it is read, nothing kept; otherwise from the first trade out of
  // order on, instants, P&L and R are kept, sorted and walked. Both ways must give the same metrics.
  const inOrder = (trades: StoredTrade[]) => [...chronologicalOrder(trades, tradeInstants(trades))].map((index) => trades[index]!);

  it('gives the same metrics for a journal in reading order as for any shuffle of it, one trade moved, or equal exits swapped (property)', () => {
    const journals = journalArbitrary.chain((trades) =>
      fc.tuple(
        fc.constant(inOrder(trades)),
        fc.shuffledSubarray(trades, { minLength: trades.length, maxLength: trades.length }),
        fc.nat(),
        fc.nat(),
      ),
    );
    fc.assert(
      fc.property(journals, fc.constantFrom(...ZONES), ([ordered, shuffled, from, to], timezone) => {
        const expected = computeMetrics(ordered, { timezone });
        const moved = [...ordered];
        if (moved.length > 0) moved.splice(to % moved.length, 0, ...moved.splice(from % moved.length, 1));
        // Exits in order, but trades sharing an exit backwards: only the later keys (entry, id) tell them apart.
        const tiesBackwards = [...ordered].reverse().sort((a, b) => Date.parse(a.exit_timestamp) - Date.parse(b.exit_timestamp));

        expect(computeMetrics(shuffled, { timezone })).toEqual(expected);
        expect(computeMetrics(moved, { timezone })).toEqual(expected);
        expect(computeMetrics(tiesBackwards, { timezone })).toEqual(expected);
      }),
    );
  });
});

describe('equity curve thinning', () => {
  /** The thinning rule over the whole curve at once: per bucket its lowest and highest point (the first of equals), in order, then the last point. */
  function referenceThinning(curve: readonly number[]): number[] {
    if (curve.length <= MAX_EQUITY_POINTS) return curve.map((_, k) => k);
    const bucket = Math.ceil(curve.length / Math.floor((MAX_EQUITY_POINTS - 1) / 2));
    const kept: number[] = [];
    for (let start = 0; start < curve.length; start += bucket) {
      const slice = curve.slice(start, start + bucket);
      const low = start + slice.indexOf(Math.min(...slice));
      const high = start + slice.indexOf(Math.max(...slice));
      kept.push(Math.min(low, high));
      if (high !== low) kept.push(Math.max(low, high));
    }
    if (kept.at(-1) !== curve.length - 1) kept.push(curve.length - 1);
    return kept;
  }

  it('keeps per bucket the lowest and highest point and the last one, for any curve (property)', () => {
    // Lengths around MAX_EQUITY_POINTS and bucket boundaries; few distinct steps, so equal points (ties) are common.
    const pnls = fc.integer({ min: 1, max: 2_600 }).chain((length) => fc.array(fc.constantFrom(-20, -1, 0, 1, 3, 20), { minLength: length, maxLength: length }));
    fc.assert(
      fc.property(pnls, (steps) => {
        const trades = tradeSeries(steps, { gapMinutes: 1, holdMinutes: 1 });
        let total = 0;
        const curve = steps.map((step) => (total += step));

        const points = computeMetrics(trades).equity_curve;

        const kept = referenceThinning(curve);
        expect(points.map((point) => point.trade_id)).toEqual(kept.map((k) => trades[k]!.trade_id));
        expect(points.map((point) => point.cumulative_pnl)).toEqual(kept.map((k) => curve[k]));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the deepest trough and the highest peak of a long journal', () => {
    const trades = Array.from({ length: 5000 }, (_, i) =>
      makeTrade({ trade_id: `t${i}`, pnl: i === 2500 ? -10_000 : i === 4000 ? 20_000 : 1, entry_timestamp: utcAt(i * 10), exit_timestamp: utcAt(i * 10 + 5) }),
    );

    const curve = computeMetrics(trades).equity_curve.map((p) => p.cumulative_pnl);

    expect(curve.length).toBeLessThanOrEqual(MAX_EQUITY_POINTS);
    expect(Math.min(...curve)).toBe(2500 - 10_000);
    expect(Math.max(...curve)).toBe(4999 - 1 - 10_000 + 20_000);
  });
});

describe('per-trade R', () => {
  it('puts each trade’s R on its equity point, null where the risk is unknown', () => {
    const trades = [
      makeTrade({ trade_id: 'a', pnl: 200, quantity: 100, entry_price: 50, stop_loss: 49, entry_timestamp: utcAt(0), exit_timestamp: utcAt(5) }),
      makeTrade({ trade_id: 'b', pnl: -50, entry_timestamp: utcAt(10), exit_timestamp: utcAt(15) }),
    ];

    const metrics = computeMetrics(trades);

    expect(metrics.equity_curve.map((p) => [p.trade_id, p.r])).toEqual([
      ['a', 2],
      ['b', null],
    ]);
    expect(metrics.average_r).toBe(2);
  });
});

describe('fractional P&L', () => {
  it('sums sub-cent amounts exactly and rounds to cents only at the edge', () => {
    const trades = [0.004, 0.004, 0.004, -0.006].map((pnl, i) => makeTrade({ trade_id: `f${i}`, pnl, entry_timestamp: utcAt(i * 10), exit_timestamp: utcAt(i * 10 + 5) }));

    const metrics = computeMetrics(trades);

    expect(metrics.win_count).toBe(3);
    expect(metrics.gross_profit).toBeCloseTo(0.012, 10);
    expect(metrics.net_pnl).toBeCloseTo(0.006, 10);
    expect(roundMetrics(metrics)).toMatchObject({ net_pnl: 0.01, gross_profit: 0.01, gross_loss: 0.01 });
  });
});
