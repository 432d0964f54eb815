// The order analysis reads trades in (exit, then entry, then id), independent of the order the journal returned them.
import { type StoredTrade } from '../domain/trade';
import { DEFAULT_TIMEZONE, parseTimestamp } from '../domain/timestamps';
import { dateTimeMillis, digitsAt, twoDigits } from '../domain/timestamp-digits';

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-trade loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { min } = Math;
const { isNaN, isInteger } = Number;
const NAN = Number.NaN;
const INFINITY = Number.POSITIVE_INFINITY;

/**
 * Epoch milliseconds of a stored timestamp. The canonical form the journal writes (`2026-03-02T09:41:00Z`,
 * `…-05:00`, optional fraction) is read by hand: Date.parse costs about 0.4 µs a call, which is most of the budget
 * for a million trades. Anything else goes through the domain parser, where a time without offset is read in
 * `timezone`. NaN when the text is not a date-time.
 */
export function parseInstant(text: string, timezone: string = DEFAULT_TIMEZONE): number {
  const fast = parseCanonical(text);
  if (!isNaN(fast)) return fast;
  return parseTimestamp(text, timezone)?.toMillis() ?? NAN;
}

function parseCanonical(text: string): number {
  const dateTime = dateTimeMillis(text);
  if (isNaN(dateTime)) return NAN;
  const length = text.length;
  let position = 19;
  let millis = 0;
  if (text.charCodeAt(position) === 46) {
    const fractionStart = ++position;
    while (position < length && text.charCodeAt(position) >= 48 && text.charCodeAt(position) <= 57) position++;
    const fractionDigits = position - fractionStart;
    if (fractionDigits === 0) return NAN;
    const kept = min(fractionDigits, 3);
    millis = digitsAt(text, fractionStart, kept) * 10 ** (3 - kept);
  }

  let offsetMinutes: number;
  const sign = text.charCodeAt(position);
  if (sign === 90 && position + 1 === length) {
    offsetMinutes = 0;
  } else if ((sign === 43 || sign === 45) && position + 6 === length && text.charCodeAt(position + 3) === 58) {
    const offsetHours = twoDigits(text, position + 1);
    const offsetMins = twoDigits(text, position + 4);
    if (offsetHours < 0 || offsetMins < 0) return NAN;
    offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else {
    return NAN;
  }
  return dateTime + millis - offsetMinutes * 60_000;
}

/** Entry and exit instants of each trade, by input index. */
export interface TradeInstants {
  entry: Float64Array;
  exit: Float64Array;
}

/** Instants of every trade; only the first `upTo` are read, for a caller that has read the others as they came. */
export function tradeInstants(trades: readonly StoredTrade[], timezone: string = DEFAULT_TIMEZONE, upTo = trades.length): TradeInstants {
  const entry = new Float64Array(trades.length);
  const exit = new Float64Array(trades.length);
  for (let i = 0; i < upTo; i++) {
    const trade = trades[i]!;
    entry[i] = parseInstant(trade.entry_timestamp, timezone);
    exit[i] = parseInstant(trade.exit_timestamp, timezone);
  }
  return { entry, exit };
}

/** Unknown instants sort after every known one. */
const sortKey = (ms: number): number => (isNaN(ms) ? INFINITY : ms);

/**
 * Which of two trades reads first, given their exit and entry instants: by exit, entry, trade id, P&L, then exit
 * text. Negative or positive, or 0 when all of those are equal (input position then decides).
 */
export function compareChronologically(a: StoredTrade, exitA: number, entryA: number, b: StoredTrade, exitB: number, entryB: number): number {
  const exitKeyA = sortKey(exitA);
  const exitKeyB = sortKey(exitB);
  if (exitKeyA !== exitKeyB) return exitKeyA < exitKeyB ? -1 : 1;
  const entryKeyA = sortKey(entryA);
  const entryKeyB = sortKey(entryB);
  if (entryKeyA !== entryKeyB) return entryKeyA < entryKeyB ? -1 : 1;
  if (a.trade_id !== b.trade_id) return a.trade_id < b.trade_id ? -1 : 1;
  if (a.pnl !== b.pnl) return a.pnl < b.pnl ? -1 : 1;
  if (a.exit_timestamp !== b.exit_timestamp) return a.exit_timestamp < b.exit_timestamp ? -1 : 1;
  return 0;
}

/**
 * Indices of `trades` in reading order (compareChronologically, then input position). Every key but the last is part
 * of the trade, so shuffling the input cannot change streaks, drawdown or the equity curve.
 */
export function chronologicalOrder(trades: readonly StoredTrade[], instants: TradeInstants): Uint32Array {
  const { entry, exit } = instants;
  const compare = (a: number, b: number): number =>
    compareChronologically(trades[a]!, exit[a]!, entry[a]!, trades[b]!, exit[b]!, entry[b]!) || a - b;

  const identity = (): Uint32Array => {
    const order = new Uint32Array(trades.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order;
  };
  // Journals are appended in time order, so the common case is one linear check.
  let sorted = true;
  for (let i = 1; i < trades.length && sorted; i++) sorted = compare(i - 1, i) <= 0;
  if (sorted) return identity();

  const byExit = radixOrderByExit(exit);
  if (!byExit) return identity().sort(compare);
  // The radix pass orders by exit only; runs of equal exits are short, so finish them with the full comparison.
  const { indices, keys } = byExit;
  let runStart = 0;
  for (let i = 1; i <= indices.length; i++) {
    if (i === indices.length || keys[i] !== keys[runStart]) {
      if (i - runStart > 1) indices.subarray(runStart, i).sort(compare);
      runStart = i;
    }
  }
  return indices;
}

const RADIX_BITS = 16;
const RADIX = 2 ** RADIX_BITS;
const MASK = RADIX - 1;
// Unknown exits sort last: their key is above every known one (known keys are kept below it).
const UNKNOWN_KEY = 2 ** 32 - 1;

/**
 * Stable LSD radix sort of indices by exit, two 16-bit passes over 32-bit integer keys: the exit in `unit`s (a
 * minute, a second or a millisecond, the coarsest that divides every exit) after the earliest. A comparison sort of a
 * shuffled million trades takes about half a second; this a fraction of it, and it allocates little (large typed
 * arrays make V8 collect the whole heap). Null when the keys do not suit it (fractions of a millisecond, or a span
 * beyond 2^32 units: 8,000 years of minutes, 136 of seconds, 49 days of milliseconds); the caller then compares.
 * `keys[k]` is the key of `indices[k]`, so the caller can find runs of equal exits.
 */
function radixOrderByExit(exit: Float64Array): { indices: Uint32Array; keys: Uint32Array } | null {
  let min = INFINITY;
  let max = -INFINITY;
  for (let i = 0; i < exit.length; i++) {
    const ms = exit[i]!;
    if (isNaN(ms)) continue;
    if (!isInteger(ms)) return null;
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  // Journal times are whole seconds or minutes: sorting in that unit keeps the keys within 32 bits.
  let unit = 60_000;
  for (let i = 0; i < exit.length && unit > 1; i++) {
    const ms = exit[i]!;
    while (unit > 1 && !isNaN(ms) && (ms - min) % unit !== 0) unit = unit === 60_000 ? 1_000 : 1;
  }
  if (max >= min && (max - min) / unit >= UNKNOWN_KEY) return null;

  const n = exit.length;
  let indices = new Uint32Array(n);
  let keys = new Uint32Array(n);
  let known = 0;
  let unknownSlot = n;
  for (let i = 0; i < n; i++) {
    const ms = exit[i]!;
    if (isNaN(ms)) {
      indices[--unknownSlot] = i;
      keys[unknownSlot] = UNKNOWN_KEY;
    } else {
      indices[known] = i;
      keys[known++] = (ms - min) / unit;
    }
  }

  let nextIndices = new Uint32Array(n);
  let nextKeys = new Uint32Array(n);
  nextIndices.set(indices.subarray(known), known);
  nextKeys.set(keys.subarray(known), known);
  const starts = new Uint32Array(RADIX);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    starts.fill(0);
    for (let k = 0; k < known; k++) starts[(keys[k]! >>> shift) & MASK]!++;
    let total = 0;
    for (let digit = 0; digit < RADIX; digit++) {
      const count = starts[digit]!;
      starts[digit] = total;
      total += count;
    }
    for (let k = 0; k < known; k++) {
      const key = keys[k]!;
      const slot = starts[(key >>> shift) & MASK]!++;
      nextKeys[slot] = key;
      nextIndices[slot] = indices[k]!;
    }
    [indices, nextIndices] = [nextIndices, indices];
    [keys, nextKeys] = [nextKeys, keys];
  }
  return { indices, keys };
}
