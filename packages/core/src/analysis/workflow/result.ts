// The stored outcome of an analysis (`AnalysisJob.result`): report, rounded numbers, insights, and what was skipped.
import type { MediaInsight } from '../../ports/coach.port';
import type { ResearchFinding } from '../../ports/media-analysis.port';
import { roundMetrics, type Metrics } from '../metrics';
import type { BehaviouralPattern } from '../patterns';
import type { Report } from '../report';
import type { AnalysisStateValue, SkippedStep, StepName, WorkflowWarning } from './state';

/** The API returns these keys beside the job's own fields (status, stage…), so none may share a name with them. */
export type AnalysisResult = {
  report: Report;
  report_markdown: string;
  /** Rounded at the edge (cents, 4-place ratios), as every reader should see them. */
  metrics: Metrics;
  patterns: BehaviouralPattern[];
  audio_insights: MediaInsight[];
  image_insights: MediaInsight[];
  external_research: ResearchFinding[];
  /** Steps that did not run, with the reason (service not configured, nothing to do). */
  skipped_steps: SkippedStep[];
  /** Partial failures the report was written without (unreadable rows, files that could not be read). */
  warnings: WorkflowWarning[];
  trade_count: number;
  period: { start_date?: string; end_date?: string; timezone: string };
};

const STEP_ORDER: readonly StepName[] = [
  'load_journal',
  'compute_metrics',
  'collect_media',
  'transcribe_audio',
  'analyse_images',
  'web_research',
  'synthesize',
  'persist',
];

// Parallel steps finish in any order; the stored result should not depend on which was faster.
const byStep = <T extends { step: StepName }>(entries: readonly T[]): T[] =>
  entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => STEP_ORDER.indexOf(a.entry.step) - STEP_ORDER.indexOf(b.entry.step) || a.index - b.index)
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
