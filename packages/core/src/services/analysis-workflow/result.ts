// The stored outcome of an analysis (`AnalysisJob.result`): report, rounded numbers, insights, and what was skipped.
import { STEP_NAMES, type AnalysisResult, type StepName } from '../../domain/analysis-result';
import { roundMetrics } from '../../analysis/round-metrics';
import type { AnalysisStateValue } from './state';

// Parallel steps finish in any order; the stored result should not depend on which was faster.
const byStep = <T extends { step: StepName }>(entries: readonly T[]): T[] =>
  entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => STEP_NAMES.indexOf(a.entry.step) - STEP_NAMES.indexOf(b.entry.step) || a.index - b.index)
    .map(({ entry }) => entry);

export function buildResult(state: AnalysisStateValue): AnalysisResult {
  const { range } = state;
  return {
    report: state.report,
    report_markdown: state.report_markdown,
    metrics: roundMetrics(state.metrics),
    patterns: state.patterns,
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
