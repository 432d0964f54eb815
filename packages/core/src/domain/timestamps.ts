// Timestamp rules: ISO 8601 in, an instant with an explicit offset out; a time without offset is the trader's local time.
import { DateTime, IANAZone } from 'luxon';
import { boundedMemo } from './bounded-memo';

export const DEFAULT_TIMEZONE = 'UTC';

/**
 * Answers about zone names, kept: both questions build an Intl.DateTimeFormat (tens of µs), and every job and many
 * requests ask them about the same few zones. Bounded, so odd spellings sent in requests cannot grow it without end.
 */
const MAX_REMEMBERED_ZONES = 256;
const zoneValidity = boundedMemo(MAX_REMEMBERED_ZONES, (zone) => IANAZone.isValidZone(zone));
const zoneSpelling = boundedMemo(MAX_REMEMBERED_ZONES, (zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);

export function isValidTimezone(zone: string): boolean {
  return zoneValidity(zone);
}

/** The canonical spelling of a valid zone (`utc` → `UTC`, `america/new_york` → `America/New_York`). */
export function canonicalTimezone(zone: string): string {
  return zoneSpelling(zone);
}

// Real UTC offsets run from -12:00 to +14:00; anything beyond is a typo that other readers (Sheets) would refuse.
const MAX_OFFSET_MINUTES = 14 * 60;

const OFFSET_SUFFIX = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** True when the text carries its own offset (`Z`, `+02:00`, `-0500`). */
export function hasOffset(text: string): boolean {
  return OFFSET_SUFFIX.test(text.trim()) && /T|\s/.test(text.trim());
}

/**
 * Parses an ISO 8601 date-time (`T` or one space between date and time). Without an offset it is read in `zone`.
 * Returns null when the text is not a real date-time (2026-02-30 is rejected, not rolled over).
 */
export function parseTimestamp(text: string, zone: string = DEFAULT_TIMEZONE): DateTime | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return null;
  const normalized = trimmed.replace(/^(\d{4}-\d{2}-\d{2})[ ](\d)/, '$1T$2');
  const withOffset = hasOffset(normalized);
  const parsed = DateTime.fromISO(normalized, { zone, setZone: withOffset });
  if (!parsed.isValid || Math.abs(parsed.offset) > MAX_OFFSET_MINUTES) return null;
  // A local time inside a daylight-saving gap (02:30 on a spring-forward night) never happened: refuse it rather
  // than silently moving it an hour.
  const clock = /T(\d{2}):?(\d{2})?/.exec(normalized);
  if (!withOffset && clock && (Number(clock[1]) !== parsed.hour || Number(clock[2] ?? 0) !== parsed.minute)) return null;
  return parsed;
}

/** Canonical text of an instant: ISO 8601 with seconds and the offset it was given in (`Z` for UTC). */
export function formatTimestamp(value: DateTime): string {
  return value.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';
}

/** Calendar date (yyyy-mm-dd) of an instant as seen in `zone`. */
export function localDate(iso: string, zone: string = DEFAULT_TIMEZONE): string {
  return DateTime.fromISO(iso, { setZone: true }).setZone(zone).toISODate() ?? '';
}

export function toMillis(iso: string): number {
  return DateTime.fromISO(iso, { setZone: true }).toMillis();
}
