// Metrics engine: every number a report may state, from two linear passes over the trades (input, then time order).
import type { EquityPoint, Metrics } from '../domain/metrics';
import { type StoredTrade } from '../domain/trade';
import { DEFAULT_TIMEZONE } from '../domain/timestamps';
import { addTo, KeyedBuckets, newBucket, rowsByCount, rowsBySlot } from './breakdown';
import { MONEY_SCALE, toMoneyUnits } from './rounding';
import { tradeR } from './trade-risk';
import { chronologicalOrder, compareChronologically, parseInstant, type TradeInstants, tradeInstants } from './trade-order';
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
 * Everything that does not depend on order is summed in input order, which reads memory in sequence. Streaks,
 * drawdown, R sums and the equity curve need chronological order: a journal in that order already (journals are
 * appended in time order) feeds them in the same pass; any other is sorted first, then walked.
 */
export function computeMetrics(trades: readonly StoredTrade[], options: MetricsOptions = {}): Metrics {
  const clock = createZonedClock(options.timezone ?? DEFAULT_TIMEZONE);
  const count = trades.length;

  let wins = 0;
  let losses = 0;
  let grossProfitUnits = 0;
  let grossLossUnits = 0;
  let largestWin = 0;
  let largestLoss = 0;
  let holdMs = 0;
  let holdCount = 0;
  const byTicker = new KeyedBuckets();
  const byTag = new KeyedBuckets();
  const byAccount = new KeyedBuckets();
  const bySide = new KeyedBuckets();
  // Seven weekdays / 24 hours, plus a last slot for unreadable timestamps.
  const byWeekday = Array.from({ length: 8 }, newBucket);
  const byHour = Array.from({ length: 25 }, newBucket);
  let walk = new ChronologicalWalk(trades);
  // While each trade reads after the one before, the walk takes it as it comes and nothing per trade is kept. At the
  // first trade out of order that walk is dropped, and from then on what the sort and a second walk need is kept (the
  // trades before are read again; see Unordered). Per-trade typed arrays are what this saves: V8 counts them as
  // external memory and collects the whole heap, journal included, for each 64 MB of them, which for a million
  // trades in order cost more than all the rest.
  let unordered: Unordered | undefined;
  let previousEntry = NAN;
  let previousExit = NAN;

  for (let i = 0; i < count; i++) {
    const trade = trades[i]!;
    const pnl = trade.pnl;
    const units = toMoneyUnits(pnl);
    const win = pnl > 0;
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
    // A later exit is in order; anything else (NaN compares false) takes the full comparison, which is a call.
    const laterExit = previousExit < exitMs;
    if (!unordered && i > 0 && !laterExit && compareChronologically(trades[i - 1]!, previousExit, previousEntry, trade, exitMs, entryMs) > 0) {
      unordered = keepUnordered(trades, clock.timezone, i);
    }
    if (unordered) {
      unordered.instants.entry[i] = entryMs;
      unordered.instants.exit[i] = exitMs;
      keepPnlAndR(unordered.pnlAndR, i, trade);
    } else {
      walk.addTrade(i, trade);
    }
    previousEntry = entryMs;
    previousExit = exitMs;
    // Whole milliseconds sum exactly, so the total does not depend on input order.
    const hold = exitMs - entryMs;
    if (isFinite(hold)) {
      holdMs += hold;
      holdCount++;
    }

    byTicker.add(trade.ticker, units, win);
    bySide.add(trade.position_type, units, win);
    byAccount.add(trade.account ?? NO_ACCOUNT, units, win);
    const weekday = clock.weekdayIndex(exitMs);
    addTo(byWeekday[isNaN(weekday) ? 7 : weekday]!, units, win);
    const hour = clock.hour(entryMs);
    addTo(byHour[isNaN(hour) ? 24 : hour]!, units, win);
    const tags = trade.tags;
    if (tags) {
      // A tag written twice on one trade still counts that trade once; indexOf beats a Set for a handful of tags.
      for (let t = 0; t < tags.length; t++) {
        const tag = tags[t]!;
        if (tags.indexOf(tag) === t) byTag.add(tag, units, win);
      }
    }
  }

  // Undefined: the input is its own chronological order.
  let order: Uint32Array | undefined;
  if (unordered) {
    order = chronologicalOrder(trades, unordered.instants);
    walk = walkInOrder(trades, order, unordered.pnlAndR);
  }
  const exitAt = (k: number): string => trades[order ? order[k]! : k]!.exit_timestamp;

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
    net_pnl: walk.netUnits / MONEY_SCALE,
    gross_profit: grossProfit,
    gross_loss: grossLoss,
    profit_factor: ratioOrNull(grossProfit, grossLoss),
    average_win: averageWin,
    average_loss: averageLoss,
    payoff_ratio: losses === 0 ? null : averageWin / averageLoss,
    expectancy: count === 0 ? 0 : walk.netUnits / MONEY_SCALE / count,
    largest_win: largestWin,
    largest_loss: largestLoss,
    max_drawdown: walk.drawdownUnits / MONEY_SCALE,
    longest_win_streak: walk.longestWinStreak,
    longest_loss_streak: walk.longestLossStreak,
    average_hold_minutes: holdCount === 0 ? 0 : holdMs / holdCount / MS_PER_MINUTE,
    r_trade_count: walk.rCount,
    average_r: ratioOrNull(walk.rSum, walk.rCount),
    average_win_r: ratioOrNull(walk.winRSum, walk.winRCount),
    average_loss_r: ratioOrNull(walk.lossRSum, walk.lossRCount),
    by_ticker: rowsByCount(byTicker),
    by_position_type: rowsByCount(bySide).sort((a, b) => (a.key === 'long' ? -1 : b.key === 'long' ? 1 : 0)),
    by_weekday: rowsBySlot(byWeekday, (slot) => WEEKDAYS[slot]!),
    by_hour: rowsBySlot(byHour, (slot) => String(slot).padStart(2, '0')),
    by_tag: rowsByCount(byTag),
    by_account: rowsByCount(byAccount),
    equity_curve: walk.curve.points,
    first_exit: count === 0 ? null : exitAt(0),
    last_exit: count === 0 ? null : exitAt(count - 1),
  };
}

