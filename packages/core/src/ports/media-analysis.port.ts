// Ports: optional services that read a trade's media or the outside world for the coach (Gemini, a search API…).
import type { ResearchFinding } from '../domain/analysis-result';

export type { ResearchFinding };

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
  transcript?: string;
}

export interface AudioTranscriber {
  readonly name: string;
  transcribe(item: MediaItem): Promise<AudioTranscript>;
}

export interface ImageAnalysis {
  file_id: string;
  /** What the chart or screenshot shows that matters for the trade. */
  summary: string;
}

export interface ImageAnalyst {
  readonly name: string;
  analyse(item: MediaItem): Promise<ImageAnalysis>;
}


export interface WebResearcher {
  readonly name: string;
  /** Findings for a plain-text query (market context of a ticker and period); empty when nothing relevant. */
  research(query: string): Promise<ResearchFinding[]>;
}
