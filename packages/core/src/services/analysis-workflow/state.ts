// The state the analysis graph passes between its nodes, and the record of steps it skipped or partly failed.
import { Annotation } from '@langchain/langgraph';
import type { AnalysisResult, MediaInsight, ResearchFinding, SkippedStep, StepName, WorkflowWarning } from '../../domain/analysis-result';
import type { DateRange } from '../../domain/date-range';
import type { AnalysisJob } from '../../domain/job';
import type { Metrics } from '../../domain/metrics';
import type { BehaviouralPattern } from '../../domain/pattern';
import type { Report } from '../../domain/report';
import type { StoredTrade } from '../../domain/trade';

export type { SkippedStep, StepName, WorkflowWarning };

/** An attachment fetched for analysis. */
export interface FetchedMedia {
  file_id: string;
  trade_id: string;
  kind: 'audio' | 'image';
  mime_type: string;
  /** Where the file opens, from the journal's attachment cell (shown beside what was read from it). */
  link?: string;
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
