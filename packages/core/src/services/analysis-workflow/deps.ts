// What the analysis workflow runs against: the ports it needs, the optional media services, and tuning knobs.
import type { Coach } from '../../ports/coach.port';
import type { JobStore } from '../../ports/job-store.port';
import type { Logger } from '../../ports/logger.port';
import type { Journal } from '../../ports/journal.port';
import type { AudioTranscriber, ImageAnalyst, WebResearcher } from '../../ports/media-analysis.port';
import type { MediaStore } from '../../ports/media-store.port';
import type { RetryOptions } from './retry';

export type WorkflowLogger = Logger;

/** Steps that run only when their service is configured. */
export type OptionalStep = 'collect_media' | 'transcribe_audio' | 'analyse_images' | 'web_research';

export interface AnalysisWorkflowDeps {
  jobs: JobStore;
  journal: Journal;
  media: MediaStore;
  coach: Coach;
  transcriber?: AudioTranscriber;
  imageAnalyst?: ImageAnalyst;
  researcher?: WebResearcher;
  /**
   * Why a missing service is missing, in words for the trader (e.g. `no Gemini key configured`). The composition
   * root knows; the workflow only knows that the service is absent.
   */
  skipReasons?: Partial<Record<OptionalStep, string>>;
  logger?: WorkflowLogger;
  /** Media downloads and service calls in flight at once (default 4). */
  concurrency?: number;
  /** Media fetch retries (default 3 tries, 200 ms doubling, jittered). */
  mediaRetry?: RetryOptions;
  /** Attachments read per job, most recent trades first (default 40): bounds memory and run time. */
  maxMediaFiles?: number;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_MEDIA_FILES = 40;
