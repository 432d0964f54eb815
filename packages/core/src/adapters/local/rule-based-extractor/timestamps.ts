// Finds clock times, ties each to the calendar date it belongs to, and decides which one opened and which closed the trade.
import { DateTime, FixedOffsetZone } from 'luxon';
import { addDays, calendarOf, compareDates, scanDates, type CalendarDate, type Clock, type DateToken } from './calendar';
import { LEG_WORD_SOURCE, legOf, type Direction, type Leg, type Span } from './text';

interface TimeToken extends Span {
  kind: 'time';
  hour: number;
  minute: number;
  second?: string;
  meridiem?: 'am' | 'pm';
  /** Minutes east of UTC when the text carried an ISO offset (`Z`, `-05:00`). */
  offset?: number;
}

type Token = DateToken | TimeToken;

export interface TemporalScan {
  tokens: Token[];
  /** Every date- or time-looking span, valid or not, so other scanners skip them. */
  spans: Span[];
}

export interface TradeTimes {
  entry?: string;
  exit?: string;
}

const CLOCK = /(?<![\d.:/$,])(\d{1,2}):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?(?!\d|:\d)(?: ?([ap])\.?m\.?(?![a-z])|([ap])(?![a-z]))?/gi;
const HOUR_ONLY = /(?<![\w.:/$,-])(\d{1,2}) ?([ap])\.?m\.?(?![a-z])/gi;
const OFFSET_AFTER = /^(?:z|([+-])(\d{2}):?(\d{2}))(?![\d:])/i;
// Between a date and the clock time that belongs to it: "2026-03-02T09:41", "2026-03-02 at 09:41", "March 2, 2026, 9:41am".
const DATE_THEN_TIME = /^(?:t|[ ,(]{0,3}(?:(?:at|@) ?)?)$/i;
// Between a clock time and the date after it: "09:41 on 3/2/2026", "9:41am, March 2".
const TIME_THEN_DATE = /^[ ,]{0,2}(?:on )?(?:the )?$/i;
const RANGE_CONNECTOR = /(?:->|=>|>|-|~|\bto|\btill|\buntil|\bthrough|\bthru) ?$/;
const RANGE_BETWEEN = /^ ?(?:-|->|to|till|until|~) ?$/i;
const CLOSING_WORD = /^(?:exit|exited|exiting|out|closed|closing|covered|covering|cover|flat|stopped(?: out)?|got out|closed out|cut|dumped|bailed|unloaded)$/;
const TIME_THEN_LEG = /^ (in|out|entry|exit|entered|exited)(?=[,.;:!)\]]|$| (?:and|then|at|@)\b)/i;
// The word must not introduce the next time itself ("09:31 - out 09:34").
const LOG_LINE_LEG = new RegExp(
  String.raw`^ ?[-:] (${LEG_WORD_SOURCE})\b(?! (?:at |@ ?|by |on )?(?:\d{1,2}:\d{2}|\d{4}-|\d{1,2}\/))`,
  'i',
);
const LEG_WORD = new RegExp(String.raw`\b(?:${LEG_WORD_SOURCE})\b`, 'gi');

function scanTimes(text: string, tokens: Token[], spans: Span[]): void {
  let skipUntil = -1;
  for (const m of text.matchAll(CLOCK)) {
    const start = m.index ?? 0;
    if (start < skipUntil) continue;
    let end = start + m[0].length;
    let hour = Number(m[1]);
    const minute = Number(m[2]);
    const meridiemLetter = (m[4] ?? m[5])?.toLowerCase();
    const meridiem = meridiemLetter === 'a' ? 'am' : meridiemLetter === 'p' ? 'pm' : undefined;
    if (meridiem ? hour < 1 || hour > 12 : hour > 23) {
      spans.push({ start, end });
      continue;
    }
    if (meridiem) hour = to24(hour, meridiem);
    const token: TimeToken = { kind: 'time', start, end, hour, minute, second: m[3], meridiem };
    // An ISO offset only follows a machine-written time (with seconds, or `Z`); "10:00-10:07" is a range.
    const offset = meridiem ? null : OFFSET_AFTER.exec(text.slice(end, end + 7));
    if (offset && (offset[0].toLowerCase() === 'z' || m[3] !== undefined)) {
      const hours = Number(offset[2] ?? 0);
      if (hours <= 14) {
        token.offset = offset[1] === '-' ? -(hours * 60 + Number(offset[3] ?? 0)) : hours * 60 + Number(offset[3] ?? 0);
        end += offset[0].length;
        token.end = end;
        skipUntil = end;
      }
    }
    spans.push({ start, end });
    tokens.push(token);
  }
  for (const m of text.matchAll(HOUR_ONLY)) {
    const start = m.index ?? 0;
    const hour = Number(m[1]);
    const meridiem = (m[2] ?? '').toLowerCase() === 'a' ? 'am' : 'pm';
    spans.push({ start, end: start + m[0].length });
    if (hour >= 1 && hour <= 12) tokens.push({ kind: 'time', start, end: start + m[0].length, hour: to24(hour, meridiem), minute: 0, meridiem });
  }
}

