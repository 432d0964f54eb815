// Patterns in where the trader loses: an entry hour or a ticker with enough trades, a net loss and few wins.
import { formatHour, formatMoney, formatPercent, plural } from './format';
import { idsOf, summarize } from './pattern-stats';
import { type BehaviouralPattern, PATTERN_RULES, type PatternContext, type TimedTrade } from './pattern-types';

function groupBy(trades: readonly TimedTrade[], keyOf: (timed: TimedTrade) => string | null): Map<string, TimedTrade[]> {
  const groups = new Map<string, TimedTrade[]>();
  for (const timed of trades) {
    const key = keyOf(timed);
    if (key === null) continue;
    const list = groups.get(key);
    if (list) list.push(timed);
    else groups.set(key, [timed]);
  }
  return groups;
}

/** Buckets that lose consistently, worst net first. Consistently: enough trades, a net loss and a low win rate. */
function losingBuckets(groups: Map<string, TimedTrade[]>) {
  return [...groups]
    .map(([key, list]) => ({ key, list, summary: summarize(list) }))
    .filter(
      ({ summary }) =>
        summary.trade_count >= PATTERN_RULES.losing_bucket_min_trades &&
        summary.net_pnl < 0 &&
        summary.win_rate < PATTERN_RULES.losing_bucket_max_win_rate,
    )
    .sort((a, b) => a.summary.net_pnl - b.summary.net_pnl || (a.key < b.key ? -1 : 1));
}

const results = (summary: ReturnType<typeof summarize>) =>
  `${plural(summary.trade_count, 'trade')}, net ${formatMoney(summary.net_pnl)}, win rate ${formatPercent(summary.win_rate)}`;

/** Entry hours (in the trader's zone) that lose consistently. */
export function detectLosingHours({ trades, clock }: PatternContext): BehaviouralPattern[] {
  const groups = groupBy(trades, (timed) => {
    const hour = clock.hour(timed.entry);
    return Number.isNaN(hour) ? null : String(hour).padStart(2, '0');
  });
  return losingBuckets(groups).map(({ key, list, summary }) => {
    const evidence = { hour: formatHour(key), timezone: clock.timezone, ...summary };
    return {
      kind: 'losing_time_of_day' as const,
      title: `Losing hour: ${evidence.hour}`,
      description: `Trades you entered in the ${evidence.hour} hour (${evidence.timezone}) lose consistently: ${results(summary)}.`,
      trade_ids: idsOf(list),
      evidence,
    };
  });
}

/** Tickers that lose consistently. */
export function detectLosingTickers({ trades }: PatternContext): BehaviouralPattern[] {
  return losingBuckets(groupBy(trades, (timed) => timed.trade.ticker)).map(({ key, list, summary }) => {
    const evidence = { ticker: key, ...summary };
    return {
      kind: 'losing_ticker' as const,
      title: `Losing ticker: ${key}`,
      description: `${key} loses consistently for you: ${results(summary)}.`,
      trade_ids: idsOf(list),
      evidence,
    };
  });
}
