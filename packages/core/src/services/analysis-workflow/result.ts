// The stored outcome of an analysis (`AnalysisJob.result`): report, rounded numbers, insights, and what was skipped.
import { MAX_PATTERN_TRADES, STEP_NAMES, type AnalysisResult, type PatternTrade, type StepName } from '../../domain/analysis-result';
import type { BehaviouralPattern } from '../../domain/pattern';
import type { StoredTrade } from '../../domain/trade';
import { roundMetrics } from '../../analysis/round-metrics';
import { roundMoney } from '../../analysis/rounding';
import type { AnalysisStateValue } from './state';

// Parallel steps finish in any order; the stored result should not depend on which was faster.
const byStep = <T extends { step: StepName }>(entries: readonly T[]): T[] =>
  entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => STEP_NAMES.indexOf(a.entry.step) - STEP_NAMES.indexOf(b.entry.step) || a.index - b.index)
    .map(({ entry }) => entry);

/** The trades the patterns name, in journal order, bounded: what a reader needs to see each pattern's trades. */
export function patternTrades(trades: readonly StoredTrade[], patterns: readonly BehaviouralPattern[]): PatternTrade[] {
  const named = new Set(patterns.flatMap((pattern) => pattern.trade_ids));
  const out: PatternTrade[] = [];
  for (const trade of trades) {
    if (out.length >= MAX_PATTERN_TRADES) break;
    if (!named.has(trade.trade_id)) continue;
    out.push({
      trade_id: trade.trade_id,
      ticker: trade.ticker,
      position_type: trade.position_type,
      pnl: roundMoney(trade.pnl),
      entry_timestamp: trade.entry_timestamp,
      exit_timestamp: trade.exit_timestamp,
      ...(trade.quantity === undefined ? {} : { quantity: trade.quantity }),
      ...(trade.account === undefined ? {} : { account: trade.account }),
    });
  }
  return out;
}

export function buildResult(state: AnalysisStateValue): AnalysisResult {
  const { range } = state;
  return {
    report: state.report,
    report_markdown: state.report_markdown,
    metrics: roundMetrics(state.metrics),
    patterns: state.patterns,
    pattern_trades: patternTrades(state.trades, state.patterns),
    audio_insights: state.audio_insights,
    image_insights: state.image_insights,
    external_research: state.external_research,
    skipped_steps: byStep(state.skipped_steps),
    warnings: byStep(state.warnings),
    trade_count: state.metrics.trade_count,
    period: {
      ...(range.start ? { start_date: range.start } : {}),
      ...(range.end ? { end_date: range.end } : {}),
      timezone: range.timezone,
    },
  };
}
