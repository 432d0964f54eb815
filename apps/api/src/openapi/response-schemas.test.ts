import { computeMetrics, roundMetrics, type StoredTrade } from '@pecunia/core';
import { makeTrade, utcAt } from '@pecunia/core/testing';
import { z } from 'zod';
import { metricsSchema } from './response-schemas';

/** Every object in the document's Metrics schema, made strict: a field the engine adds or drops fails the parse. */
function strictDeep(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, value]) => [key, strictDeep(value)]));
    return z.strictObject(shape);
  }
  if (schema instanceof z.ZodArray) return z.array(strictDeep(schema.element as z.ZodType));
  if (schema instanceof z.ZodNullable) return strictDeep(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodOptional) return strictDeep(schema.unwrap() as z.ZodType).optional();
  return schema;
}

const trade = (i: number): StoredTrade =>
  makeTrade({
    trade_id: `t${i}`,
    ticker: i % 2 ? 'AAPL' : 'ES',
    position_type: i % 3 ? 'long' : 'short',
    pnl: [120.5, -80, 0, 45.25][i % 4]!,
    entry_timestamp: utcAt(i * 60),
    exit_timestamp: utcAt(i * 60 + 45),
    quantity: 10,
    entry_price: 100,
    stop_loss: 99,
    tags: ['orb'],
  });

describe('documented Metrics', () => {
  it('has exactly the fields the metrics engine returns (no undocumented or stale field)', () => {
    const trades = Array.from({ length: 20 }, (_, i) => trade(i));
    const metrics = roundMetrics(computeMetrics(trades));

    const parsed = strictDeep(metricsSchema).safeParse(metrics);

    expect(parsed.error?.issues ?? []).toEqual([]);
    // The check bites: an undocumented field, or one missing, is reported.
    expect(strictDeep(metricsSchema).safeParse({ ...metrics, sharpe_ratio: 1 }).success).toBe(false);
    const { max_drawdown: _dropped, ...missing } = metrics;
    expect(strictDeep(metricsSchema).safeParse(missing).success).toBe(false);
    expect(strictDeep(metricsSchema).safeParse({ ...metrics, equity_curve: [{ ...metrics.equity_curve[0], extra: 1 }] }).success).toBe(false);
  });
});