function to24(hour: number, meridiem: 'am' | 'pm'): number {
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  return hour === 12 ? 12 : hour + 12;
}

/** Finds every date and clock time in the (normalised) text. */
export function scanTemporal(text: string, clock: Clock): TemporalScan {
  const found: Token[] = [];
  const spans: Span[] = [];
  const dates: DateToken[] = [];
  scanDates(text, clock, dates, spans);
  found.push(...dates);
  scanTimes(text, found, spans);
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const tokens: Token[] = [];
  for (const token of found) {
    const previous = tokens[tokens.length - 1];
    if (previous && token.start < previous.end) continue;
    tokens.push(token);
  }
  return { tokens, spans };
}

interface Moment {
  date: CalendarDate;
  minutes: number;
  second?: string;
  /** The date was written next to the time (not inherited from earlier in the text). */
  explicit: boolean;
  meridiem?: 'am' | 'pm';
  label?: Leg;
}

function momentFromOffset(time: TimeToken, date: CalendarDate, zone: string): { date: CalendarDate; minutes: number } {
  const at = DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute },
    { zone: FixedOffsetZone.instance(time.offset ?? 0) },
  ).setZone(zone);
  if (!at.isValid) return { date, minutes: time.hour * 60 + time.minute };
  return { date: calendarOf(at), minutes: at.hour * 60 + at.minute };
}

function format(moment: Moment): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const { year, month, day } = moment.date;
  const clock = `${pad(Math.floor(moment.minutes / 60))}:${pad(moment.minutes % 60)}`;
  return `${year}-${pad(month)}-${pad(day)}T${clock}${moment.second !== undefined ? `:${moment.second}` : ''}`;
}

function compareMoments(a: Moment, b: Moment): number {
  return compareDates(a.date, b.date) || a.minutes - b.minutes;
}

