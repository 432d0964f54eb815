// Local, model-free TradeExtractor: reads a trade narrative with bounded patterns and leaves out what it cannot read for sure.
import { REQUIRED_TRADE_FIELDS, type TradeFieldName } from '../../domain/trade';
import type { ExtractedFields, ExtractionInput, ExtractionResult, TradeExtractor } from '../../ports/trade-extractor.port';
import { makeClock } from './rule-based-extractor/calendar';
import { findLevels } from './rule-based-extractor/levels';
import { findPnl } from './rule-based-extractor/pnl';
import { findDirection } from './rule-based-extractor/position';
import { maskSpans, normalizeText } from './rule-based-extractor/text';
import { findTicker } from './rule-based-extractor/ticker';
import { resolveTradeTimes, scanTemporal } from './rule-based-extractor/timestamps';

const NOTES_MAX_LENGTH = 10_000;

export interface RuleBasedOptions {
  /** IANA zone for "today"/"yesterday" and ISO offsets; UTC when missing or unknown. */
  timezone?: string;
  /** Reference instant for relative dates; the current time when missing. */
  now?: Date;
}

/** Synchronous core of the extractor, exported for callers that need no port. Never throws. */
export function extractTradeFields(content: unknown, options: RuleBasedOptions = {}): ExtractionResult {
  const raw = typeof content === 'string' ? content : '';
  let fields: ExtractedFields = {};
  try {
    fields = readFields(raw, options);
  } catch {
    // A pattern bug must not lose the trader's text: fall back to notes only and report everything missing.
    fields = notesOf(raw);
  }
  const missing: TradeFieldName[] = REQUIRED_TRADE_FIELDS.filter((name) => fields[name] === undefined);
  return { fields, missing, source: 'rule-based' };
}

function notesOf(raw: string): ExtractedFields {
  const notes = raw.trim().slice(0, NOTES_MAX_LENGTH);
  return notes === '' ? {} : { notes };
}

function readFields(raw: string, options: RuleBasedOptions): ExtractedFields {
  const text = normalizeText(raw);
  const clock = makeClock(options.timezone, options.now);
  const temporal = scanTemporal(text, clock);
  // Amounts, prices and symbols are read with every date and clock time blanked out.
  const masked = maskSpans(text, temporal.spans);
  const { direction, legDirection } = findDirection(masked);
  const ticker = findTicker(masked);
  const pnl = findPnl(masked);
  const times = resolveTradeTimes(text, temporal, clock, legDirection);
  const levels = findLevels(masked, ticker, legDirection);

  const fields: ExtractedFields = {};
  if (ticker !== undefined) fields.ticker = ticker;
  if (direction !== undefined) fields.position_type = direction;
  if (pnl !== undefined) fields.pnl = pnl;
  if (times.entry !== undefined) fields.entry_timestamp = times.entry;
  if (times.exit !== undefined) fields.exit_timestamp = times.exit;
  Object.assign(fields, levels, notesOf(raw));
  return fields;
}

export class RuleBasedExtractor implements TradeExtractor {
  readonly name = 'rule-based';

  async extract(input: ExtractionInput): Promise<ExtractionResult> {
    return extractTradeFields(input?.content, { timezone: input?.timezone, now: input?.now });
  }
}
