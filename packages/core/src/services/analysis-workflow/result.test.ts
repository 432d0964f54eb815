import { MAX_PATTERN_TRADES } from '../../domain/analysis-result';
import type { BehaviouralPattern } from '../../domain/pattern';
import { tradeSeries } from '../../testing/make-trade';
import { patternTrades } from './result';

const pattern = (trade_ids: string[]): BehaviouralPattern => ({ kind: 'losing_ticker', title: 't', description: 'd', trade_ids, evidence: {} });

describe('patternTrades', () => {
  it('keeps the trades the patterns name, once each, in journal order, with P&L in cents', () => {
    const trades = tradeSeries([10.004, -20, 30, 5], { extra: (i) => (i === 1 ? { account: 'IRA', quantity: 3 } : {}) });
    const [first, second, , fourth] = trades.map((t) => t.trade_id);

    const kept = patternTrades(trades, [pattern([fourth!, second!]), pattern([second!, first!])]);

    expect(kept.map((t) => t.trade_id)).toEqual([first, second, fourth]);
    expect(kept[0]).toMatchObject({ pnl: 10, ticker: trades[0]!.ticker, exit_timestamp: trades[0]!.exit_timestamp });
    expect(kept[1]).toMatchObject({ pnl: -20, account: 'IRA', quantity: 3 });
  });

  it(`stops at ${MAX_PATTERN_TRADES} trades`, () => {
    const trades = tradeSeries(Array.from({ length: MAX_PATTERN_TRADES + 20 }, (_, i) => i - 300));

    expect(patternTrades(trades, [pattern(trades.map((t) => t.trade_id))])).toHaveLength(MAX_PATTERN_TRADES);
  });
});
