// Cell readers shared by the broker parsers: money as brokers print it, naive local times, header lookup.
import { DateTime } from 'luxon';
import { formatTimestamp } from '../domain/timestamps';
import { fastZone, isoWithOffset, readWallClock, wallClockToInstant } from './local-time';

const EQUALS = 0x3d;
const EXCEL_ESCAPE = /^="(.*)"$/;

/** Strips Excel's text escape (`="5512300011"`) and surrounding spaces. */
export function unexcel(cell: string | undefined): string {
  const text = (cell ?? '').trim();
  // Only text starting with `=` can be escaped (the common cell skips the regular expression).
  if (text.charCodeAt(0) !== EQUALS) return text;
  const escaped = EXCEL_ESCAPE.exec(text);
  return (escaped ? escaped[1]! : text).trim();
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * True for a plain decimal (`100`, `-0.35`, `+182.50`, `.5`, `5.`): an optional sign, digits with at most one point,
 * nothing around. `parseAmount` reads it as `Number` would, which is what its general path gives for such text.
 */
export function isPlainDecimal(text: string): boolean {
  const { length } = text;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === PLUS || first === MINUS) i = 1;
  let digits = 0;
  let dot = false;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= ZERO && code <= NINE) digits++;
    else if (code === DOT && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/**
 * Reads an amount as brokers print it: `1,234.50`, `$2.09`, `-0.62`, `($0.13)`, `$(400.00)`, `+100`, `@182.50`.
 * Returns undefined for blank cells and placeholders (`--`, `-`); NaN for text that is not a number.
 * With `decimalComma`, `1.234,50` and `2,09` read as European numbers.
 */
export function parseAmount(cell: string | undefined, options?: { decimalComma?: boolean }): number | undefined {
  // Plain decimals, nearly every number cell of a large file, skip the general path's seven regular expressions
  // (`cells.test.ts` checks both paths agree).
  if (cell !== undefined && options?.decimalComma !== true && isPlainDecimal(cell)) return Number(cell);
  return parseAmountGeneral(cell, options);
}

/** `parseAmount` for any cell: escapes, currency signs, brackets, thousands separators, either decimal convention. */
export function parseAmountGeneral(cell: string | undefined, options: { decimalComma?: boolean } = {}): number | undefined {
  let text = unexcel(cell);
  if (text === '' || text === '--' || text === '-') return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(text) || /^[$€£]\(.*\)$/.test(text)) {
    negative = true;
    text = text.replace(/[()]/g, '');
  }
  text = text.replace(/^@/, '').replace(/[$€£\s]/g, '');
  if (options.decimalComma) text = text.replace(/\./g, '').replace(',', '.');
  else text = text.replace(/,/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number.NaN;
  const value = Number(text);
  return negative ? -Math.abs(value) : value;
}

export interface LocalTime {
  /** ISO 8601 with the offset in force at that local time. */
  timestamp: string;
  epoch_ms: number;
}

/**
 * Reads a naive local date-time with one of luxon's `formats` in `zone` (or in the offset/zone the text names when a
 * format includes one). A time inside a daylight-saving gap is refused (it never happened); in the repeated hour of a
 * fall-back night the earlier instant is taken, as luxon does.
 */
export function parseLocalTime(text: string, formats: readonly string[], zone: string): LocalTime | null {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  for (const format of formats) {
    // The fast path knows IANA zones; a fixed offset (`UTC-04:00`) or a format naming a zone is luxon's.
    const clock = fastZone(zone) ? readWallClock(trimmed, format) : undefined;
    if (clock === null) continue;
    if (clock !== undefined) {
      const instant = wallClockToInstant(clock, zone);
      return instant ? { timestamp: isoWithOffset(instant.epoch_ms, instant.offset, zone), epoch_ms: instant.epoch_ms } : null;
    }
    const parsed = DateTime.fromFormat(trimmed, format, { zone, locale: 'en-US', setZone: /Z/.test(format) });
    if (!parsed.isValid) continue;
    // Luxon moves a gap time forward silently; read the wall clock back and refuse when it moved.
    const echo = DateTime.fromFormat(trimmed, format, { zone: 'UTC', locale: 'en-US', setZone: /Z/.test(format) });
    if (!/Z/.test(format) && (echo.hour !== parsed.hour || echo.minute !== parsed.minute)) return null;
    return { timestamp: formatTimestamp(parsed), epoch_ms: parsed.toMillis() };
  }
  return null;
}

/** Position of each header (trimmed, case-insensitive) in a header record. */
export function headerIndex(cells: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  cells.forEach((cell, position) => {
    const key = unexcel(cell).toLowerCase();
    if (key !== '' && !index.has(key)) index.set(key, position);
  });
  return index;
}

/** A row's cell under `header` (case-insensitive), '' when the column or the cell is missing. */
export function cellOf(row: readonly string[], index: ReadonlyMap<string, number>, header: string): string {
  const position = index.get(header.toLowerCase());
  return position === undefined ? '' : unexcel(row[position]);
}

/** True when every one of `required` is a header of `cells`. */
export function hasHeaders(cells: readonly string[], required: readonly string[]): boolean {
  const index = headerIndex(cells);
  return required.every((header) => index.has(header.toLowerCase()));
}
