import { type StoredTrade } from '../domain/trade';
import { makeTrade } from '../testing/make-trade';
import { computeMetrics } from './metrics';
import { type BehaviouralPattern, detectPatterns, type PatternKind } from './patterns';

/** A trade from `entry` to `exit` (`HH:MM` on `day`, UTC). */
function trade(id: string, pnl: number, entry: string, exit: string, fields: Partial<StoredTrade> = {}, day = '2026-03-02'): StoredTrade {
  return makeTrade({ trade_id: id, pnl, entry_timestamp: `${day}T${entry}:00Z`, exit_timestamp: `${day}T${exit}:00Z`, ...fields });
}

/** Minutes after midnight as `HH:MM`. */
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function detect(trades: readonly StoredTrade[], timezone = 'UTC'): BehaviouralPattern[] {
  return detectPatterns(trades, computeMetrics(trades, { timezone }));
}

const ofKind = (patterns: readonly BehaviouralPattern[], kind: PatternKind) => patterns.filter((p) => p.kind === kind);

describe('revenge trading', () => {
  // Losses 100, 20, 90, 10: the average loss is 55, so only t1 and t5 are big enough to sting.
  const session = (t6Entry: string) => [
    trade('t1', -100, '09:00', '09:30'),
    trade('t2', 40, '09:45', '10:00'),
    trade('t3', -20, '11:00', '11:10'),
    trade('t4', 10, '11:20', '11:40'),
    trade('t5', -90, '13:00', '13:30'),
    trade('t6', -10, t6Entry, '14:45'),
    trade('t7', 5, '15:46', '16:00'),
  ];

  it('flags entries within 60 minutes (inclusive) of a bigger-than-average loss, not after a small one', () => {
    const [pattern, ...others] = ofKind(detect(session('14:30')), 'revenge_trading');

    expect(others).toHaveLength(0);
    expect(pattern?.trade_ids).toEqual(['t2', 't6']);
    expect(pattern?.evidence).toEqual({
      window_minutes: 60,
      average_loss: 55,
      triggering_loss_count: 2,
      revenge_trade_count: 2,
      revenge_net_pnl: 30,
      revenge_win_rate: 0.5,
    });
    expect(pattern?.description).toBe(
      '2 trades were opened within 60 minutes of closing a loss bigger than your average loss of 55.00 (after 2 such losses). ' +
        'Together they netted 30.00 with a win rate of 50.0%.',
    );
  });

  it('does not flag an entry 61 minutes after the loss', () => {
    const pattern = ofKind(detect(session('14:31')), 'revenge_trading')[0];

    expect(pattern?.trade_ids).toEqual(['t2']);
  });

  it('finds nothing when every loss is the same size (none is bigger than the average)', () => {
    const trades = [trade('a', -50, '09:00', '09:10'), trade('b', -50, '09:15', '09:20'), trade('c', -50, '09:25', '09:30')];

    expect(ofKind(detect(trades), 'revenge_trading')).toEqual([]);
  });
});

describe('overtrading days', () => {
  /** `counts[i]` trades on day i (2026-03-02 onward), 30 minutes apart from 14:00 UTC, ids `d<day>-<n>`. */
  function days(counts: readonly number[]): StoredTrade[] {
    return counts.flatMap((count, day) =>
      Array.from({ length: count }, (_, n) => {
        const minutes = 14 * 60 + n * 30;
        return trade(`d${day + 1}-${n + 1}`, n % 2 === 0 ? -10 : 5, hhmm(minutes), hhmm(minutes + 10), {}, `2026-03-0${day + 2}`);
      }),
    );
  }

  it('flags a day with at least twice the median and at least three more trades', () => {
    // Median of 2, 2, 3, 7 is 2.5: 7 is ≥ 5 and ≥ 5.5.
    const [pattern] = ofKind(detect(days([2, 2, 3, 7])), 'overtrading_days');

    expect(pattern?.trade_ids).toEqual(['d4-1', 'd4-2', 'd4-3', 'd4-4', 'd4-5', 'd4-6', 'd4-7']);
    expect(pattern?.evidence).toMatchObject({
      trading_day_count: 4,
      median_trades_per_day: 2.5,
      overtrading_day_count: 1,
      days: '2026-03-05 (7 trades)',
      overtrading_net_pnl: -25,
      overtrading_win_rate: 0.4286,
    });
  });

  it('does not flag a busy day that is not three trades above the median', () => {
    // 5 is twice the median of 2.5 but only 2.5 more.
    expect(ofKind(detect(days([2, 2, 3, 5])), 'overtrading_days')).toEqual([]);
  });

  it('needs at least three trading days', () => {
    expect(ofKind(detect(days([1, 9])), 'overtrading_days')).toEqual([]);
  });

  it('counts days in the trader’s zone', () => {
    // 01:00–03:50 UTC on 2026-03-06 is the evening of 2026-03-05 in New York.
    const lateSlots = [['01:00', '01:20'], ['01:30', '01:50'], ['02:00', '02:20'], ['02:30', '02:50'], ['03:00', '03:20'], ['03:30', '03:50']];
    const late = lateSlots.map(([entry, exit], n) => trade(`late-${n + 1}`, -5, entry!, exit!, {}, '2026-03-06'));
    const trades = [...days([1, 1, 1, 1]), ...late];

    const [newYork] = ofKind(detect(trades, 'America/New_York'), 'overtrading_days');
    const [utc] = ofKind(detect(trades, 'UTC'), 'overtrading_days');

    expect(newYork?.evidence.days).toBe('2026-03-05 (7 trades)');
    expect(utc?.evidence.days).toBe('2026-03-06 (6 trades)');
  });
});

