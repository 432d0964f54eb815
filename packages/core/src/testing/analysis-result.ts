// A small, valid analysis result for tests of job stores and job views: real metrics of a few trades, a fixed report.
import { computeMetrics } from '../analysis/metrics';
import { roundMetrics } from '../analysis/round-metrics';
import type { AnalysisResult } from '../domain/analysis-result';
import { sampleJournal } from './make-trade';

/** A result whose report summary is `summary`, so two results are told apart by it. */
export function analysisResult(summary = 'A steady month.', overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  const metrics = roundMetrics(computeMetrics(sampleJournal(5)));
  return {
    report: {
      performance_overview: { summary, key_metrics: [`${metrics.trade_count} trades`] },
      behavioural_patterns: [],
      opportunities: [],
      action_plan: [{ title: 'Keep a journal', detail: 'Log every trade the day you make it.' }],
    },
    report_markdown: `# Report\n\n${summary}\n`,
    metrics,
    patterns: [],
    audio_insights: [],
    image_insights: [],
    external_research: [],
    skipped_steps: [],
    warnings: [],
    trade_count: metrics.trade_count,
    period: { timezone: 'UTC' },
    ...overrides,
  };
}
