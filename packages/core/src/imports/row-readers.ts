// Cell readers that explain themselves: each returns the value, or the reason a row is rejected (a string).
import { parseTimestamp, formatTimestamp } from '../domain/timestamps';
import { parseAmount, parseLocalTime, type LocalTime } from './cells';
import { readNaiveIso } from './local-time';
import type { Fill, RejectedRow } from './import-types';

/** Either a value or the sentence that goes into `rejected_rows`. */
export type Reading<T> = T | string;

export const isReason = <T>(reading: Reading<T>): reading is string => typeof reading === 'string';

const quoted = (text: string) => `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;

/** A number such as `1,234.50`, `($0.13)`, `-2`; `required` refuses a blank cell. */
export function readNumber(label: string, cell: string, required: true): Reading<number>;
export function readNumber(label: string, cell: string, required: false): Reading<number | undefined>;
export function readNumber(label: string, cell: string, required: boolean): Reading<number | undefined> {
  const value = parseAmount(cell);
  if (value === undefined) return required ? `${label} is blank` : undefined;
  if (Number.isNaN(value) || !Number.isFinite(value)) return `${label} ${quoted(cell)} is not a number`;
  return value;
}

/** A number that must be greater than 0 (a quantity, a price, a multiplier). */
export function readPositive(label: string, cell: string): Reading<number> {
  const value = readNumber(label, cell, true);
  if (isReason(value)) return value;
  return value > 0 ? value : `${label} ${quoted(cell)} must be greater than 0`;
}

/**
 * A naive local time in one of `formats` (luxon tokens), read in `zone`. A wall-clock time the zone skipped on a
 * spring-forward night is refused with its own reason: it never happened, so the row is wrong, not the format.
 */
export function readLocalTime(label: string, text: string, formats: readonly string[], zone: string): Reading<LocalTime> {
  if (text.trim() === '') return `${label} is blank`;
  const parsed = parseLocalTime(text, formats, zone);
  if (parsed) return parsed;
  if (parseLocalTime(text, formats, 'UTC')) return `${label} ${quoted(text)} does not exist in ${zone} (clocks skipped it for daylight saving)`;
  return `${label} ${quoted(text)} is not a date-time of the form ${formats[0]}`;
}

const NAIVE_ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/;

/** An ISO 8601 date-time (`T` or a space; with or without offset, naive ones read in `zone`), else null. */
export function readIsoTime(text: string, zone: string): Reading<LocalTime> | null {
  const trimmed = text.trim();
  // A naive time that exists in an IANA zone, the bulk of a large file, is read by hand; the rest as below.
  return readNaiveIso(trimmed, zone) ?? readIsoTimeGeneral(trimmed, zone);
}

/** `readIsoTime` for any text: naive times through the compiled formats, the rest through luxon. */
export function readIsoTimeGeneral(text: string, zone: string): Reading<LocalTime> | null {
  const trimmed = text.trim();
  if (!ISO_START.test(trimmed)) return null;
  // Naive times (the common case in exports) skip luxon: at a hundred thousand fills its per-call zone work dominates.
  const naive = NAIVE_ISO.exec(trimmed);
  if (naive) {
    const local = parseLocalTime(`${naive[1]} ${naive[2]!.padStart(2, '0')}:${naive[3]}:${naive[4] ?? '00'}`, ['yyyy-MM-dd HH:mm:ss'], zone);
    if (local) return local;
  }
  const parsed = parseTimestamp(trimmed, zone);
  if (parsed) return { timestamp: formatTimestamp(parsed), epoch_ms: parsed.toMillis() };
  if (parseTimestamp(trimmed, 'UTC')) return `${quoted(trimmed)} does not exist in ${zone} (clocks skipped it for daylight saving)`;
  return `${quoted(trimmed)} is not a valid ISO 8601 date-time`;
}

const BUY_WORDS = new Set(['buy', 'b', 'bot', 'bought', 'long', 'bc', 'buy to cover', 'buytocover', 'cover', 'buy to open', 'buy to close', 'bto', 'btc', 'bid']);
const SELL_WORDS = new Set(['sell', 's', 'sld', 'sold', 'short', 'ss', 'sell short', 'sellshort', 'short sell', 'sell to open', 'sell to close', 'sto', 'stc', 'ask']);

/** The side a broker's word means (`Buy`, `SLD`, `Sell Short`, `BC`, `Bid`…), undefined when it is not a side. */
export function sideOf(word: string): Fill['side'] | undefined {
  const key = word.trim().toLowerCase().replace(/\s+/g, ' ');
  if (BUY_WORDS.has(key)) return 'buy';
  if (SELL_WORDS.has(key)) return 'sell';
  return undefined;
}

/** Collects fills and rejected rows while a parser walks its records. */
export class FillCollector {
  readonly fills: Fill[] = [];
  readonly rejected: RejectedRow[] = [];

  /** `null` is a row skipped on purpose (canceled order, other section); a string rejects the row. */
  add(line: number, reading: Reading<Fill> | null): void {
    if (reading === null) return;
    if (isReason(reading)) this.rejected.push({ line, reason: reading });
    else this.fills.push(reading);
  }
}
