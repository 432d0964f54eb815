// Naive wall-clock times → instants, fast enough for a million fills: formats compiled to regular expressions once,
// zone offsets computed once per zone and hour (luxon's per-call Intl work dominated imports of large files).
import { IANAZone } from 'luxon';
import { boundedMemo } from '../domain/bounded-memo';
import { digitsAt, twoDigits } from '../domain/timestamp-digits';
import { isValidTimezone } from '../domain/timestamps';

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

interface CompiledFormat {
  pattern: RegExp;
  fields: string[];
}

// Luxon tokens the broker formats use; a format with any other token is left to luxon.
const TOKENS: Record<string, string> = {
  yyyy: '(\\d{4})',
  yy: '(\\d{2})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  dd: '(\\d{2})',
  d: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  hh: '(\\d{2})',
  h: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{3})',
  a: '([AaPp][Mm])',
};
const TOKEN = /yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|ss|SSS|a/g;
const compiled = new Map<string, CompiledFormat | null>();

function compile(format: string): CompiledFormat | null {
  if (compiled.has(format)) return compiled.get(format)!;
  let result: CompiledFormat | null = null;
  // Only digits, the tokens above and plain separators: anything else (month names, zones, quotes) goes to luxon.
  if (/^[yMdHhmsSa;:,./\- T]+$/.test(format) && !/MMM|ddd|aa/.test(format)) {
    const fields: string[] = [];
    const source = format.replace(/[.*+?^${}()|[\]\\/]/g, (c) => (c === '/' ? '\\/' : `\\${c}`)).replace(TOKEN, (token) => {
      fields.push(token);
      return TOKENS[token]!;
    });
    result = { pattern: new RegExp(`^${source.replace(/\\\./g, '\\.')}$`), fields };
  }
  compiled.set(format, result);
  return result;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function valid(clock: WallClock): boolean {
  const { year, month, day, hour, minute, second } = clock;
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59 || second > 59) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return true;
}

/** Reads `text` with a luxon-style `format` of digits and separators; undefined when the format is not one it compiles. */
export function readWallClock(text: string, format: string): WallClock | null | undefined {
  const compiledFormat = compile(format);
  if (!compiledFormat) return undefined;
  const match = compiledFormat.pattern.exec(text);
  if (!match) return null;
  const clock: WallClock = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
  let meridiem: string | undefined;
  let twelveHour = false;
  compiledFormat.fields.forEach((field, i) => {
    const value = match[i + 1]!;
    switch (field) {
      case 'yyyy': clock.year = Number(value); break;
      case 'yy': clock.year = 2000 + Number(value); break;
      case 'MM': case 'M': clock.month = Number(value); break;
      case 'dd': case 'd': clock.day = Number(value); break;
      case 'HH': case 'H': clock.hour = Number(value); break;
      case 'hh': case 'h': clock.hour = Number(value); twelveHour = true; break;
      case 'mm': clock.minute = Number(value); break;
      case 'ss': clock.second = Number(value); break;
      case 'SSS': clock.millisecond = Number(value); break;
      case 'a': meridiem = value.toUpperCase(); break;
    }
  });
  if (twelveHour) {
    if (clock.hour < 1 || clock.hour > 12 || meridiem === undefined) return null;
    clock.hour = (clock.hour % 12) + (meridiem === 'PM' ? 12 : 0);
  } else if (meridiem !== undefined) return null;
  return valid(clock) ? clock : null;
}

const offsets = new Map<string, Map<number, number>>();
const HOUR = 3_600_000;

/** Offset (minutes) of `zone` at `utcMs`, memoised per zone and hour: offsets change on whole hours in every zone we meet. */
function offsetAt(zone: string, utcMs: number): number {
  let byHour = offsets.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsets.set(zone, byHour);
  }
  const hour = Math.floor(utcMs / HOUR);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    // Zones whose changes fall off the hour (Lord Howe's 30-minute shift) are asked at the exact instant instead.
    offset = IANAZone.create(zone).offset(utcMs);
    if (offset % 60 === 0 && IANAZone.create(zone).offset(hour * HOUR) === offset && IANAZone.create(zone).offset(hour * HOUR + HOUR - 1) === offset) {
      byHour.set(hour, offset);
    }
  }
  return offset;
}

/**
 * The instant a wall-clock time names in `zone`, with the offset in force; null for a time the zone skipped (a
 * spring-forward gap). In the repeated hour of a fall-back night the earlier instant is taken, as luxon does.
 */
