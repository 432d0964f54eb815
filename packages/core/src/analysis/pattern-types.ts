// What a behavioural pattern is, the thresholds that define each one, and the trade view the detectors share.
import type { Metrics } from '../domain/metrics';
import { PATTERN_KINDS, type BehaviouralPattern, type PatternKind } from '../domain/pattern';
import { type StoredTrade } from '../domain/trade';
import { type ZonedClock } from './zoned-clock';

export { PATTERN_KINDS };
export type { BehaviouralPattern, PatternKind };

/**
 * The rules, in one place so a report can quote them and the grounding check can accept them. Changing one changes
 * what the trader is told, so each is a named constant rather than a literal in a detector.
 */
export const PATTERN_RULES = {
  /** A new entry this soon after closing a bigger-than-average loss is revenge trading. */
  revenge_window_minutes: 60,
  /** Overtrading needs this many trading days to have a median worth comparing to. */
  overtrading_min_days: 3,
  /** An overtrading day has at least this multiple of the median day's trades… */
  overtrading_median_multiple: 2,
  /** …and at least this many more, so 2 trades against a median of 1 is not flagged. */
  overtrading_extra_trades: 3,
  /** Wins and losses each needed before hold times are compared. */
  holding_min_trades: 3,
  /** Losers held this many times as long as winners, or longer, are flagged. */
  holding_ratio: 1.25,
  /** Consecutive losses after which the next trade's size is checked. */
  size_loss_streak: 2,
  /** A size above this multiple of the median quantity counts as sizing up. */
  size_median_multiple: 1.5,
  /** Trades an hour or ticker needs before it can be called consistently losing… */
  losing_bucket_min_trades: 5,
  /** …with a net loss and a win rate below this. */
  losing_bucket_max_win_rate: 0.4,
} as const;

/** A trade with its instants read once (NaN when unreadable). */
export interface TimedTrade {
  trade: StoredTrade;
  entry: number;
  exit: number;
}

export interface PatternContext {
  /** In chronological order (exit, then entry, then id), as the metrics engine reads them. */
  trades: readonly TimedTrade[];
  metrics: Metrics;
  clock: ZonedClock;
}
