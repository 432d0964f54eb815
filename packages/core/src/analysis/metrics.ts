// Metrics engine: every number a report may state, from two linear passes over the trades (input, then time order).
import type { EquityPoint, Metrics } from '../domain/metrics';
import { type StoredTrade } from '../domain/trade';
import { DEFAULT_TIMEZONE } from '../domain/timestamps';
import { addTo, addToKey, type Bucket, newBucket, rowsByCount, rowsBySlot } from './breakdown';
import { MONEY_SCALE, toMoneyUnits } from './rounding';
import { tradeR } from './trade-risk';
import { chronologicalOrder, parseInstant } from './trade-order';
import { createZonedClock, MS_PER_MINUTE, WEEKDAYS } from './zoned-clock';

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-trade loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { isFinite, isNaN } = Number;
const NAN = Number.NaN;
/** Breakdown key for trades logged without a broker account. */
export const NO_ACCOUNT = '(no account)';


export interface MetricsOptions {
  /** IANA zone for the weekday and hour buckets. Default UTC. */
  timezone?: string;
}

const ratioOrNull = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/**
 * Two passes: everything that does not depend on order is summed in input order, which reads memory in sequence;
 * streaks, drawdown, R sums and the equity curve then walk the chronological order over compact typed arrays.
 */
export function computeMetrics(trades: readonly StoredTrade[], options: MetricsOptions = {}): Metrics {
  const clock = createZonedClock(options.timezone ?? DEFAULT_TIMEZONE);
  const count = trades.length;
  const entry = new Float64Array(count);
  const exit = new Float64Array(count);
  // P&L and R of trade i at 2i and 2i + 1: the chronological pass then finds both in one cache line.
  const pnlAndR = new Float64Array(count * 2);

  let wins = 0;
  let losses = 0;
  let grossProfitUnits = 0;
  let grossLossUnits = 0;
  let largestWin = 0;
  let largestLoss = 0;
  let holdMs = 0;
  let holdCount = 0;
  const byTicker = new Map<string, Bucket>();
  const byTag = new Map<string, Bucket>();
  const byAccount = new Map<string, Bucket>();
  const bySide = new Map<string, Bucket>();
  // Seven weekdays / 24 hours, plus a last slot for unreadable timestamps.
  const byWeekday = Array.from({ length: 8 }, newBucket);
  const byHour = Array.from({ length: 25 }, newBucket);

  for (let i = 0; i < count; i++) {
    const trade = trades[i]!;
    const pnl = trade.pnl;
    const units = toMoneyUnits(pnl);
    const win = pnl > 0;
    pnlAndR[2 * i] = pnl;
    if (win) {
      wins++;
      grossProfitUnits += units;
      if (pnl > largestWin) largestWin = pnl;
    } else if (pnl < 0) {
      losses++;
      grossLossUnits -= units;
      if (pnl < largestLoss) largestLoss = pnl;
    }

    const entryMs = parseInstant(trade.entry_timestamp, clock.timezone);
    const exitMs = parseInstant(trade.exit_timestamp, clock.timezone);
    entry[i] = entryMs;
    exit[i] = exitMs;
    // Whole milliseconds sum exactly, so the total does not depend on input order.
    const hold = exitMs - entryMs;
    if (isFinite(hold)) {
      holdMs += hold;
      holdCount++;
    }
    pnlAndR[2 * i + 1] = tradeR(trade) ?? NAN;

    addToKey(byTicker, trade.ticker, units, win);
    addToKey(bySide, trade.position_type, units, win);
    addToKey(byAccount, trade.account ?? NO_ACCOUNT, units, win);
    const weekday = clock.weekdayIndex(exitMs);
    addTo(byWeekday[isNaN(weekday) ? 7 : weekday]!, units, win);
    const hour = clock.hour(entryMs);
    addTo(byHour[isNaN(hour) ? 24 : hour]!, units, win);
    const tags = trade.tags;
    if (tags) {
      // A tag written twice on one trade still counts that trade once; indexOf beats a Set for a handful of tags.
      for (let t = 0; t < tags.length; t++) {
        const tag = tags[t]!;
        if (tags.indexOf(tag) === t) addToKey(byTag, tag, units, win);
      }
    }
  }

  const order = chronologicalOrder(trades, { entry, exit });
  let netUnits = 0;
  let peakUnits = 0;
  let drawdownUnits = 0;
  let winStreak = 0;
  let lossStreak = 0;
  let longestWinStreak = 0;
  let longestLossStreak = 0;
  // R sums are floating point, so they are added in chronological order to come out the same for any input order.
  let rCount = 0;
  let rSum = 0;
  let winRCount = 0;
  let winRSum = 0;
  let lossRCount = 0;
  let lossRSum = 0;
  // The entry instants are not read past the ordering: their array holds the curve, one large allocation fewer.
  const curveUnits = entry;
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    const pnl = pnlAndR[2 * index]!;
    netUnits += toMoneyUnits(pnl);
    if (netUnits > peakUnits) peakUnits = netUnits;
    else if (peakUnits - netUnits > drawdownUnits) drawdownUnits = peakUnits - netUnits;
    if (pnl > 0) {
      lossStreak = 0;
      if (++winStreak > longestWinStreak) longestWinStreak = winStreak;
    } else if (pnl < 0) {
      winStreak = 0;
      if (++lossStreak > longestLossStreak) longestLossStreak = lossStreak;
    } else {
      winStreak = 0;
      lossStreak = 0;
    }
    const r = pnlAndR[2 * index + 1]!;
    if (!isNaN(r)) {
      rCount++;
      rSum += r;
      if (pnl > 0) {
        winRCount++;
        winRSum += r;
      } else if (pnl < 0) {
        lossRCount++;
        lossRSum += r;
      }
    }
    curveUnits[k] = netUnits;
  }
  const equityCurve = sampleEquityCurve(trades, order, curveUnits, pnlAndR);

  const grossProfit = grossProfitUnits / MONEY_SCALE;
  const grossLoss = grossLossUnits / MONEY_SCALE;
  const averageWin = wins === 0 ? 0 : grossProfit / wins;
  const averageLoss = losses === 0 ? 0 : grossLoss / losses;
  return {
    timezone: clock.timezone,
    trade_count: count,
    win_count: wins,
    loss_count: losses,
    breakeven_count: count - wins - losses,
    win_rate: count === 0 ? 0 : wins / count,
    net_pnl: netUnits / MONEY_SCALE,
    gross_profit: grossProfit,
    gross_loss: grossLoss,
    profit_factor: ratioOrNull(grossProfit, grossLoss),
    average_win: averageWin,
    average_loss: averageLoss,
    payoff_ratio: losses === 0 ? null : averageWin / averageLoss,
    expectancy: count === 0 ? 0 : netUnits / MONEY_SCALE / count,
    largest_win: largestWin,
    largest_loss: largestLoss,
    max_drawdown: drawdownUnits / MONEY_SCALE,
    longest_win_streak: longestWinStreak,
    longest_loss_streak: longestLossStreak,
    average_hold_minutes: holdCount === 0 ? 0 : holdMs / holdCount / MS_PER_MINUTE,
    r_trade_count: rCount,
    average_r: ratioOrNull(rSum, rCount),
    average_win_r: ratioOrNull(winRSum, winRCount),
    average_loss_r: ratioOrNull(lossRSum, lossRCount),
    by_ticker: rowsByCount(byTicker),
    by_position_type: rowsByCount(bySide).sort((a, b) => (a.key === 'long' ? -1 : b.key === 'long' ? 1 : 0)),
    by_weekday: rowsBySlot(byWeekday, (slot) => WEEKDAYS[slot]!),
    by_hour: rowsBySlot(byHour, (slot) => String(slot).padStart(2, '0')),
    by_tag: rowsByCount(byTag),
    by_account: rowsByCount(byAccount),
    equity_curve: equityCurve,
    first_exit: count === 0 ? null : trades[order[0]!]!.exit_timestamp,
    last_exit: count === 0 ? null : trades[order[count - 1]!]!.exit_timestamp,
  };
}