export function wallClockToInstant(clock: WallClock, zone: string): { epoch_ms: number; offset: number } | null {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second, clock.millisecond);
  if (zone === 'UTC') return { epoch_ms: asUtc, offset: 0 };
  const guess = offsetAt(zone, asUtc);
  let instant = asUtc - guess * 60_000;
  let offset = offsetAt(zone, instant);
  if (offset !== guess) {
    instant = asUtc - offset * 60_000;
    if (offsetAt(zone, instant) !== offset) return null;
  }
  // Fall-back hour: when the earlier (larger) offset also names this wall time, prefer it.
  const earlier = offsetAt(zone, instant - HOUR);
  if (earlier > offset && offsetAt(zone, asUtc - earlier * 60_000) === earlier) {
    offset = earlier;
    instant = asUtc - earlier * 60_000;
  }
  return { epoch_ms: instant, offset };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The offset part of `isoWithOffset`: `Z` in UTC itself, `-05:00`, `+00:00` elsewhere. */
function offsetText(offset: number, zone: string): string {
  if (zone === 'UTC') return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 with seconds and offset, as `formatTimestamp` writes it (`Z` in UTC itself, `+00:00` elsewhere). */
export function isoWithOffset(epochMs: number, offset: number, zone: string): string {
  const local = new Date(epochMs + offset * 60_000);
  const millis = local.getUTCMilliseconds();
  const base =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${millis ? `.${pad(millis, 3)}` : ''}`;
  return `${base}${offsetText(offset, zone)}`;
}

/** True for the zones `wallClockToInstant` reads: IANA names (and `UTC`), not fixed offsets such as `UTC-04:00`. */
export const fastZone = boundedMemo(256, (zone) => zone === 'UTC' || (isValidTimezone(zone) && !/^(UTC|GMT)[+-]/i.test(zone)));

const COLON = 0x3a;
const DASH = 0x2d;
const SPACE = 0x20;
const LETTER_T = 0x54;

/**
 * A naive ISO date-time (`2026-03-05 09:35:12`, `2026-03-05T9:35`: the common spelling of exports), already trimmed,
 * read in an IANA `zone` without a regular expression, a format or a `Date`. Undefined whenever it is anything else
 * (an offset, milliseconds, a year before 1000, an impossible or skipped time, a fixed-offset zone): the caller's
 * general path answers those. Where it answers, it gives what `parseLocalTime` gives for the same time written
 * `yyyy-MM-dd HH:mm:ss` (`row-readers.test.ts` checks it).
 */
export function readNaiveIso(text: string, zone: string): { timestamp: string; epoch_ms: number } | undefined {
  const { length } = text;
  // yyyy-MM-dd, `T` or a space, H or HH, :mm, optionally :ss.
  if (length < 15 || length > 19 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== LETTER_T && separator !== SPACE) return undefined;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 10 || yy < 0 || month < 0 || day < 0) return undefined;
  // The hour has one digit or two: the colon after it says which.
  const short = text.charCodeAt(12) === COLON;
  const hour = short ? digitsAt(text, 11, 1) : twoDigits(text, 11);
  const minuteAt = short ? 13 : 14;
  if (hour < 0 || (!short && text.charCodeAt(13) !== COLON)) return undefined;
  const minute = twoDigits(text, minuteAt);
  if (minute < 0) return undefined;
  let second = 0;
  if (length === minuteAt + 5) {
    if (text.charCodeAt(minuteAt + 2) !== COLON) return undefined;
    second = twoDigits(text, minuteAt + 3);
    if (second < 0) return undefined;
  } else if (length !== minuteAt + 2) return undefined;
  const clock: WallClock = { year: century * 100 + yy, month, day, hour, minute, second, millisecond: 0 };
  if (!fastZone(zone) || !valid(clock)) return undefined;
  const instant = wallClockToInstant(clock, zone);
  // A fractional offset (local mean time, before time zones) can move the instant off the wall clock by a millisecond.
  if (instant === null || !Number.isInteger(instant.offset)) return undefined;
  // The wall clock read is the local time written back (`isoWithOffset` of the instant): date as is, hour padded.
  // Joined rather than concatenated: one flat string, not a chain of pieces, is what a hundred thousand fills keep.
  const timestamp = [
    text.slice(0, 10), 'T', short ? '0' : '', text.slice(11, minuteAt + 2), ':', length === minuteAt + 5 ? text.slice(minuteAt + 3) : '00', offsetText(instant.offset, zone),
  ].join('');
  return { timestamp, epoch_ms: instant.epoch_ms };
}
