// How numbers are printed in reports: every coach and the grounding check go through these, so text and check agree.
import { createZonedClock } from './zoned-clock';
import { parseInstant } from './trade-order';

// signDisplay 'negative' keeps a value that rounds to zero from printing as `-0.00`.
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'negative' });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'negative' });
// Up to two decimals: a median of trades per day can be 2.5.
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, signDisplay: 'negative' });
const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8, signDisplay: 'negative' });

const NOT_AVAILABLE = 'n/a';

/** Account-currency amount with cents and thousands separators, no symbol (the journal does not record a currency). */
export function formatMoney(value: number): string {
  return twoDecimals.format(value);
}

/** A plain ratio such as profit factor or payoff ratio, two decimals; `n/a` when undefined (e.g. no losses). */
export function formatRatio(value: number | null): string {
  return value === null ? NOT_AVAILABLE : twoDecimals.format(value);
}

/** A rate in [0, 1] as a percent with one decimal: 0.6667 → `66.7%`. */
export function formatPercent(value: number | null): string {
  return value === null ? NOT_AVAILABLE : `${oneDecimal.format(value * 100)}%`;
}

/** An R multiple: `-1.20R`. */
export function formatR(value: number | null): string {
  return value === null ? NOT_AVAILABLE : `${twoDecimals.format(value)}R`;
}

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Shares, contracts or coins: as many decimals as the trader used, up to 8. */
export function formatQuantity(value: number): string {
  return quantityFormat.format(value);
}

/** A hold time in the unit a trader thinks in: minutes for intraday, hours within two days, then days. */
export function formatDuration(minutes: number): string {
  if (minutes < 90) return `${oneDecimal.format(minutes)} min`;
  if (minutes < 48 * 60) return `${oneDecimal.format(minutes / 60)} h`;
  return `${oneDecimal.format(minutes / (24 * 60))} days`;
}

/** An entry-hour bucket key (`9` or `09`) as the clock time it starts at: `09:00`. */
export function formatHour(hour: number | string): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** The local calendar date (`yyyy-mm-dd`) of a stored timestamp in `timezone`; the text itself if it cannot be read. */
export function formatDate(timestamp: string, timezone: string): string {
  const ms = parseInstant(timestamp, timezone);
  return Number.isNaN(ms) ? timestamp : createZonedClock(timezone).dateKey(ms);
}

/** `1 trade`, `3 trades`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