describe('holding losers', () => {
  const journal = (lossHolds: readonly number[]) => [
    trade('w1', 10, '09:00', '09:10'),
    trade('w2', 10, '10:00', '10:20'),
    trade('w3', 10, '11:00', '11:30'),
    ...lossHolds.map((hold, i) => trade(`l${i + 1}`, -10, '12:00', hhmm(12 * 60 + hold), {}, `2026-03-0${i + 3}`)),
  ];

  it('flags losses held longer than the average winner when losers average over 1.25× the winners’ hold', () => {
    // Wins 10, 20, 30 min (average 20); losses 20, 40, 60 min (average 40).
    const [pattern] = ofKind(detect(journal([20, 40, 60])), 'holding_losers');

    expect(pattern?.trade_ids).toEqual(['l2', 'l3']);
    expect(pattern?.evidence).toEqual({
      average_loss_hold_minutes: 40,
      average_win_hold_minutes: 20,
      hold_ratio: 2,
      loss_count: 3,
      win_count: 3,
      long_held_loss_count: 2,
    });
  });

  it('does not flag losers held exactly 1.25× as long', () => {
    expect(ofKind(detect(journal([20, 25, 30])), 'holding_losers')).toEqual([]);
  });

  it('needs three wins and three losses', () => {
    expect(ofKind(detect(journal([200, 300])), 'holding_losers')).toEqual([]);
  });
});

describe('sizing up after losses', () => {
  const sequence = (rows: readonly [number, number | undefined][]) =>
    rows.map(([pnl, quantity], i) => trade(`t${i + 1}`, pnl, hhmm((9 + i) * 60), hhmm((9 + i) * 60 + 30), quantity === undefined ? {} : { quantity }));

  it('flags the next trade after two or more losses when it is over 1.5× the median quantity', () => {
    // Median quantity 100, so anything above 150 after a streak of two losses counts; t9 follows one loss only.
    const trades = sequence([
      [-10, 100],
      [-10, 100],
      [20, 200],
      [-10, 100],
      [-10, 100],
      [-10, 300],
      [5, 100],
      [-10, 100],
      [30, 400],
    ]);

    const [pattern] = ofKind(detect(trades), 'size_after_losses');

    expect(pattern?.trade_ids).toEqual(['t3', 't6']);
    expect(pattern?.evidence).toMatchObject({
      median_quantity: 100,
      sized_up_count: 2,
      largest_quantity: 300,
      sized_up_net_pnl: 10,
      sized_up_win_rate: 0.5,
    });
  });

  it('does not flag a size exactly 1.5× the median, or any trade when quantities are unknown', () => {
    expect(ofKind(detect(sequence([[-10, 100], [-10, 100], [20, 150], [5, 100]])), 'size_after_losses')).toEqual([]);
    expect(ofKind(detect(sequence([[-10, undefined], [-10, undefined], [20, undefined]])), 'size_after_losses')).toEqual([]);
  });
});

describe('losing hours and tickers', () => {
  /** `pnls` as trades entered at `hour`:00, :05, … on consecutive days. */
  const at = (prefix: string, hour: string, pnls: readonly number[], fields: Partial<StoredTrade> = {}) =>
    pnls.map((pnl, i) => trade(`${prefix}${i + 1}`, pnl, `${hour}:0${i}`, `${hour}:5${i}`, fields, `2026-03-${String(2 + i).padStart(2, '0')}`));

  it('flags an hour and a ticker with at least 5 trades, a net loss and a win rate under 40%', () => {
    const trades = [
      ...at('h', '14', [-50, -40, 30, -20, -10], { ticker: 'TSLA' }), // 5 trades, 1 win (20%), net -90
      ...at('f', '15', [-10, -10, -10, -10], { ticker: 'AMD' }), // only 4 trades
      ...at('n', '09', [-50, 10, 10, -50, -50], { ticker: 'NVDA' }), // 2 wins: exactly 40%
    ];

    const patterns = detect(trades);

    const hours = ofKind(patterns, 'losing_time_of_day');
    expect(hours.map((p) => p.trade_ids)).toEqual([['h1', 'h2', 'h3', 'h4', 'h5']]);
    expect(hours[0]?.evidence).toEqual({ hour: '14:00', timezone: 'UTC', trade_count: 5, net_pnl: -90, win_rate: 0.2 });
    expect(hours[0]?.description).toBe('Trades you entered in the 14:00 hour (UTC) lose consistently: 5 trades, net -90.00, win rate 20.0%.');
    const tickers = ofKind(patterns, 'losing_ticker');
    expect(tickers.map((p) => [p.evidence.ticker, p.trade_ids])).toEqual([['TSLA', ['h1', 'h2', 'h3', 'h4', 'h5']]]);
  });

  it('reads the hour in the trader’s zone', () => {
    const trades = at('h', '14', [-50, -40, 30, -20, -10]);

    const [hour] = ofKind(detect(trades, 'Europe/Berlin'), 'losing_time_of_day');

    expect(hour?.evidence.hour).toBe('15:00');
  });

  it('finds no pattern in a profitable journal', () => {
    const trades = at('p', '10', [50, 40, -30, 20, 10, 5, -5]);

    expect(detect(trades)).toEqual([]);
  });
});

it('returns no patterns for no trades', () => {
  expect(detect([])).toEqual([]);
});
