// Local weekday, hour and date of instants in one IANA zone, asking the zone database about once a week, not per trade.
import { IANAZone } from 'luxon';
import { boundedMemo } from '../domain/bounded-memo';
import { DEFAULT_TIMEZONE, isValidTimezone } from '../domain/timestamps';
import { ValidationError } from '../errors';

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-trade loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { floor } = Math;
const { isFinite, isNaN } = Number;
const NAN = Number.NaN;

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ZonedClock {
  readonly timezone: string;
  /** The instant shifted by the zone offset, so UTC arithmetic on it yields local fields. NaN in, NaN out. */
  localMs(ms: number): number;
  /** 0 = Monday … 6 = Sunday; NaN for an unknown instant. */
  weekdayIndex(ms: number): number;
  /** 0–23; NaN for an unknown instant. */
  hour(ms: number): number;
  /** Local calendar date `yyyy-mm-dd`; '' for an unknown instant. */
  dateKey(ms: number): string;
}

const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'uct', 'etc/uct', 'zulu', 'etc/zulu', 'universal', 'etc/universal']);

// 1970-01-01 was a Thursday: index 3 when Monday is 0.
const EPOCH_WEEKDAY = 3;

const positiveModulo = (value: number, modulus: number): number => ((value % modulus) + modulus) % modulus;

export function createZonedClock(timezone: string = DEFAULT_TIMEZONE): ZonedClock {
  const name = timezone.trim();
  if (!isValidTimezone(name)) {
    const message = `"${timezone}" is not an IANA time zone such as UTC or America/New_York`;
    throw new ValidationError('ANALYSIS.INVALID_TIMEZONE', message, { timezone });
  }
  const offsetMinutes = UTC_NAMES.has(name.toLowerCase()) ? () => 0 : zoneOffsets(name);
  const dateKeys = new Map<number, string>();

  const localMs = (ms: number): number => ms + offsetMinutes(ms) * MS_PER_MINUTE;
  return {
    timezone: name,
    localMs,
    weekdayIndex: (ms) => positiveModulo(floor(localMs(ms) / MS_PER_DAY) + EPOCH_WEEKDAY, 7),
    hour: (ms) => positiveModulo(floor(localMs(ms) / MS_PER_HOUR), 24),
    dateKey: (ms) => {
      const day = floor(localMs(ms) / MS_PER_DAY);
      if (!isFinite(day)) return '';
      let key = dateKeys.get(day);
      if (key === undefined) {
        key = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
        dateKeys.set(day, key);
      }
      return key;
    },
  };
}

// Blocks tried from coarse to fine. Zones change offset at most a few times a year, so nearly every instant falls in
// a week whose offset is the same at both ends; only the hours around a transition need finer blocks.
const OFFSET_BLOCKS_MS = [7 * MS_PER_DAY, MS_PER_DAY, MS_PER_HOUR, 15 * MS_PER_MINUTE] as const;
const WEEK_MS = 7 * MS_PER_DAY;
const FIRST_WEEK = floor(Date.UTC(1900, 0, 1) / WEEK_MS);
const WEEKS_SPAN = floor(Date.UTC(2200, 0, 1) / WEEK_MS) - FIRST_WEEK;
const UNKNOWN = Number.NEGATIVE_INFINITY;

/**
 * Each zone's offset lookup, kept between calls: a zone's rules do not change while the process runs, so the second
 * analysis in a zone asks Intl nothing for the weeks the first one saw. A few zones at most (a trader's own, UTC).
 */
const zoneOffsets = boundedMemo(16, (name) => blockOffsetLookup(IANAZone.create(name)));

/**
 * The zone's offset at an instant, asking Intl (15 µs a call) about once per week of trades instead of once per trade.
 * A block counts as constant when its first and last millisecond share an offset; no zone changes twice within a week.
 */
function blockOffsetLookup(zone: IANAZone): (ms: number) => number {
  const caches = OFFSET_BLOCKS_MS.map(() => new Map<number, number>());
  // Weeks from 1900 to 2200 in a flat array: trades in no particular order still find their week's offset with one
  // index, not a Map lookup (UNKNOWN: not asked yet; NaN: the offset changes within that week).
  const weekly = new Float64Array(WEEKS_SPAN).fill(UNKNOWN);
  // The block that answered last, [start, end), and its offset: trades come in time order, so it answers most
  // lookups. Its bounds are kept in a typed array, where V8 overwrites a number in place rather than allocating one.
  const known = new Float64Array(2);
  let knownOffset = 0;
  return (ms) => {
    if (ms >= known[0]! && ms < known[1]!) return knownOffset;
    if (!isFinite(ms)) return NAN;
    const week = floor(ms / WEEK_MS) - FIRST_WEEK;
    // In range, the flat array has already answered for the week: finer blocks start at the day.
    let firstLevel = 0;
    if (week >= 0 && week < WEEKS_SPAN) {
      firstLevel = 1;
      let offset = weekly[week]!;
      if (offset === UNKNOWN) {
        const start = (week + FIRST_WEEK) * WEEK_MS;
        const first = zone.offset(start);
        offset = first === zone.offset(start + WEEK_MS - 1) ? first : NAN;
        weekly[week] = offset;
      }
      if (!isNaN(offset)) {
        known[0] = (week + FIRST_WEEK) * WEEK_MS;
        known[1] = known[0] + WEEK_MS;
        knownOffset = offset;
        return offset;
      }
    }
    for (let level = firstLevel; level < OFFSET_BLOCKS_MS.length; level++) {
      const size = OFFSET_BLOCKS_MS[level]!;
      const block = floor(ms / size);
      const cache = caches[level]!;
      let offset = cache.get(block);
      if (offset === undefined) {
        const first = zone.offset(block * size);
        offset = first === zone.offset((block + 1) * size - 1) ? first : NAN;
        cache.set(block, offset);
      }
      if (!isNaN(offset)) {
        known[0] = block * size;
        known[1] = known[0] + size;
        knownOffset = offset;
        return offset;
      }
    }
    return zone.offset(ms);
  };
}
