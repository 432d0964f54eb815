// The state the analysis graph passes between its nodes, and the record of steps it skipped or partly failed.
import { Annotation } from '@langchain/langgraph';
import type { DateRange } from '../../domain/date-range';
import type { StoredTrade } from '../../domain/trade';
import type { MediaInsight } from '../../ports/coach.port';
import type { AnalysisJob } from '../../ports/job-store.port';
import type { ResearchFinding } from '../../ports/media-analysis.port';
import type { Metrics } from '../metrics';
import type { BehaviouralPattern } from '../patterns';
import type { Report } from '../report';
import type { AnalysisResult } from './result';

export type StepName =
  | 'load_journal'
  | 'compute_metrics'
  | 'collect_media'
  | 'transcribe_audio'
  | 'analyse_images'
  | 'web_research'
  | 'synthesize'
  | 'persist';

/** A step that did not run, and why (service not configured, nothing to do). */
export interface SkippedStep {
  step: StepName;
  reason: string;
}

/** Something that went wrong without stopping the analysis (an unreadable row, a file that could not be read). */
export interface WorkflowWarning {
  step: StepName;
  message: string;
  file_id?: string;
  trade_id?: string;
}

/** An attachment fetched for analysis. */
export interface FetchedMedia {
  file_id: string;
  trade_id: string;
  kind: 'audio' | 'image';
  mime_type: string;
  data: Uint8Array;
}

const append = <T>() =>
  Annotation<T[]>({
    // Parallel branches each add their own entries; the reducer keeps all of them.
    reducer: (left, right) => left.concat(right),
    default: () => [],
  });

export const AnalysisState = Annotation.Root({
  job: Annotation<AnalysisJob>,
  range: Annotation<DateRange>,
  period: Annotation<string>,
  trades: Annotation<StoredTrade[]>,
  metrics: Annotation<Metrics>,
  patterns: Annotation<BehaviouralPattern[]>,
  media: Annotation<FetchedMedia[]>,
  audio_insights: Annotation<MediaInsight[]>,
  image_insights: Annotation<MediaInsight[]>,
  external_research: Annotation<ResearchFinding[]>,
  report: Annotation<Report>,
  report_markdown: Annotation<string>,
  /** False when another delivery had already completed the job: its result was left untouched. */
  persisted: Annotation<boolean>,
  result: Annotation<AnalysisResult>,
  skipped_steps: append<SkippedStep>(),
  warnings: append<WorkflowWarning>(),
});

export type AnalysisStateValue = typeof AnalysisState.State;
export type AnalysisStateUpdate = typeof AnalysisState.Update;
