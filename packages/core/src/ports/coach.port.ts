// Port: writes the coaching report. It explains numbers the metrics engine computed; it never invents its own.
import type { Metrics } from '../analysis/metrics';
import type { BehaviouralPattern } from '../analysis/patterns';
import type { Report } from '../analysis/report';

export interface MediaInsight {
  /** Drive file id / media id the insight is about. */
  file_id: string;
  trade_id?: string;
  summary: string;
}

export interface CoachInput {
  /** The trader's question; the report answers it first. */
  prompt: string;
  metrics: Metrics;
  patterns: readonly BehaviouralPattern[];
  audio_insights?: readonly MediaInsight[];
  image_insights?: readonly MediaInsight[];
  external_research?: readonly { title: string; summary: string; url?: string }[];
  /** Human description of the period, e.g. `2026-03-01 to 2026-03-31 (UTC)`. */
  period?: string;
}

export interface Coach {
  readonly name: string;
  write(input: CoachInput): Promise<Report>;
}
