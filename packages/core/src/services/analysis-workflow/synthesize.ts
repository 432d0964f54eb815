// Nodes `synthesize` and `persist`: the coach writes the report, and the job stores it once.
import { DEFAULT_REPORT_TITLE, renderReportMarkdown } from '../../analysis/report-markdown';
import type { AnalysisWorkflowDeps } from './deps';
import type { ProgressTracker } from './progress';
import { buildResult } from './result';
import type { AnalysisStateUpdate, AnalysisStateValue } from './state';

export function synthesizeNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.report('synthesize', 0.8);
    const { job, metrics, period } = state;
    const warnings: { step: 'synthesize'; message: string }[] = [];
    const report = await deps.coach.write({
      prompt: job.request.prompt,
      metrics,
      patterns: state.patterns,
      audio_insights: state.audio_insights,
      image_insights: state.image_insights,
      external_research: state.external_research,
      period,
      onFallback: (message) => warnings.push({ step: 'synthesize', message }),
    });
    const reportMarkdown = renderReportMarkdown(report, metrics, {
      title: DEFAULT_REPORT_TITLE,
      period,
      prompt: job.request.prompt,
      audio_insights: state.audio_insights,
      image_insights: state.image_insights,
    });
    return { report, report_markdown: reportMarkdown, warnings };
  };
}

export function persistNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.report('persist', 0.95);
    const jobId = state.job.job_id;
    const result = buildResult(state);
    const stored = await deps.jobs.complete(jobId, result);
    // False: another delivery of the same message finished first. Its result stands; this one is dropped.
    if (!stored) deps.logger?.info('job was already completed; this result was dropped', { job_id: jobId });
    return { persisted: stored, result };
  };
}
