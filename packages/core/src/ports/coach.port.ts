// Port: writes the coaching report. It explains numbers the metrics engine computed; it never invents its own.
import type { MediaInsight, ResearchFinding } from '../domain/analysis-result';
import type { Metrics } from '../domain/metrics';
import type { BehaviouralPattern } from '../domain/pattern';
import type { Report } from '../domain/report';

export type { MediaInsight };

export interface CoachInput {
  /** The trader's question; the report answers it first. */
  prompt: string;
  metrics: Metrics;
  patterns: readonly BehaviouralPattern[];
  audio_insights?: readonly MediaInsight[];
  image_insights?: readonly MediaInsight[];
  external_research?: readonly ResearchFinding[];
  /** Human description of the period, e.g. `2026-03-01 to 2026-03-31 (UTC)`. */
  period?: string;
  /**
   * Told when the report is not the one this coach set out to write (a model down, so a plainer fallback wrote it):
   * the job records it, so a reader knows which coach wrote their report.
   */
  onFallback?: (reason: string) => void;
}

export interface Coach {
  readonly name: string;
  write(input: CoachInput): Promise<Report>;
}
