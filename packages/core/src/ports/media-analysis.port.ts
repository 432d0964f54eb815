// Ports: optional services that read a trade's media or the outside world for the coach (Gemini, a search API…).
import type { ResearchFinding, Sentiment } from '../domain/analysis-result';

export { SENTIMENTS } from '../domain/analysis-result';
export type { ResearchFinding, Sentiment };

/** One attachment's bytes, as fetched from the media store. */
export interface MediaItem {
  file_id: string;
  mime_type: string;
  data: Uint8Array;
}


export interface AudioTranscript {
  file_id: string;
  /** What the recording says about the trade, in a sentence or two. */
  summary: string;
  /** The words, as heard. */
  transcript?: string;
  /** The trader's mood in the recording. */
  sentiment?: Sentiment;
  /** Short quotes or points worth the coach's attention. */
  highlights?: string[];
}

export interface AudioTranscriber {
  readonly name: string;
  transcribe(item: MediaItem): Promise<AudioTranscript>;
}

export interface ImageAnalysis {
  file_id: string;
  /** What the chart or screenshot shows that matters for the trade. */
  summary: string;
  /** Risks the chart shows (a stop too close to support, entry into resistance…). */
  risks?: string[];
  /** What went right, or could have. */
  opportunities?: string[];
}

export interface ImageAnalyst {
  readonly name: string;
  /**
   * One analysis per image it could read, matched by `file_id`; several images may go in one model call. An image
   * missing from the answer could not be analysed (the workflow records a warning for it); a throw fails them all.
   */
  analyse(items: readonly MediaItem[]): Promise<ImageAnalysis[]>;
}


export interface WebResearcher {
  readonly name: string;
  /** Findings for a plain-text query (market context of a ticker and period); empty when nothing relevant. */
  research(query: string): Promise<ResearchFinding[]>;
}