/**
 * What the chronological walk needs of trades that are not in input order, by input index: their instants for the
 * sort, and P&L and R (of trade i at 2i and 2i + 1), which the walk then finds in one cache line instead of visiting
 * trade objects scattered over the heap in no particular order.
 */
interface Unordered {
  instants: TradeInstants;
  pnlAndR: Float64Array;
}

/** Unordered arrays for every trade, filled for the first `upTo`: the caller fills the rest as it reads them. */
function keepUnordered(trades: readonly StoredTrade[], timezone: string, upTo: number): Unordered {
  const pnlAndR = new Float64Array(trades.length * 2);
  for (let i = 0; i < upTo; i++) keepPnlAndR(pnlAndR, i, trades[i]!);
  return { instants: tradeInstants(trades, timezone, upTo), pnlAndR };
}

function keepPnlAndR(pnlAndR: Float64Array, i: number, trade: StoredTrade): void {
  pnlAndR[2 * i] = trade.pnl;
  pnlAndR[2 * i + 1] = tradeR(trade) ?? NAN;
}

/**
 * The walk over trades in `order`, their P&L and R read from `pnlAndR`. A function of its own, where V8 inlines each
 * step: computeMetrics is past its inlining budget, and a call not inlined boxes each number passed. A million boxes
 * mean young-generation collections frequent enough to move the large arrays to the old one, freed only by a full one.
 */
function walkInOrder(trades: readonly StoredTrade[], order: Uint32Array, pnlAndR: Float64Array): ChronologicalWalk {
  const walk = new ChronologicalWalk(trades);
  for (let k = 0; k < order.length; k++) {
    const index = order[k]!;
    walk.add(index, pnlAndR[2 * index]!, pnlAndR[2 * index + 1]!);
  }
  return walk;
}

/**
 * The numbers that depend on order, fed trade by trade in chronological order: net P&L and drawdown (in money units),
 * streaks, R sums and the equity curve. Fields, not a closure's variables, so V8 updates the numbers in place.
 */
class ChronologicalWalk {
  netUnits = 0;
  drawdownUnits = 0;
  longestWinStreak = 0;
  longestLossStreak = 0;
  // R sums are floating point, so they are added in chronological order to come out the same for any input order.
  rCount = 0;
  rSum = 0;
  winRCount = 0;
  winRSum = 0;
  lossRCount = 0;
  lossRSum = 0;
  readonly curve: EquityCurveSampler;
  private peakUnits = 0;
  private winStreak = 0;
  private lossStreak = 0;
  private position = 0;

