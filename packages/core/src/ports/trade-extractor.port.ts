// Port: turns a free-text (and optionally multi-modal) trade narrative into trade fields.
import type { TradeFieldName } from '../domain/trade';

export interface ExtractionAttachment {
  filename: string;
  mime_type: string;
  data: Uint8Array;
}

export interface ExtractionInput {
  content: string;
  attachments?: readonly ExtractionAttachment[];
  /** IANA zone the narrative's clock times are in; extractors return local times without offset. */
  timezone?: string;
  /** Reference instant for relative dates ("today", "yesterday"). */
  now?: Date;
}

/** Fields as found in the text; timestamps are ISO 8601 local date-times (`2026-03-02T09:41`), without offset. */
export interface ExtractedFields {
  ticker?: string;
  position_type?: 'long' | 'short';
  pnl?: number;
  entry_timestamp?: string;
  exit_timestamp?: string;
  notes?: string;
  quantity?: number;
  entry_price?: number;
  exit_price?: number;
  stop_loss?: number;
  tags?: string[];
}

export interface ExtractionResult {
  fields: ExtractedFields;
  /** Required fields the extractor could not find. */
  missing: TradeFieldName[];
  /** Which extractor produced the fields (`rule-based`, `gemini:…`). */
  source: string;
}

export interface TradeExtractor {
  readonly name: string;
  extract(input: ExtractionInput): Promise<ExtractionResult>;
}
