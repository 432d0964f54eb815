// Test factories for stored trades: a plain default trade, and a timed series where only the P&L matters.
import { type StoredTrade } from '../domain/trade';

/** A closed AAPL long on Monday 2026-03-02, 14:30–15:00 UTC, break-even; override what the test is about. */
export function makeTrade(overrides: Partial<StoredTrade> = {}): StoredTrade {
  return {
    trade_id: 't1',
    user_id: 'user-1',
    file_links: '',
    ticker: 'AAPL',
    position_type: 'long',
    pnl: 0,
    entry_timestamp: '2026-03-02T14:30:00Z',
    exit_timestamp: '2026-03-02T15:00:00Z',
    notes: '',
    ...overrides,
  };
}

/** `2026-03-02T14:30:00Z` plus `minutes`, in the canonical form the journal stores. */
export function utcAt(minutes: number, start = '2026-03-02T14:30:00Z'): string {
  return new Date(Date.parse(start) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

/**
 * Trades `t1`, `t2`, … one after another: trade i enters `gapMinutes` after trade i-1 exits and is held
 * `holdMinutes`, so exit order is list order. `extra` adds fields to trade i (0-based).
 */
export function tradeSeries(
  pnls: readonly number[],
  options: { gapMinutes?: number; holdMinutes?: number; start?: string; extra?: (index: number) => Partial<StoredTrade> } = {},
): StoredTrade[] {
  const { gapMinutes = 90, holdMinutes = 30, start = '2026-03-02T14:30:00Z', extra } = options;
  return pnls.map((pnl, index) => {
    const entry = index * (gapMinutes + holdMinutes);
    return makeTrade({
      trade_id: `t${index + 1}`,
      pnl,
      entry_timestamp: utcAt(entry, start),
      exit_timestamp: utcAt(entry + holdMinutes, start),
      ...extra?.(index),
    });
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so sample journals are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A copy of `items` in a random order (Fisher–Yates), drawn from `random`: seededRandom gives the same order every run. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A realistic month of trading for report tests: several tickers and hours, stops on most trades, break-evens, odd
 * cents, a losing TSLA habit in the 14:00 UTC hour and revenge re-entries after big losses.
 */
export function sampleJournal(count = 80, seed = 42): StoredTrade[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const trades: StoredTrade[] = [];
  let clock = Date.parse('2026-03-02T13:35:00Z');
  for (let i = 0; i < count; i++) {
    const ticker = pick(['AAPL', 'TSLA', 'NVDA', 'ES', 'SPY', '6E']);
    const hold = 5 + Math.floor(random() * 90);
    const entryPrice = 50 + Math.round(random() * 40_000) / 100;
    const quantity = pick([10, 20, 50, 100]);
    const losingHabit = ticker === 'TSLA' || new Date(clock).getUTCHours() === 14;
    const cents = Math.round((random() - (losingHabit ? 0.7 : 0.4)) * 60_000) + (i % 13 === 0 ? 0 : 7);
    const pnl = i % 11 === 0 ? 0 : cents / 100;
    trades.push(
      makeTrade({
        trade_id: `trade-${String(i + 1).padStart(3, '0')}`,
        ticker,
        position_type: random() < 0.6 ? 'long' : 'short',
        pnl,
        entry_timestamp: new Date(clock).toISOString().replace('.000Z', 'Z'),
        exit_timestamp: new Date(clock + hold * 60_000).toISOString().replace('.000Z', 'Z'),
        quantity,
        entry_price: entryPrice,
        ...(i % 5 === 0 ? {} : { stop_loss: Math.round(entryPrice * 98) / 100 }),
        tags: pick([['breakout'], ['pullback'], ['breakout', 'news'], []]),
      }),
    );
    // A big loss is followed by a quick re-entry; otherwise the next trade comes later the same day or the next.
    const gap = pnl < -150 ? 20 : 30 + Math.floor(random() * 120);
    clock += (hold + gap) * 60_000;
    if (new Date(clock).getUTCHours() >= 20) clock = Date.parse(new Date(clock + 86_400_000).toISOString().slice(0, 10) + 'T13:35:00Z');
  }
  return trades;
}
