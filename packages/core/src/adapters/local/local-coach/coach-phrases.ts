// Sentences about metrics that more than one part of a report needs; they take rounded metrics and print nothing else.
import { formatCount, formatDate, formatDuration, formatHour, formatMoney, formatPercent, formatR, formatRatio, plural } from '../../../analysis/format';
import type { BreakdownRow, Metrics } from '../../../domain/metrics';
import { UNKNOWN_BUCKET } from '../../../analysis/breakdown';

/** `5 trades, net -90.00, win rate 20.0%`. */
export function rowResults(row: BreakdownRow): string {
  return `${plural(row.trade_count, 'trade')}, net ${formatMoney(row.net_pnl)}, win rate ${formatPercent(row.win_rate)}`;
}

/** Rows with a readable key, best and worst by net P&L (ties to the earlier row). Null when there are none. */
export function bestAndWorst(rows: readonly BreakdownRow[]): { best: BreakdownRow; worst: BreakdownRow } | null {
  const known = rows.filter((row) => row.key !== UNKNOWN_BUCKET);
  const first = known[0];
  if (!first) return null;
  let best = first;
  let worst = first;
  for (const row of known) {
    if (row.net_pnl > best.net_pnl) best = row;
    if (row.net_pnl < worst.net_pnl) worst = row;
  }
  return { best, worst };
}

export const hourLabel = (row: BreakdownRow): string => `the ${formatHour(row.key)} hour`;

/** `from 2026-03-02 to 2026-03-27 (America/New_York)`, or `on 2026-03-02 (UTC)` for a single day. */
export function periodPhrase(metrics: Metrics): string {
  if (metrics.first_exit === null || metrics.last_exit === null) return '';
  const first = formatDate(metrics.first_exit, metrics.timezone);
  const last = formatDate(metrics.last_exit, metrics.timezone);
  return first === last ? `on ${first} (${metrics.timezone})` : `from ${first} to ${last} (${metrics.timezone})`;
}

/** The one-sentence verdict every report with trades includes. */
export function overallSentence(metrics: Metrics): string {
  const factor =
    metrics.profit_factor === null ? 'no losing trade, so no profit factor' : `a profit factor of ${formatRatio(metrics.profit_factor)}`;
  return (
    `Across ${plural(metrics.trade_count, 'closed trade')} ${periodPhrase(metrics)} you netted ${formatMoney(metrics.net_pnl)}, ` +
    `${formatMoney(metrics.expectancy)} per trade, with a win rate of ${formatPercent(metrics.win_rate)} and ${factor}.`
  );
}

export const winRateLine = (m: Metrics): string =>
  `Win rate: ${formatPercent(m.win_rate)} ` +
  `(${plural(m.win_count, 'win')}, ${plural(m.loss_count, 'loss', 'losses')}, ${formatCount(m.breakeven_count)} break-even)`;
export const payoffLine = (m: Metrics): string =>
  `Average win / average loss: ${formatMoney(m.average_win)} / ${formatMoney(m.average_loss)} (payoff ratio ${formatRatio(m.payoff_ratio)})`;
export const largestLine = (m: Metrics): string => `Largest win / largest loss: ${formatMoney(m.largest_win)} / ${formatMoney(m.largest_loss)}`;
export const drawdownLine = (m: Metrics): string => `Max drawdown: ${formatMoney(m.max_drawdown)}`;
export const averageRLine = (m: Metrics): string =>
  `Average R: ${formatR(m.average_r)} over ${plural(m.r_trade_count, 'trade')} with a logged stop`;

/** The key metrics of every report, after whatever the question put first. */
export function standardKeyMetrics(m: Metrics): string[] {
  return [
    `Net P&L: ${formatMoney(m.net_pnl)} over ${plural(m.trade_count, 'trade')}`,
    winRateLine(m),
    `Profit factor: ${m.profit_factor === null ? 'n/a (no losing trades)' : formatRatio(m.profit_factor)}`,
    payoffLine(m),
    `Expectancy: ${formatMoney(m.expectancy)} per trade`,
    largestLine(m),
    drawdownLine(m),
    `Longest streaks: ${plural(m.longest_win_streak, 'win')}, ${plural(m.longest_loss_streak, 'loss', 'losses')}`,
    `Average hold: ${formatDuration(m.average_hold_minutes)}`,
    ...(m.r_trade_count > 0 ? [averageRLine(m)] : []),
  ];
}
