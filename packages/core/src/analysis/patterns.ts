// Behavioural patterns: habits the trades show (revenge trading, overtrading, …), each with its trades and evidence.
import { type StoredTrade } from '../domain/trade';
import { detectLosingHours, detectLosingTickers } from './losing-bucket-patterns';
import type { Metrics } from '../domain/metrics';
import { type BehaviouralPattern, type PatternContext } from './pattern-types';
import { detectOvertradingDays, detectRevengeTrading } from './session-patterns';
import { detectHoldingLosers, detectSizeAfterLosses } from './trade-handling-patterns';
import { chronologicalOrder, tradeInstants } from './trade-order';
import { createZonedClock } from './zoned-clock';

export { PATTERN_KINDS, PATTERN_RULES, type BehaviouralPattern, type PatternKind } from './pattern-types';

export interface PatternOptions {
  /** IANA zone for days and hours; defaults to the zone the metrics were computed in. */
  timezone?: string;
}

/**
 * Every pattern the trades show, in a fixed order of kinds (losing hours and tickers worst first). `metrics` must be
 * computeMetrics output for the same trades: the revenge rule measures losses against its average loss.
 */
export function detectPatterns(trades: readonly StoredTrade[], metrics: Metrics, options: PatternOptions = {}): BehaviouralPattern[] {
  const clock = createZonedClock(options.timezone ?? metrics.timezone);
  const instants = tradeInstants(trades, clock.timezone);
  const ordered = [...chronologicalOrder(trades, instants)].map((index) => ({
    trade: trades[index]!,
    entry: instants.entry[index]!,
    exit: instants.exit[index]!,
  }));
  const context: PatternContext = { trades: ordered, metrics, clock };
  return [
    detectRevengeTrading(context),
    detectOvertradingDays(context),
    detectHoldingLosers(context),
    detectSizeAfterLosses(context),
    ...detectLosingHours(context),
    ...detectLosingTickers(context),
  ].filter((pattern): pattern is BehaviouralPattern => pattern !== null);
}