  constructor(trades: readonly StoredTrade[]) {
    this.curve = new EquityCurveSampler(trades);
  }

  /**
   * The next trade in chronological order, at input `index`. Its P&L and R are read here rather than passed: V8 boxes
   * each number passed to a call it does not inline, and computeMetrics is mostly past its inlining budget here.
   */
  addTrade(index: number, trade: StoredTrade): void {
    this.add(index, trade.pnl, tradeR(trade) ?? NAN);
  }

  /** The next trade in chronological order: its input index, P&L and R (NaN when unknown). */
  add(index: number, pnl: number, r: number): void {
    const netUnits = (this.netUnits += toMoneyUnits(pnl));
    if (netUnits > this.peakUnits) this.peakUnits = netUnits;
    else if (this.peakUnits - netUnits > this.drawdownUnits) this.drawdownUnits = this.peakUnits - netUnits;
    if (pnl > 0) {
      this.lossStreak = 0;
      if (++this.winStreak > this.longestWinStreak) this.longestWinStreak = this.winStreak;
    } else if (pnl < 0) {
      this.winStreak = 0;
      if (++this.lossStreak > this.longestLossStreak) this.longestLossStreak = this.lossStreak;
    } else {
      this.winStreak = 0;
      this.lossStreak = 0;
    }
    if (!isNaN(r)) {
      this.rCount++;
      this.rSum += r;
      if (pnl > 0) {
        this.winRCount++;
        this.winRSum += r;
      } else if (pnl < 0) {
        this.lossRCount++;
        this.lossRSum += r;
      }
    }
    this.curve.add(this.position++, index, netUnits);
  }
}

/** Most points an equity curve keeps: a chart needs no more, and a stored report must stay small. */
export const MAX_EQUITY_POINTS = 1000;

/**
 * The equity curve, every trade's point when there are at most MAX_EQUITY_POINTS, else per bucket of consecutive
 * trades the lowest and highest point (in order) plus the last one, so peaks and troughs survive the thinning. Fed
 * point by point in chronological order, so the curve of a million trades is never held.
 */
class EquityCurveSampler {
  readonly points: EquityPoint[] = [];
  private readonly count: number;
  private readonly bucket: number;
  // The current bucket's end (exclusive) and its lowest and highest point so far (the first of equals): position,
  // trade index, units.
  private end = 0;
  private low = 0;
  private lowIndex = 0;
  private lowUnits = 0;
  private high = 0;
  private highIndex = 0;
  private highUnits = 0;

  constructor(private readonly trades: readonly StoredTrade[]) {
    const count = (this.count = trades.length);
    this.bucket = count <= MAX_EQUITY_POINTS ? 1 : Math.ceil(count / Math.floor((MAX_EQUITY_POINTS - 1) / 2));
  }

  /** The point at chronological position `k` (0, 1, 2, …): trade `index`, cumulative `units`. */
  add(k: number, index: number, units: number): void {
    if (k === this.end) {
      this.end = Math.min(k + this.bucket, this.count);
      this.low = this.high = k;
      this.lowIndex = this.highIndex = index;
      this.lowUnits = this.highUnits = units;
    } else {
      if (units < this.lowUnits) {
        this.low = k;
        this.lowIndex = index;
        this.lowUnits = units;
      }
      if (units > this.highUnits) {
        this.high = k;
        this.highIndex = index;
        this.highUnits = units;
      }
    }
    if (k + 1 < this.end) return;
    if (this.low < this.high) {
      this.push(this.lowIndex, this.lowUnits);
      this.push(this.highIndex, this.highUnits);
    } else {
      this.push(this.highIndex, this.highUnits);
      if (this.high !== this.low) this.push(this.lowIndex, this.lowUnits);
    }
    // The last point is kept even when it is neither its bucket's lowest nor highest.
    if (k === this.count - 1 && this.low !== k && this.high !== k) this.push(index, units);
  }

  private push(index: number, units: number): void {
    const trade = this.trades[index]!;
    const r = tradeR(trade) ?? NAN;
    this.points.push({ trade_id: trade.trade_id, exit_timestamp: trade.exit_timestamp, cumulative_pnl: units / MONEY_SCALE, r: isNaN(r) ? null : r });
  }
}
