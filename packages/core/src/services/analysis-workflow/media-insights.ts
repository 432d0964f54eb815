// Nodes `transcribe_audio` and `analyse_images`: what the trader's recordings and charts add, when a service reads them.
import type { MediaInsight } from '../../ports/coach.port';
import type { MediaItem } from '../../ports/media-analysis.port';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_CONCURRENCY, type AnalysisWorkflowDeps } from './deps';
import { errorMessage, type ProgressTracker } from './progress';
import type { AnalysisStateUpdate, AnalysisStateValue, FetchedMedia, StepName, WorkflowWarning } from './state';

/** Share of the progress bar each of the three parallel steps moves it by. */
export const PARALLEL_STEP_PROGRESS = 0.12;

/**
 * Runs `read` over the fetched files of one kind. A file the service cannot read becomes a warning: one bad
 * recording should not cost the trader the report.
 */
async function readEach(
  deps: AnalysisWorkflowDeps,
  step: StepName,
  files: readonly FetchedMedia[],
  read: (item: MediaItem) => Promise<{ summary: string }>,
): Promise<{ insights: MediaInsight[]; warnings: WorkflowWarning[] }> {
  const warnings: WorkflowWarning[] = [];
  const results = await mapWithConcurrency(files, deps.concurrency ?? DEFAULT_CONCURRENCY, async (file) => {
    try {
      const { summary } = await read({ file_id: file.file_id, mime_type: file.mime_type, data: file.data });
      const insight: MediaInsight = { file_id: file.file_id, trade_id: file.trade_id, summary };
      return insight;
    } catch (error) {
      warnings.push({ step, file_id: file.file_id, trade_id: file.trade_id, message: errorMessage(error) });
      return null;
    }
  });
  return { insights: results.filter((insight): insight is MediaInsight => insight !== null), warnings };
}

export function transcribeAudioNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.advance('transcribe_audio', PARALLEL_STEP_PROGRESS);
    const transcriber = deps.transcriber;
    if (!transcriber) {
      const reason = deps.skipReasons?.transcribe_audio ?? 'no audio transcriber is configured';
      return { audio_insights: [], skipped_steps: [{ step: 'transcribe_audio', reason }] };
    }
    const files = state.media.filter((file) => file.kind === 'audio');
    const { insights, warnings } = await readEach(deps, 'transcribe_audio', files, (item) => transcriber.transcribe(item));
    return { audio_insights: insights, warnings };
  };
}

export function analyseImagesNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.advance('analyse_images', PARALLEL_STEP_PROGRESS);
    const analyst = deps.imageAnalyst;
    if (!analyst) {
      const reason = deps.skipReasons?.analyse_images ?? 'no image analyst is configured';
      return { image_insights: [], skipped_steps: [{ step: 'analyse_images', reason }] };
    }
    const files = state.media.filter((file) => file.kind === 'image');
    const { insights, warnings } = await readEach(deps, 'analyse_images', files, (item) => analyst.analyse(item));
    return { image_insights: insights, warnings };
  };
}