/** Entry and exit as local ISO date-times, from the scan and the trade's direction (which says what "sold" means). */
export function resolveTradeTimes(text: string, scan: TemporalScan, clock: Clock, direction: Direction | undefined): TradeTimes {
  const { tokens } = scan;
  const times = tokens.filter((token): token is TimeToken => token.kind === 'time');
  // "2:05 - 2:30 PM": the first time of a range borrows the meridiem of the second.
  for (let i = 0; i + 1 < times.length; i += 1) {
    const first = times[i];
    const second = times[i + 1];
    if (!first || !second || first.meridiem || !second.meridiem || first.hour < 1 || first.hour > 12) continue;
    if (!RANGE_BETWEEN.test(text.slice(first.end, second.start))) continue;
    const hour = to24(first.hour, second.meridiem);
    if (hour * 60 + first.minute <= second.hour * 60 + second.minute) {
      first.hour = hour;
      first.meridiem = second.meridiem;
    }
  }

  // Nearest date token on each side of every token, found in two linear passes.
  const previousDates: (DateToken | undefined)[] = [];
  const nextDates: (DateToken | undefined)[] = [];
  let seen: DateToken | undefined;
  tokens.forEach((token, index) => {
    previousDates[index] = seen;
    if (token.kind === 'date') seen = token;
  });
  seen = undefined;
  for (let index = tokens.length - 1; index >= 0; index -= 1) {
    nextDates[index] = seen;
    const token = tokens[index];
    if (token?.kind === 'date') seen = token;
  }

  const moments: Moment[] = [];
  let lastPm: Moment | undefined;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (!token || token.kind !== 'time') continue;
    const prevDate = previousDates[i];
    const nextDate = nextDates[i];
    let date: CalendarDate;
    let explicit = false;
    let anchor = token.start;
    if (prevDate && token.start - prevDate.end <= 8 && DATE_THEN_TIME.test(text.slice(prevDate.end, token.start))) {
      date = prevDate.date;
      explicit = true;
      anchor = prevDate.start;
    } else if (nextDate && nextDate.start - token.end <= 8 && TIME_THEN_DATE.test(text.slice(token.end, nextDate.start))) {
      date = nextDate.date;
      explicit = true;
    } else if (prevDate) date = prevDate.date;
    else if (nextDate) date = nextDate.date;
    else continue;

    let minutes = token.hour * 60 + token.minute;
    if (token.offset !== undefined) ({ date, minutes } = momentFromOffset(token, date, clock.zone));
    // "in 2:05 PM, out 2:40": a bare morning hour after an afternoon time on the same day is still afternoon.
    if (!token.meridiem && token.hour >= 1 && token.hour < 12 && lastPm && compareDates(lastPm.date, date) === 0) {
      if (minutes < lastPm.minutes && minutes + 720 >= lastPm.minutes) minutes += 720;
    }
    const moment: Moment = { date, minutes, second: token.second, explicit, meridiem: token.meridiem };
    if (token.meridiem === 'pm') lastPm = moment;
    moment.label = labelOf(text, tokens, i, anchor, direction);
    moments.push(moment);
  }

  const entryIndex = moments.findIndex((moment) => moment.label !== 'exit');
  let exitIndex = -1;
  moments.forEach((moment, index) => {
    if (moment.label === 'exit' && index !== entryIndex) exitIndex = index;
  });
  if (exitIndex === -1 && entryIndex !== -1) {
    moments.forEach((moment, index) => {
      if (index > entryIndex && moment.label === undefined) exitIndex = index;
    });
  }
  const entry = moments[entryIndex];
  let exit = moments[exitIndex];
  if (entry && exit && compareMoments(exit, entry) < 0) {
    // An exit whose date was only inherited and reads earlier than the entry is the next morning (overnight hold).
    const nextDay: Moment = { ...exit, date: addDays(exit.date, 1) };
    exit = !exit.explicit && compareDates(exit.date, entry.date) === 0 && compareMoments(nextDay, entry) >= 0 ? nextDay : undefined;
  }
  return { entry: entry ? format(entry) : undefined, exit: exit ? format(exit) : undefined };
}

function labelOf(text: string, tokens: readonly Token[], index: number, anchor: number, direction: Direction | undefined): Leg | undefined {
  let previousEnd = -1;
  for (let j = index - 1; j >= 0; j -= 1) {
    const candidate = tokens[j];
    if (candidate && candidate.end <= anchor) {
      previousEnd = candidate.end;
      break;
    }
  }
  const from = Math.max(previousEnd, anchor - 48, 0);
  const slice = text.slice(from, anchor).toLowerCase();
  if (previousEnd >= 0 && anchor - previousEnd <= 10 && RANGE_CONNECTOR.test(slice)) return 'exit';
  // A word right after the time binds tightest: "14:30 in, 15:10 out", or a log line "10:48 AM - sold @ 909.60".
  const token = tokens[index];
  const following = token ? text.slice(token.end, token.end + 24) : '';
  const after = TIME_THEN_LEG.exec(following) ?? LOG_LINE_LEG.exec(following);
  if (after?.[1]) return legOf(after[1], direction);
  const words = [...slice.matchAll(LEG_WORD)].map((match) => match[0]);
  const last = words[words.length - 1];
  if (last === undefined) return undefined;
  // "Closed my SPY long at ...": the position noun does not undo the closing verb before it.
  if (/^(?:long|short)$/.test(last) && words.some((word) => CLOSING_WORD.test(word))) return 'exit';
  return legOf(last, direction);
}