/** Most points an equity curve keeps: a chart needs no more, and a stored report must stay small. */
export const MAX_EQUITY_POINTS = 1000;

/**
 * The equity curve, every trade's point when there are at most MAX_EQUITY_POINTS, else per bucket of consecutive
 * trades the lowest and highest point (in order) plus the last one, so peaks and troughs survive the thinning.
 */
function sampleEquityCurve(trades: readonly StoredTrade[], order: ArrayLike<number>, curveUnits: Float64Array, pnlAndR: Float64Array): EquityPoint[] {
  const count = curveUnits.length;
  const point = (k: number): EquityPoint => {
    const trade = trades[order[k]!]!;
    const r = pnlAndR[2 * order[k]! + 1]!;
    return { trade_id: trade.trade_id, exit_timestamp: trade.exit_timestamp, cumulative_pnl: curveUnits[k]! / MONEY_SCALE, r: isNaN(r) ? null : r };
  };
  if (count <= MAX_EQUITY_POINTS) return Array.from({ length: count }, (_, k) => point(k));
  const bucket = Math.ceil(count / Math.floor((MAX_EQUITY_POINTS - 1) / 2));
  const kept: number[] = [];
  for (let start = 0; start < count; start += bucket) {
    const end = Math.min(start + bucket, count);
    let low = start;
    let high = start;
    for (let k = start + 1; k < end; k++) {
      if (curveUnits[k]! < curveUnits[low]!) low = k;
      if (curveUnits[k]! > curveUnits[high]!) high = k;
    }
    kept.push(Math.min(low, high));
    if (high !== low) kept.push(Math.max(low, high));
  }
  if (kept[kept.length - 1] !== count - 1) kept.push(count - 1);
  return kept.map(point);
}

