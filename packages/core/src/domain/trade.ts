// The Trade: zod schemas that are the single source of truth for validating trades (and, later, the OpenAPI document).
import { z } from 'zod';
import { canonicalTimezone, DEFAULT_TIMEZONE, formatTimestamp, isValidTimezone, parseTimestamp } from './timestamps';
import { boundedMemo } from './bounded-memo';
import { canonicalTimestampMillis } from './timestamp-digits';

export const POSITION_TYPES = ['long', 'short'] as const;
export type PositionType = (typeof POSITION_TYPES)[number];

/** Symbols as traders write them: AAPL, BRK.B, BTC-USD, ES, EUR/USD, 6E. No spaces, no formula characters. */
export const TICKER_PATTERN = /^[A-Z0-9][A-Z0-9._/\-:^]{0,31}$/;

export const tickerSchema = z
  .string()
  .trim()
  .transform((value) => value.replace(/^\$/, '').toUpperCase())
  .pipe(z.string().regex(TICKER_PATTERN, 'must be a symbol such as AAPL, BRK.B, BTC-USD or ES (letters, digits, . - / : ^)'));

export const positionTypeSchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.enum(POSITION_TYPES, { message: 'must be "long" or "short"' }),
);

// Bounds keep sums finite and exact (money is summed in 1/10,000 units): no trade moves a billion, and a P&L smaller
// than 0.0001 is noise that would count as a win or loss while adding nothing. Named here for the schemas below and
// for the journal's fast path for rows it wrote (`sheet-layout`), which must refuse exactly what they refuse.
export const TRADE_LIMITS = {
  maxAmount: 1_000_000_000,
  minPnlSize: 0.0001,
  maxQuantity: 1e12,
  maxNotesLength: 10_000,
  maxTags: 32,
  maxTagLength: 64,
  maxAccountLength: 128,
} as const;
const MAX_AMOUNT = TRADE_LIMITS.maxAmount;
const money = z.number({ message: 'must be a number' }).finite('must be a finite number');
const pnlSchema = money
  .min(-MAX_AMOUNT, 'must be at least -1,000,000,000')
  .max(MAX_AMOUNT, 'must be at most 1,000,000,000')
  .refine((value) => value === 0 || Math.abs(value) >= TRADE_LIMITS.minPnlSize, 'must be 0 (break-even) or at least 0.0001 in size');
const positiveNumber = money.positive('must be greater than 0').max(MAX_AMOUNT, 'must be at most 1,000,000,000');

export const timezoneSchema = z
  .string()
  .trim()
  .refine(isValidTimezone, 'must be an IANA time zone such as UTC or America/New_York')
  .transform(canonicalTimezone);

export const timestampTextSchema = z
  .string({ message: 'must be an ISO 8601 date-time string' })
  .trim()
  .min(1, 'must be an ISO 8601 date-time string')
  .max(40, 'must be an ISO 8601 date-time string');

const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(TRADE_LIMITS.maxTagLength)
  .regex(/^[^\n\r,;|]+$/, 'must not contain line breaks or , ; |');

/** Fields a trader (or an extractor) supplies. Timestamps are still text here: see `normalizeTrade`. */
export const tradeFieldsSchema = z.object({
  ticker: tickerSchema,
  position_type: positionTypeSchema,
  pnl: pnlSchema,
  entry_timestamp: timestampTextSchema,
  exit_timestamp: timestampTextSchema,
  notes: z.string().max(TRADE_LIMITS.maxNotesLength, 'must be at most 10000 characters').default(''),
  quantity: money.positive('must be greater than 0').max(TRADE_LIMITS.maxQuantity, 'must be at most 1,000,000,000,000').optional(),
  entry_price: positiveNumber.optional(),
  exit_price: positiveNumber.optional(),
  stop_loss: positiveNumber.optional(),
  tags: z.array(tagSchema).max(TRADE_LIMITS.maxTags).optional(),
  account: z.string().trim().min(1).max(TRADE_LIMITS.maxAccountLength).optional(),
});
export type TradeFields = z.input<typeof tradeFieldsSchema>;

export const REQUIRED_TRADE_FIELDS = ['ticker', 'position_type', 'pnl', 'entry_timestamp', 'exit_timestamp'] as const;
export type RequiredTradeField = (typeof REQUIRED_TRADE_FIELDS)[number];
export const OPTIONAL_TRADE_FIELDS = ['notes', 'quantity', 'entry_price', 'exit_price', 'stop_loss', 'tags', 'account'] as const;
export type TradeFieldName = RequiredTradeField | (typeof OPTIONAL_TRADE_FIELDS)[number];

/**
 * Builds the validated trade schema for a trader's timezone: ticker upper-cased, timestamps parsed (a time without
 * offset is read in `timezone`) and re-written with their offset, exit not before entry.
 */
export function tradeSchemaFor(timezone: string = DEFAULT_TIMEZONE): TradeSchema {
  return schemaOfZone(timezone);
}

/** Each zone's trade schema, built once: building one (and zod compiling it on first use) costs more than a parse. */
const schemaOfZone = boundedMemo(64, (timezone) => buildTradeSchema(timezone));
type TradeSchema = ReturnType<typeof buildTradeSchema>;

/**
 * A timestamp's instant and canonical text: text already canonical (as the API's clients and our own rows send it) is
 * its own canonical form, read by hand; anything else is parsed (Luxon, ~20 µs) and written back. Null: not a date-time.
 */
function canonicalInstant(text: string, timezone: string): { ms: number; text: string } | null {
  const ms = canonicalTimestampMillis(text);
  if (ms !== undefined) return { ms, text };
  const parsed = parseTimestamp(text, timezone);
  return parsed ? { ms: parsed.toMillis(), text: formatTimestamp(parsed) } : null;
}

function buildTradeSchema(timezone: string) {
  return tradeFieldsSchema.transform((trade, ctx) => {
    const entry = canonicalInstant(trade.entry_timestamp, timezone);
    const exit = canonicalInstant(trade.exit_timestamp, timezone);
    if (!entry) ctx.addIssue({ code: 'custom', path: ['entry_timestamp'], message: 'must be an ISO 8601 date-time such as 2026-03-02T09:41 or 2026-03-02T09:41:00-05:00' });
    if (!exit) ctx.addIssue({ code: 'custom', path: ['exit_timestamp'], message: 'must be an ISO 8601 date-time such as 2026-03-02T10:15 or 2026-03-02T10:15:00-05:00' });
    if (!entry || !exit) return z.NEVER;
    if (exit.ms < entry.ms) {
      ctx.addIssue({ code: 'custom', path: ['exit_timestamp'], message: 'must not be before entry_timestamp' });
      return z.NEVER;
    }
    return { ...trade, entry_timestamp: entry.text, exit_timestamp: exit.text };
  });
}

/** A validated trade as the journal stores it (timestamps canonical, with offset). */
export type Trade = z.output<TradeSchema>;

/** A trade read back from a journal, with its identity and where it came from. */
export interface StoredTrade extends Trade {
  trade_id: string;
  user_id: string;
  file_links: string;
  created_at?: string;
}
