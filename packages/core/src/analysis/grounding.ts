// Grounding check: lists numbers in a report that neither the metrics engine nor the pattern detectors produced.
import { formatCount, formatDate, formatDuration, formatHour, formatMoney, formatPercent, formatQuantity, formatR, formatRatio } from './format';
import type { Metrics } from '../domain/metrics';
import { type BehaviouralPattern, PATTERN_RULES } from './pattern-types';
import { type Report } from '../domain/report';
import { roundMetrics } from './round-metrics';

/** A run of digits with optional thousands separators and decimals: `1,020.50`, `66.7`, `09`. Signs are not part. */
const NUMBER = /\d+(?:,\d{3})*(?:\.\d+)?/g;

/** Every number written in the text, as written (`-1,020.00` gives `1,020.00`; `2026-03-05` gives three). */
export function numbersIn(text: string): string[] {
  return text.match(NUMBER) ?? [];
}

/** The form numbers are compared in: no separators, no sign, no padding or trailing zeros (`09` → `9`, `1.50` → `1.5`). */
export function canonicalNumber(token: string): string {
  const value = Number(token.replace(/,/g, ''));
  return Number.isFinite(value) ? String(Math.abs(value)) : token;
}

export interface GroundingOptions {
  /** The period the report covers, e.g. `2026-03-01 to 2026-03-31 (UTC)`: its dates may be repeated. */
  period?: string;
  /** The trader's own question: numbers they wrote may be quoted back. */
  prompt?: string;
}

/** Each way the shared formatters can print a value; the check accepts any of them, and nothing else. */
function renderings(value: number): string[] {
  const forms = [formatMoney(value), formatRatio(value), formatPercent(value), formatR(value), formatDuration(value), formatQuantity(value)];
  if (Number.isInteger(value)) forms.push(formatCount(value));
  return forms;
}

/** Canonical forms of every number a report may state about these metrics and patterns. */
export function groundedNumbers(metrics: Metrics, patterns: readonly BehaviouralPattern[], options: GroundingOptions = {}): Set<string> {
  // The curve is left out: reports state its summary numbers (net, drawdown), never its points, and it can be huge.
  const rounded = roundMetrics({ ...metrics, equity_curve: [] });
  const allowed = new Set<string>(['0']);
  const addText = (text: string) => numbersIn(text).forEach((token) => allowed.add(canonicalNumber(token)));
  const addValue = (value: number) => renderings(value).forEach(addText);

  for (const value of Object.values(rounded)) {
    if (typeof value === 'number') addValue(value);
  }
  for (const rows of [rounded.by_ticker, rounded.by_position_type, rounded.by_weekday, rounded.by_hour, rounded.by_tag, rounded.by_account ?? []]) {
    for (const row of rows) {
      addText(row.key);
      [row.trade_count, row.net_pnl, row.win_rate].forEach(addValue);
    }
  }
  rounded.by_hour.forEach((row) => addText(formatHour(row.key)));
  addText(rounded.timezone);
  for (const exit of [rounded.first_exit, rounded.last_exit]) {
    if (exit === null) continue;
    addText(exit);
    addText(formatDate(exit, rounded.timezone));
  }
  for (const pattern of patterns) {
    for (const value of Object.values(pattern.evidence)) {
      if (typeof value === 'number') addValue(value);
      else addText(value);
    }
  }
  Object.values(PATTERN_RULES).forEach(addValue);
  if (options.period) addText(options.period);
  if (options.prompt) addText(options.prompt);
  return allowed;
}

function reportText(report: Report): string {
  return [
    report.performance_overview.summary,
    ...report.performance_overview.key_metrics,
    ...report.behavioural_patterns,
    ...report.opportunities,
    ...report.action_plan.flatMap((item) => [item.title, item.detail]),
  ].join('\n');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

// A word as symbols and ids are written: `6E`, `BRK.B`, `EUR/USD`, `trade-017`, `$TSLA`.
const WORD = /\$?[A-Za-z0-9][\w./:^+-]*/g;

/**
 * Blanks out names that contain digits (tickers such as 6E, tags, the zone, trade ids): they are labels, not claims.
 * Single words are looked up in a set, so a report citing thousands of trade ids stays linear; names with spaces
 * (only tags can have them) are replaced one by one.
 */
function withoutNames(text: string, names: Iterable<string>): string {
  const words = new Set<string>();
  let result = text;
  for (const name of names) {
    if (!/\d/.test(name)) continue;
    if (/\s/.test(name)) result = result.replace(new RegExp(`(?<![\\w])${escapeRegExp(name)}(?![\\w])`, 'g'), ' ');
    else words.add(name);
  }
  return result.replace(WORD, (word) => {
    const bare = word.replace(/^\$/, '').replace(/[.:/+-]+$/, '');
    return words.has(bare) ? word.replace(bare, ' ') : word;
  });
}

/**
 * Numbers in the report (or its Markdown) that are not grounded, as written. Names that contain digits, list
 * numbering and embedded images are not claims and are skipped.
 */
export function ungroundedNumbers(
  input: Report | string,
  metrics: Metrics,
  patterns: readonly BehaviouralPattern[],
  options: GroundingOptions = {},
): string[] {
  const allowed = groundedNumbers(metrics, patterns, options);
  const names = function* () {
    for (const row of metrics.by_ticker) yield row.key;
    for (const row of metrics.by_tag) yield row.key;
    for (const row of metrics.by_account ?? []) yield row.key;
    yield metrics.timezone;
    for (const pattern of patterns) yield* pattern.trade_ids;
  };
  const text = (typeof input === 'string' ? input : reportText(input))
    .replace(/data:[^\s)"']+/g, ' ')
    .replace(/^\s*\d+\.\s/gm, ' ');
  return numbersIn(withoutNames(text, names())).filter((token) => !allowed.has(canonicalNumber(token)));
}
