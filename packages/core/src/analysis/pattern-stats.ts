// Small statistics the pattern detectors share: median, and count / net / win rate of a group of trades (money summed in exact integer units).
import { MONEY_SCALE, roundMoney, roundRatio, toMoneyUnits } from './rounding';
import { type TimedTrade } from './pattern-types';

/** Median of the values; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface GroupSummary {
  trade_count: number;
  /** Rounded to cents, ready for evidence. */
  net_pnl: number;
  /** Rounded to 4 places, ready for evidence. */
  win_rate: number;
}

export function summarize(trades: readonly TimedTrade[]): GroupSummary {
  let units = 0;
  let wins = 0;
  for (const { trade } of trades) {
    units += toMoneyUnits(trade.pnl);
    if (trade.pnl > 0) wins++;
  }
  return {
    trade_count: trades.length,
    net_pnl: roundMoney(units / MONEY_SCALE),
    win_rate: trades.length === 0 ? 0 : roundRatio(wins / trades.length),
  };
}

export const idsOf = (trades: readonly TimedTrade[]): string[] => trades.map(({ trade }) => trade.trade_id);

export const byEntry = (a: TimedTrade, b: TimedTrade): number =>
  a.entry - b.entry || a.exit - b.exit || (a.trade.trade_id < b.trade.trade_id ? -1 : a.trade.trade_id > b.trade.trade_id ? 1 : 0);
