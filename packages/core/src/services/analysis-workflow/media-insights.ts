// Nodes `transcribe_audio` and `analyse_images`: what the trader's recordings and charts add, when a service reads them.
import type { MediaInsight } from '../../ports/coach.port';
import type { AudioTranscriber, ImageAnalysis, ImageAnalyst, MediaItem } from '../../ports/media-analysis.port';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_CONCURRENCY, type AnalysisWorkflowDeps } from './deps';
import { errorMessage, type ProgressTracker } from './progress';
import type { AnalysisStateUpdate, AnalysisStateValue, FetchedMedia, WorkflowWarning } from './state';

/** Share of the progress bar each of the three parallel steps moves it by. */
export const PARALLEL_STEP_PROGRESS = 0.12;

/** The insight's link back to its file and trade, beside what a service read from it. */
const about = (file: FetchedMedia): Pick<MediaInsight, 'file_id' | 'trade_id' | 'link'> => ({
  file_id: file.file_id,
  trade_id: file.trade_id,
  ...(file.link ? { link: file.link } : {}),
});

const asItem = (file: FetchedMedia): MediaItem => ({ file_id: file.file_id, mime_type: file.mime_type, data: file.data });

/**
 * Transcribes each recording. A file the service cannot read becomes a warning: one bad recording should not cost
 * the trader the report.
 */
async function transcribeEach(
  deps: AnalysisWorkflowDeps,
  transcriber: AudioTranscriber,
  files: readonly FetchedMedia[],
): Promise<{ insights: MediaInsight[]; warnings: WorkflowWarning[] }> {
  const warnings: WorkflowWarning[] = [];
  const results = await mapWithConcurrency(files, deps.concurrency ?? DEFAULT_CONCURRENCY, async (file) => {
    try {
      const { summary, transcript, sentiment, highlights } = await transcriber.transcribe(asItem(file));
      const insight: MediaInsight = {
        ...about(file),
        summary,
        ...(transcript ? { transcript } : {}),
        ...(sentiment ? { sentiment } : {}),
        ...(highlights?.length ? { highlights } : {}),
      };
      return insight;
    } catch (error) {
      warnings.push({ step: 'transcribe_audio', file_id: file.file_id, trade_id: file.trade_id, message: errorMessage(error) });
      return null;
    }
  });
  return { insights: results.filter((insight): insight is MediaInsight => insight !== null), warnings };
}

/**
 * Hands the analyst every chart at once (it may read several per call); an image it did not answer for, or a call
 * that failed, becomes a warning per file.
 */
async function analyseAll(
  analyst: ImageAnalyst,
  files: readonly FetchedMedia[],
): Promise<{ insights: MediaInsight[]; warnings: WorkflowWarning[] }> {
  if (files.length === 0) return { insights: [], warnings: [] };
  const warn = (file: FetchedMedia, message: string): WorkflowWarning => ({ step: 'analyse_images', file_id: file.file_id, trade_id: file.trade_id, message });
  let analyses: ImageAnalysis[];
  try {
    analyses = await analyst.analyse(files.map(asItem));
  } catch (error) {
    return { insights: [], warnings: files.map((file) => warn(file, errorMessage(error))) };
  }
  const byId = new Map(analyses.map((analysis) => [analysis.file_id, analysis]));
  const insights: MediaInsight[] = [];
  const warnings: WorkflowWarning[] = [];
  for (const file of files) {
    const analysis = byId.get(file.file_id);
    if (!analysis) {
      warnings.push(warn(file, 'the image analyst returned nothing for this image'));
      continue;
    }
    insights.push({
      ...about(file),
      summary: analysis.summary,
      ...(analysis.risks?.length ? { risks: analysis.risks } : {}),
      ...(analysis.opportunities?.length ? { opportunities: analysis.opportunities } : {}),
    });
  }
  return { insights, warnings };
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
    const { insights, warnings } = await transcribeEach(deps, transcriber, files);
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
    const { insights, warnings } = await analyseAll(analyst, files);
    return { image_insights: insights, warnings };
  };
}
