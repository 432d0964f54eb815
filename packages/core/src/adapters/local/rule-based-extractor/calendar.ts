// Calendar dates of a narrative (ISO, US, month names, today/yesterday) and the trader's clock that completes them.
import { DateTime, IANAZone } from 'luxon';
import type { Span } from './text';

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface DateToken extends Span {
  kind: 'date';
  date: CalendarDate;
}

export interface Clock {
  zone: string;
  /** "today" where the trader is; undefined when `now` was not a usable date. */
  today?: CalendarDate;
  /** Date that completes a date written without a year. */
  reference: CalendarDate;
}

const MONTHS = String.raw`jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`;
const MONTH_INDEX = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ISO_DATE = /(?<![\w./-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|[./-]\d)/g;
const US_DATE = /(?<![\w./$-])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?!\d|[/.]\d|%)/g;
const MONTH_DAY = new RegExp(String.raw`\b(${MONTHS})\.? (\d{1,2})(?:st|nd|rd|th)?(?![\d:])\b`, 'gi');
const DAY_MONTH = new RegExp(String.raw`(?<![\w.:/$-])(\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTHS})\b\.?`, 'gi');
const YEAR_AFTER = /^(?:, ?| )(\d{4})(?!\d)/;
const RELATIVE = /\b(today|tonight|this morning|this afternoon|this evening|yesterday|last night)\b/gi;
// A date written without a year is only trusted when a clock time or "on" sits next to it: "3/2" alone may be a ratio.
const TIME_AFTER = /^(?:,? (?:at |@ ?)?)\d{1,2}(?::\d{2}| ?[ap]\.?m)/i;
const ON_BEFORE = /\bon (?:the )?$/i;

/** The trader's zone (UTC when missing or unknown) and today's date there; a bad `now` disables today/yesterday. */
export function makeClock(timezone: unknown, now: unknown): Clock {
  const zone = typeof timezone === 'string' && timezone.trim() !== '' && IANAZone.isValidZone(timezone.trim()) ? timezone.trim() : 'UTC';
  const instant = now === undefined ? new Date() : now instanceof Date && !Number.isNaN(now.getTime()) ? now : undefined;
  const local = instant ? DateTime.fromJSDate(instant, { zone }) : undefined;
  // A `now` outside the years a journal can hold would write dates the schema rejects.
  const today = local?.isValid ? validDate(local.year, local.month, local.day) : undefined;
  return { zone, today, reference: today ?? calendarOf(DateTime.now().setZone(zone)) };
}

export function calendarOf(value: DateTime): CalendarDate {
  return { year: value.year, month: value.month, day: value.day };
}

function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (year < 1970 || year > 2100) return undefined;
  return DateTime.utc(year, month, day).isValid ? { year, month, day } : undefined;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** A date written without its year is the latest such date not after the reference day. */
function withInferredYear(month: number, day: number, reference: CalendarDate): CalendarDate | undefined {
  const candidate = validDate(reference.year, month, day);
  if (candidate && compareDates(candidate, reference) <= 0) return candidate;
  return validDate(reference.year - 1, month, day);
}

function monthNumber(name: string): number {
  return MONTH_INDEX.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return calendarOf(DateTime.utc(date.year, date.month, date.day).plus({ days }));
}

/** Finds every calendar date; `spans` also receives impossible ones (2026-02-30) so they are not read as amounts. */
export function scanDates(text: string, clock: Clock, tokens: DateToken[], spans: Span[]): void {
  const push = (start: number, end: number, date: CalendarDate | undefined) => {
    spans.push({ start, end });
    if (date) tokens.push({ kind: 'date', start, end, date });
  };
  for (const m of text.matchAll(ISO_DATE)) {
    const start = m.index ?? 0;
    push(start, start + m[0].length, validDate(Number(m[1]), Number(m[3]), Number(m[4])));
  }
  for (const m of text.matchAll(US_DATE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const month = Number(m[1]);
    const day = Number(m[2]);
    if (m[3] !== undefined) {
      const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      push(start, end, validDate(year, month, day));
    } else if (ON_BEFORE.test(text.slice(Math.max(0, start - 8), start)) || TIME_AFTER.test(text.slice(end, end + 12))) {
      push(start, end, withInferredYear(month, day, clock.reference));
    }
  }
  const named = (start: number, end: number, monthName: string, day: number, needsAnchor: boolean) => {
    const month = monthNumber(monthName);
    const year = YEAR_AFTER.exec(text.slice(end, end + 7));
    const yearValue = year ? Number(year[1]) : undefined;
    if (yearValue !== undefined && yearValue >= 1970 && yearValue <= 2100 && year) {
      push(start, end + year[0].length, validDate(yearValue, month, day));
      return;
    }
    if (needsAnchor && !ON_BEFORE.test(text.slice(Math.max(0, start - 8), start)) && !TIME_AFTER.test(text.slice(end, end + 12))) return;
    push(start, end, withInferredYear(month, day, clock.reference));
  };
  for (const m of text.matchAll(MONTH_DAY)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const monthName = m[1] ?? '';
    const after = text.slice(end, end + 12);
    // Without a year, "may 5" is usually the verb and "Mar 15 520c" an option series, not a trade date.
    const risky = monthName === 'may' || (/^ \d/.test(after) && !TIME_AFTER.test(after));
    if (risky && !YEAR_AFTER.test(after)) continue;
    named(start, end, monthName, Number(m[2]), false);
  }
  for (const m of text.matchAll(DAY_MONTH)) {
    const start = m.index ?? 0;
    named(start, start + m[0].length, m[2] ?? '', Number(m[1]), true);
  }
  if (clock.today) {
    const today = clock.today;
    const yesterday = addDays(today, -1);
    for (const m of text.matchAll(RELATIVE)) {
      const start = m.index ?? 0;
      const word = (m[1] ?? '').toLowerCase();
      push(start, start + m[0].length, word === 'yesterday' || word === 'last night' ? yesterday : today);
    }
  }
}
