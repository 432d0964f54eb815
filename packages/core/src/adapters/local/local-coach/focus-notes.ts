// The part of a report that answers the question: one sentence and its key metrics for each thing the prompt named.
import {
  averageRLine,
  bestAndWorst,
  drawdownLine,
  hourLabel,
  largestLine,
  payoffLine,
  rowResults,
} from './coach-phrases';
import { formatCount, formatDuration, formatHour, formatMoney, formatPercent, formatR, formatRatio, plural } from '../../../analysis/format';
import type { BreakdownRow, Metrics } from '../../../domain/metrics';
import { type BehaviouralPattern, PATTERN_RULES, type PatternKind } from '../../../analysis/pattern-types';
import { type PromptFocus } from '../../../analysis/prompt-focus';

export interface FocusNote {
  summary: string;
  key_metrics: string[];
  /** Pattern kinds this focus is about, listed first under behavioural patterns. */
  pattern_kinds: PatternKind[];
}

const PATTERN_NAMES: Record<PatternKind, string> = {
  revenge_trading: 'Revenge trading',
  overtrading_days: 'Overtrading',
  holding_losers: 'Holding losers',
  size_after_losses: 'Sizing up after losses',
  losing_time_of_day: 'Losing hours',
  losing_ticker: 'Losing tickers',
};

function riskNote(m: Metrics): FocusNote {
  const r =
    m.r_trade_count === 0
      ? 'No trade has quantity, entry price and stop loss all logged, so results in R cannot be measured.'
      : `${plural(m.r_trade_count, 'trade')} of ${formatCount(m.trade_count)} had quantity, entry price and stop loss logged; ` +
        `they averaged ${formatR(m.average_r)} per trade` +
        (m.average_loss_r === null
          ? '.'
          : `, and their losses averaged ${formatR(m.average_loss_r)}${m.average_loss_r < -1 ? ', so losses ran past the planned stop' : ''}.`);
  const money =
    m.loss_count === 0
      ? `There was no losing trade; the deepest drawdown was ${formatMoney(m.max_drawdown)}.`
      : `Your average loss is ${formatMoney(m.average_loss)} against an average win of ${formatMoney(m.average_win)} ` +
        `(payoff ratio ${formatRatio(m.payoff_ratio)}), the largest loss was ${formatMoney(m.largest_loss)} ` +
        `and the deepest drawdown ${formatMoney(m.max_drawdown)}.`;
  return {
    summary: `Risk: ${r} ${money}`,
    key_metrics: [
      ...(m.r_trade_count > 0 ? [averageRLine(m)] : []),
      ...(m.average_loss_r === null ? [] : [`Average losing trade in R: ${formatR(m.average_loss_r)}`]),
      payoffLine(m),
      largestLine(m),
      drawdownLine(m),
    ],
    pattern_kinds: ['size_after_losses', 'holding_losers'],
  };
}

function timingNote(m: Metrics): FocusNote {
  const hours = bestAndWorst(m.by_hour);
  if (!hours) return { summary: 'Timing: no entry time could be read.', key_metrics: [], pattern_kinds: ['losing_time_of_day'] };
  const { best, worst } = hours;
  const summary =
    best === worst
      ? `Timing: every entry was in ${hourLabel(best)} (${m.timezone}): ${rowResults(best)}.`
      : `Timing: by entry hour (${m.timezone}), your best is ${hourLabel(best)} (${rowResults(best)}) ` +
        `and your weakest is ${hourLabel(worst)} (${rowResults(worst)}).`;
  return {
    summary,
    key_metrics: m.by_hour
      .filter((row) => /^\d+$/.test(row.key))
      .map((row) => `Entries at ${formatHour(row.key)} (${m.timezone}): ${rowResults(row)}`),
    pattern_kinds: ['losing_time_of_day', 'revenge_trading', 'overtrading_days'],
  };
}

/** `your best`, `your weakest`, or nothing, for a row among its breakdown. */
function rank(row: BreakdownRow, rows: readonly BreakdownRow[], noun: string): string {
  const extremes = bestAndWorst(rows);
  if (!extremes || extremes.best === extremes.worst) return '';
  if (row === extremes.best) return ` It is your best ${noun}.`;
  if (row === extremes.worst) return ` It is your weakest ${noun}.`;
  return '';
}

function bucketNote(
  label: string,
  row: BreakdownRow | undefined,
  rows: readonly BreakdownRow[],
  noun: string,
  missing: string,
): FocusNote {
  if (!row) return { summary: missing, key_metrics: [], pattern_kinds: [] };
  const line = `${label}: ${rowResults(row)}`;
  return { summary: `${line}.${rank(row, rows, noun)}`, key_metrics: [line], pattern_kinds: [] };
}

