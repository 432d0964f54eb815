// Patterns in how positions are handled: losers held longer than winners, and size raised after a run of losses.
import { formatCount, formatDuration, formatMoney, formatPercent, formatQuantity, formatRatio, plural } from './format';
import { idsOf, median, summarize } from './pattern-stats';
import { type BehaviouralPattern, PATTERN_RULES, type PatternContext, type TimedTrade } from './pattern-types';
import { roundMinutes, roundQuantity, roundRatio } from './rounding';
import { MS_PER_MINUTE } from './zoned-clock';

const holdMinutes = (timed: TimedTrade): number => (timed.exit - timed.entry) / MS_PER_MINUTE;
const mean = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0) / values.length;

/**
 * Losers held longer than winners: the average hold of losses is more than 1.25× that of wins. Flags the losses held
 * longer than the average winner, the ones where waiting for a turn-around cost the most time.
 */
export function detectHoldingLosers({ trades }: PatternContext): BehaviouralPattern | null {
  const timed = trades.filter((t) => Number.isFinite(t.exit - t.entry));
  const wins = timed.filter((t) => t.trade.pnl > 0);
  const losses = timed.filter((t) => t.trade.pnl < 0);
  if (wins.length < PATTERN_RULES.holding_min_trades || losses.length < PATTERN_RULES.holding_min_trades) return null;
  const winHold = mean(wins.map(holdMinutes));
  const lossHold = mean(losses.map(holdMinutes));
  // Winners closed the minute they opened leave no ratio to speak of.
  if (winHold <= 0 || lossHold <= PATTERN_RULES.holding_ratio * winHold) return null;

  const longHeld = losses.filter((t) => holdMinutes(t) > winHold);
  const evidence = {
    average_loss_hold_minutes: roundMinutes(lossHold),
    average_win_hold_minutes: roundMinutes(winHold),
    hold_ratio: roundRatio(lossHold / winHold),
    loss_count: losses.length,
    win_count: wins.length,
    long_held_loss_count: longHeld.length,
  };
  return {
    kind: 'holding_losers',
    title: 'Holding losers longer than winners',
    description:
      `Your losing trades were held ${formatDuration(evidence.average_loss_hold_minutes)} on average, ` +
      `${formatRatio(evidence.hold_ratio)} times as long as your winning trades (${formatDuration(evidence.average_win_hold_minutes)}). ` +
      `${formatCount(evidence.long_held_loss_count)} of your ${plural(evidence.loss_count, 'loss', 'losses')} ` +
      'were held longer than your average winner.',
    trade_ids: idsOf(longHeld),
    evidence,
  };
}

/**
 * Sizing up after losses: after at least two losses in a row, the next trade (in exit order) has a quantity above
 * 1.5× the trader's median quantity, the classic attempt to win it back in one go.
 */
export function detectSizeAfterLosses({ trades }: PatternContext): BehaviouralPattern | null {
  const quantities = trades.flatMap(({ trade }) => (trade.quantity != null && trade.quantity > 0 ? [trade.quantity] : []));
  if (quantities.length === 0) return null;
  const typical = median(quantities);
  const limit = PATTERN_RULES.size_median_multiple * typical;
  const sizedUp: TimedTrade[] = [];
  let lossStreak = 0;
  for (const timed of trades) {
    const quantity = timed.trade.quantity;
    if (lossStreak >= PATTERN_RULES.size_loss_streak && quantity != null && quantity > limit) sizedUp.push(timed);
    lossStreak = timed.trade.pnl < 0 ? lossStreak + 1 : 0;
  }
  if (sizedUp.length === 0) return null;

  const summary = summarize(sizedUp);
  const evidence = {
    median_quantity: roundQuantity(typical),
    size_multiple: PATTERN_RULES.size_median_multiple,
    loss_streak: PATTERN_RULES.size_loss_streak,
    sized_up_count: summary.trade_count,
    largest_quantity: roundQuantity(sizedUp.reduce((largest, { trade }) => Math.max(largest, trade.quantity ?? 0), 0)),
    sized_up_net_pnl: summary.net_pnl,
    sized_up_win_rate: summary.win_rate,
  };
  return {
    kind: 'size_after_losses',
    title: 'Sizing up after losses',
    description:
      `${plural(evidence.sized_up_count, 'time', 'times')}, right after ${formatCount(evidence.loss_streak)} or more losses in a row, ` +
      `your next trade was bigger than ${formatRatio(evidence.size_multiple)} times ` +
      `your median size of ${formatQuantity(evidence.median_quantity)} ` +
      `(largest: ${formatQuantity(evidence.largest_quantity)}). Those trades netted ${formatMoney(evidence.sized_up_net_pnl)} ` +
      `with a win rate of ${formatPercent(evidence.sized_up_win_rate)}.`,
    trade_ids: idsOf(sizedUp),
    evidence,
  };
}
