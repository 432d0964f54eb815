// Reading the digits of ISO 8601 text by hand, for the hot paths that see the canonical form a million times:
// a regular expression plus Date.UTC costs several times as much per timestamp.

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-row loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { floor } = Math;
const NAN = Number.NaN;
const { isNaN } = Number;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Two decimal digits at `start`, or -1. `>>> 0` folds "below '0'" into "above '9'" for one comparison. */
export function twoDigits(text: string, start: number): number {
  const tens = text.charCodeAt(start) - 48;
  const units = text.charCodeAt(start + 1) - 48;
  return tens >>> 0 <= 9 && units >>> 0 <= 9 ? tens * 10 + units : -1;
}

/** `count` decimal digits at `start` as a number, or -1 when any of them is not a digit. */
export function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit >>> 0 > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days in `month` (1–12) of a proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm); Date.UTC costs ~80 ns a call. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floor(yearOfEra / 4) - floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// The last real date dateTimeMillis read (as yyyymmdd) and its days since 1970-01-01. Journals hold dozens of trades
// a day, so most timestamps repeat the previous one's date, and the month-length check and day count are then
// skipped: about 40% of the time of a canonical timestamp. Only a real date is remembered, and its day count depends on
// nothing else (no zone, no caller), so the memo can be shared by every caller without changing an answer. Both are
// small integers, which V8 stores without allocating.
let lastDate = -1;
let lastDays = 0;

/**
 * Epoch milliseconds of `YYYY-MM-DDTHH:MM:SS` at the start of `text`, when those are digits of a real date and
 * time (2026-02-29 is not), else NaN. What follows the seconds is the caller's to read.
 */
export function dateTimeMillis(text: string): number {
  if (text.length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) return NAN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NAN;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1) return NAN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NAN;
  const year = century * 100 + yearOfCentury;
  // Month and day are below 100 here, so the key names one date.
  const date = (year * 100 + month) * 100 + day;
  if (date !== lastDate) {
    if (day > daysInMonth(year, month)) return NAN;
    lastDays = daysFromCivil(year, month, day);
    lastDate = date;
  }
  // Integers below 2^53 throughout, so this is exactly (days · 86,400 + seconds of the day) · 1,000.
  return lastDays * 86_400_000 + (hour * 3_600 + minute * 60 + second) * 1_000;
}

// Real UTC offsets run from -12:00 to +14:00 (as in `timestamps`).
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * The instant of a timestamp already in the form the trade schema writes (`2026-03-02T10:15:00Z`,
 * `…T10:15:00-05:00`: seconds, no fraction, an offset that is `Z` or not zero), or undefined for any other text. For
 * such text the schema's parse-and-format gives the text back in every timezone, so it need not run.
 */
export function canonicalTimestampMillis(text: string): number | undefined {
  const length = text.length;
  // Years before 1000 are outside what the schema's formatter writes back digit for digit.
  if ((length !== 20 && length !== 25) || text.charCodeAt(0) === 48) return undefined;
  const local = dateTimeMillis(text);
  if (isNaN(local)) return undefined;
  const sign = text.charCodeAt(19);
  if (length === 20) return sign === 90 ? local : undefined;
  if ((sign !== 43 && sign !== 45) || text.charCodeAt(22) !== 58) return undefined;
  const hours = twoDigits(text, 20);
  const minutes = twoDigits(text, 23);
  const offset = hours * 60 + minutes;
  // `+00:00` is written back as `Z`.
  if (hours < 0 || minutes < 0 || minutes > 59 || offset === 0 || offset > MAX_OFFSET_MINUTES) return undefined;
  return local - (sign === 45 ? -offset : offset) * 60_000;
}
