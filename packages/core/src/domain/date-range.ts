// Inclusive calendar-date ranges compared with a trade's exit date in the trader's timezone.
import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import { localDate } from './timestamps';

export interface DateRange {
  /** Inclusive yyyy-mm-dd, or undefined for an open end. */
  start?: string;
  end?: string;
  timezone: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks yyyy-mm-dd bounds (real dates, start not after end); `names` label them in the error. */
export function parseDateRange(
  start: string | undefined,
  end: string | undefined,
  timezone: string,
  names: { start: string; end: string } = { start: 'start_date', end: 'end_date' },
): DateRange {
  for (const [name, value] of [
    [names.start, start],
    [names.end, end],
  ] as const) {
    if (value !== undefined && (!DATE.test(value) || !DateTime.fromISO(value).isValid)) {
      throw new ValidationError('DATE_RANGE.INVALID_DATE', `${name} must be a calendar date in the form yyyy-mm-dd`, { field: name });
    }
  }
  if (start !== undefined && end !== undefined && start > end) {
    throw new ValidationError('DATE_RANGE.START_AFTER_END', `${names.start} (${start}) is after ${names.end} (${end})`, { field: names.start });
  }
  return { ...(start ? { start } : {}), ...(end ? { end } : {}), timezone };
}

export function inDateRange(exitTimestamp: string, range: DateRange): boolean {
  if (!range.start && !range.end) return true;
  const day = localDate(exitTimestamp, range.timezone);
  return (!range.start || day >= range.start) && (!range.end || day <= range.end);
}
