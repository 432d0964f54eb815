// Patterns in when the trader clicks: re-entering right after a big loss, and days with far more trades than usual.
import { formatCount, formatMoney, formatPercent, plural } from './format';
import { byEntry, idsOf, median, summarize } from './pattern-stats';
import { type BehaviouralPattern, PATTERN_RULES, type PatternContext, type TimedTrade } from './pattern-types';
import { roundMoney } from './rounding';
import { MS_PER_MINUTE } from './zoned-clock';

/** First index whose entry is at or after `ms` in trades sorted by entry. */
function firstEntryAtOrAfter(sorted: readonly TimedTrade[], ms: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.entry < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Revenge trading: a trade entered within the window after the exit of a loss larger than the average loss. The
 * average, not a fixed amount, is the yardstick because what stings depends on the trader's usual size.
 */
export function detectRevengeTrading({ trades, metrics }: PatternContext): BehaviouralPattern | null {
  if (metrics.loss_count === 0) return null;
  const averageLoss = metrics.average_loss;
  const windowMs = PATTERN_RULES.revenge_window_minutes * MS_PER_MINUTE;
  const sortedByEntry = trades.filter((t) => Number.isFinite(t.entry)).sort(byEntry);
  const revenge = new Set<TimedTrade>();
  let triggeringLosses = 0;
  // Losses in exit order have windows whose starts and ends never move back, so each entry is visited once at most
  // (`marked` is how far the entries have been marked): linear after the sorts, whatever the trading density.
  const bigLosses = trades
    .filter((t) => t.trade.pnl < 0 && -t.trade.pnl > averageLoss && Number.isFinite(t.exit))
    .sort((a, b) => a.exit - b.exit);
  let marked = 0;
  for (const loss of bigLosses) {
    const first = firstEntryAtOrAfter(sortedByEntry, loss.exit);
    const end = loss.exit + windowMs;
    // Followed at all: one of the first two entries in the window is another trade (the loss itself may be one).
    const followed = [first, first + 1].some((i) => i < sortedByEntry.length && sortedByEntry[i]!.entry <= end && sortedByEntry[i] !== loss);
    if (followed) triggeringLosses++;
    for (let i = Math.max(first, marked); i < sortedByEntry.length && sortedByEntry[i]!.entry <= end; i++) {
      if (sortedByEntry[i] !== loss) revenge.add(sortedByEntry[i]!);
      marked = i + 1;
    }
  }
  if (revenge.size === 0) return null;

  const revengeTrades = [...revenge].sort(byEntry);
  const summary = summarize(revengeTrades);
  const evidence = {
    window_minutes: PATTERN_RULES.revenge_window_minutes,
    average_loss: roundMoney(averageLoss),
    triggering_loss_count: triggeringLosses,
    revenge_trade_count: summary.trade_count,
    revenge_net_pnl: summary.net_pnl,
    revenge_win_rate: summary.win_rate,
  };
  return {
    kind: 'revenge_trading',
    title: 'Revenge trading',
    description:
      `${plural(evidence.revenge_trade_count, 'trade was', 'trades were')} opened within ${formatCount(evidence.window_minutes)} minutes ` +
      `of closing a loss bigger than your average loss of ${formatMoney(evidence.average_loss)} ` +
      `(after ${plural(evidence.triggering_loss_count, 'such loss', 'such losses')}). ` +
      `Together they netted ${formatMoney(evidence.revenge_net_pnl)} with a win rate of ${formatPercent(evidence.revenge_win_rate)}.`,
    trade_ids: idsOf(revengeTrades),
    evidence,
  };
}

/**
 * Overtrading days: local days (by entry) with at least twice the median day's trades and at least three more. The
 * median, not the mean, so that the busy days being looked for do not raise the bar they are measured against.
 */
export function detectOvertradingDays({ trades, clock }: PatternContext): BehaviouralPattern | null {
  const days = new Map<string, TimedTrade[]>();
  for (const timed of trades) {
    const day = clock.dateKey(timed.entry);
    if (day === '') continue;
    const list = days.get(day);
    if (list) list.push(timed);
    else days.set(day, [timed]);
  }
  if (days.size < PATTERN_RULES.overtrading_min_days) return null;
  const typical = median([...days.values()].map((list) => list.length));
  const isBusy = (count: number) =>
    count >= PATTERN_RULES.overtrading_median_multiple * typical && count >= typical + PATTERN_RULES.overtrading_extra_trades;
  const busyDays = [...days].filter(([, list]) => isBusy(list.length)).sort(([a], [b]) => (a < b ? -1 : 1));
  if (busyDays.length === 0) return null;

  const busyTrades = busyDays.flatMap(([, list]) => list).sort(byEntry);
  const otherTrades = [...days].filter(([, list]) => !isBusy(list.length)).flatMap(([, list]) => list);
  const busy = summarize(busyTrades);
  const other = summarize(otherTrades);
  const evidence = {
    trading_day_count: days.size,
    median_trades_per_day: typical,
    overtrading_day_count: busyDays.length,
    busiest_day_trade_count: busyDays.reduce((most, [, list]) => Math.max(most, list.length), 0),
    days: busyDays.map(([day, list]) => `${day} (${plural(list.length, 'trade')})`).join(', '),
    overtrading_trade_count: busy.trade_count,
    overtrading_net_pnl: busy.net_pnl,
    overtrading_win_rate: busy.win_rate,
    other_days_win_rate: other.win_rate,
  };
  return {
    kind: 'overtrading_days',
    title: 'Overtrading days',
    description:
      `On ${formatCount(evidence.overtrading_day_count)} of your ${formatCount(evidence.trading_day_count)} trading days ` +
      'you placed far more trades ' +
      `than on your median day of ${plural(evidence.median_trades_per_day, 'trade')}: ${evidence.days}. ` +
      `Those days netted ${formatMoney(evidence.overtrading_net_pnl)} with a win rate of ${formatPercent(evidence.overtrading_win_rate)}, ` +
      `against ${formatPercent(evidence.other_days_win_rate)} on your other days.`,
    trade_ids: idsOf(busyTrades),
    evidence,
  };
}
