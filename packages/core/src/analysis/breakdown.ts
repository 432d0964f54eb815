// Breakdown buckets (per ticker, side, weekday, hour, tag): money kept in integer units, rows in a stable order.
import type { BreakdownRow } from '../domain/metrics';
import { MONEY_SCALE } from './rounding';

/** Bucket key for a trade whose timestamp cannot be read, so breakdowns still account for every trade. */
export const UNKNOWN_BUCKET = 'unknown';

export interface Bucket {
  count: number;
  wins: number;
  units: number;
}

export const newBucket = (): Bucket => ({ count: 0, wins: 0, units: 0 });

export function addTo(bucket: Bucket, units: number, win: boolean): void {
  bucket.count++;
  bucket.units += units;
  if (win) bucket.wins++;
}

/**
 * Buckets by name (ticker, side, account, tag). The buckets of the last two keys are kept at hand: in a journal the
 * account, tag and often the ticker repeat from trade to trade, or go back and forth (long, short), and comparing a
 * string or two costs less than a Map lookup.
 */
export class KeyedBuckets {
  readonly buckets = new Map<string, Bucket>();
  // The last key and the one before it, each with its bucket in the map. A bucket is undefined until its key has been
  // seen; `===` agrees with the map on which keys are the same, so a shortcut never picks another bucket than a lookup.
  private lastKey = '';
  private lastBucket: Bucket | undefined;
  private otherKey = '';
  private otherBucket: Bucket | undefined;

  add(key: string, units: number, win: boolean): void {
    let bucket = this.lastBucket;
    if (key !== this.lastKey || bucket === undefined) {
      if (key === this.otherKey && this.otherBucket !== undefined) {
        bucket = this.otherBucket;
      } else {
        bucket = this.buckets.get(key);
        if (!bucket) {
          bucket = newBucket();
          this.buckets.set(key, bucket);
        }
      }
      this.otherKey = this.lastKey;
      this.otherBucket = this.lastBucket;
      this.lastKey = key;
      this.lastBucket = bucket;
    }
    addTo(bucket, units, win);
  }
}

export const toRow = (key: string, bucket: Bucket): BreakdownRow => ({
  key,
  trade_count: bucket.count,
  net_pnl: bucket.units / MONEY_SCALE,
  win_rate: bucket.count === 0 ? 0 : bucket.wins / bucket.count,
});

/** Most-traded first; ties by name so the order never depends on input order. */
export function rowsByCount({ buckets }: KeyedBuckets): BreakdownRow[] {
  return [...buckets]
    .map(([key, bucket]) => toRow(key, bucket))
    .sort((a, b) => b.trade_count - a.trade_count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Fixed-slot buckets (weekdays, hours) in slot order, empty slots left out, the unknown slot last. */
export function rowsBySlot(buckets: readonly Bucket[], keyOf: (slot: number) => string): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  buckets.forEach((bucket, slot) => {
    if (bucket.count > 0) rows.push(toRow(slot === buckets.length - 1 ? UNKNOWN_BUCKET : keyOf(slot), bucket));
  });
  return rows;
}
