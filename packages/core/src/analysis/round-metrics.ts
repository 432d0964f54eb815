// Metrics as they leave the engine: money in cents, ratios to 4 places, hold times to a tenth of a minute.
import type { BreakdownRow, Metrics } from '../domain/metrics';
import { roundMinutes, roundMoney, roundNullableRatio, roundRatio } from './rounding';

const roundRow = (row: BreakdownRow): BreakdownRow => ({
  key: row.key,
  trade_count: row.trade_count,
  net_pnl: roundMoney(row.net_pnl),
  win_rate: roundRatio(row.win_rate),
});

/**
 * The engine keeps full precision so that sums and ratios do not compound rounding; this rounds once, for storage and
 * for every sentence a coach writes. Idempotent: rounding rounded metrics changes nothing.
 */
export function roundMetrics(metrics: Metrics): Metrics {
  return {
    ...metrics,
    win_rate: roundRatio(metrics.win_rate),
    net_pnl: roundMoney(metrics.net_pnl),
    gross_profit: roundMoney(metrics.gross_profit),
    gross_loss: roundMoney(metrics.gross_loss),
    profit_factor: roundNullableRatio(metrics.profit_factor),
    average_win: roundMoney(metrics.average_win),
    average_loss: roundMoney(metrics.average_loss),
    payoff_ratio: roundNullableRatio(metrics.payoff_ratio),
    expectancy: roundMoney(metrics.expectancy),
    largest_win: roundMoney(metrics.largest_win),
    largest_loss: roundMoney(metrics.largest_loss),
    max_drawdown: roundMoney(metrics.max_drawdown),
    average_hold_minutes: roundMinutes(metrics.average_hold_minutes),
    average_r: roundNullableRatio(metrics.average_r),
    average_win_r: roundNullableRatio(metrics.average_win_r),
    average_loss_r: roundNullableRatio(metrics.average_loss_r),
    by_ticker: metrics.by_ticker.map(roundRow),
    by_position_type: metrics.by_position_type.map(roundRow),
    by_weekday: metrics.by_weekday.map(roundRow),
    by_hour: metrics.by_hour.map(roundRow),
    by_tag: metrics.by_tag.map(roundRow),
    by_account: (metrics.by_account ?? []).map(roundRow),
    equity_curve: metrics.equity_curve.map((point) => ({
      ...point,
      cumulative_pnl: roundMoney(point.cumulative_pnl),
      r: point.r === null ? null : roundRatio(point.r),
    })),
  };
}