function sideNote(m: Metrics, side: 'long' | 'short' | null): FocusNote {
  const rowOf = (key: string) => m.by_position_type.find((row) => row.key === key);
  const sides = side === null ? (['long', 'short'] as const) : [side];
  const parts = sides.map((key) => {
    const row = rowOf(key);
    const label = key === 'long' ? 'Longs' : 'Shorts';
    return row ? `${label}: ${rowResults(row)}` : `${label}: no trades`;
  });
  return { summary: `${parts.join('; ')}.`, key_metrics: parts, pattern_kinds: [] };
}

/** What a pattern's absence means, with only the rule's own thresholds and rounded metrics as numbers. */
function absentPattern(kind: PatternKind, m: Metrics): string {
  const rules = PATTERN_RULES;
  switch (kind) {
    case 'revenge_trading':
      return m.loss_count === 0
        ? 'Revenge trading: there was no losing trade to react to.'
        : `Revenge trading: no trade was opened within ${formatCount(rules.revenge_window_minutes)} minutes ` +
            `of a loss bigger than your average loss of ${formatMoney(m.average_loss)}.`;
    case 'overtrading_days':
      return (
        `Overtrading: no day had at least ${formatCount(rules.overtrading_median_multiple)} times your median day's trades ` +
        `and ${formatCount(rules.overtrading_extra_trades)} more (this needs at least ${formatCount(rules.overtrading_min_days)} trading days).`
      );
    case 'holding_losers':
      return (
        `Holding losers: your losing trades were not held more than ${formatRatio(rules.holding_ratio)} times as long as your winners ` +
        `(average hold overall ${formatDuration(m.average_hold_minutes)}; the rule needs at least ` +
        `${formatCount(rules.holding_min_trades)} wins and ${formatCount(rules.holding_min_trades)} losses).`
      );
    case 'size_after_losses':
      return (
        `Sizing up after losses: no trade right after ${formatCount(rules.size_loss_streak)} losses in a row was bigger than ` +
        `${formatRatio(rules.size_median_multiple)} times your median size (sizes are only known where quantity is logged).`
      );
    case 'losing_time_of_day':
    case 'losing_ticker':
      return (
        `${PATTERN_NAMES[kind]}: none had at least ${formatCount(rules.losing_bucket_min_trades)} trades, ` +
        `a net loss and a win rate under ${formatPercent(rules.losing_bucket_max_win_rate)}.`
      );
  }
}

function patternNote(kind: PatternKind, m: Metrics, patterns: readonly BehaviouralPattern[]): FocusNote {
  const found = patterns.filter((pattern) => pattern.kind === kind);
  if (found.length === 0) return { summary: absentPattern(kind, m), key_metrics: [], pattern_kinds: [kind] };
  return {
    summary: found.map((pattern) => `${pattern.title} — ${pattern.description}`).join(' '),
    key_metrics: found.map((pattern) => `${pattern.title}: ${plural(pattern.trade_ids.length, 'trade')} flagged`),
    pattern_kinds: [kind],
  };
}

/** The note answering one focus of the prompt. `m` must be roundMetrics output: every number here is printed as is. */
export function focusNote(focus: PromptFocus, m: Metrics, patterns: readonly BehaviouralPattern[]): FocusNote {
  switch (focus.kind) {
    case 'risk':
      return riskNote(m);
    case 'timing':
      return timingNote(m);
    case 'weekday': {
      const row = m.by_weekday.find((r) => r.key === focus.weekday);
      const missing = `${focus.weekday}s: no trade closed on a ${focus.weekday} in this period.`;
      return bucketNote(`${focus.weekday}s`, row, m.by_weekday, 'weekday', missing);
    }
    case 'ticker': {
      const row = m.by_ticker.find((r) => r.key === focus.ticker);
      const note = bucketNote(focus.ticker, row, m.by_ticker, 'ticker', `${focus.ticker}: no trades in this period.`);
      return { ...note, pattern_kinds: ['losing_ticker'] };
    }
    case 'tag': {
      const row = m.by_tag.find((r) => r.key === focus.tag);
      return bucketNote(`Tag "${focus.tag}"`, row, m.by_tag, 'tag', `Tag "${focus.tag}": no trades in this period.`);
    }
    case 'position_type':
      return sideNote(m, focus.side);
    case 'pattern':
      return patternNote(focus.pattern, m, patterns);
  }
}
