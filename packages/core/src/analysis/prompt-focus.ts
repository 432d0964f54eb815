// Reads the trader's question for what it asks about (risk, timing, a weekday, ticker, side, tag or habit), in order.
import { type PositionType } from '../domain/trade';
import type { Metrics } from '../domain/metrics';
import { type PatternKind } from './pattern-types';
import { type Weekday, WEEKDAYS } from './zoned-clock';

export type PromptFocus =
  | { kind: 'risk' }
  | { kind: 'timing' }
  | { kind: 'weekday'; weekday: Weekday }
  | { kind: 'ticker'; ticker: string }
  /** `side` null: the question compares longs with shorts. */
  | { kind: 'position_type'; side: PositionType | null }
  | { kind: 'tag'; tag: string }
  | { kind: 'pattern'; pattern: PatternKind };

// `R` only as a capital standing alone or after a number ("in R", "2R", "R-multiple"), never inside a word.
const RISK = [
  /\brisks?\b|\brisky\b|\bstop(?:s|ped|[- ]?loss(?:es)?)?\b|\br[- ]multiples?\b|\bdrawdowns?\b|\bposition siz/i,
  /(?<![A-Za-z])R(?![A-Za-z])/,
];
const TIMING = [
  /\bentr(?:y|ies)\b|\benter(?:ing)?\b|\btiming\b|\btimes? of (?:the )?day\b|\bhours?\b/i,
  /\bmornings?\b|\bafternoons?\b|\bmidday\b|\blunch\b|\b(?:the|market) open\b|\bpre-?market\b/i,
];
const LONG = /\blongs\b|\blong (?:trades?|positions?|side|setups?|entries)\b|\b(?:go|going|went|gone) long\b/i;
const SHORT =
  /\bshorts\b|\bshorting\b|\bshort[- ]sell\w*|\bshort (?:trades?|positions?|side|setups?|entries|selling)\b|\b(?:go|going|went|gone) short\b/i;
// "Longs vs shorts", "long or short trades": a comparison, not one side. "Held too long, cut short" is neither.
const VERSUS = String.raw`\s*(?:vs\.?|versus|or|and|\/|compared (?:to|with))\s*`;
const BOTH_SIDES = new RegExp(String.raw`\blongs?${VERSUS}shorts?\b|\bshorts?${VERSUS}longs?\b`, 'i');
const PATTERN_WORDS: readonly [PatternKind, RegExp][] = [
  ['revenge_trading', /\brevenge\b|\btilt(?:ed)?\b/i],
  ['overtrading_days', /\bover-?trad\w*|\btoo many trades\b/i],
  ['holding_losers', /\b(?:hold|holding|held) (?:on to |onto )?(?:my )?los(?:ers|ing trades)\b|\blet(?:ting)? (?:my )?los(?:ers|ses) run\b/i],
  ['size_after_losses', /\bsiz(?:e|ing) up\b|\bdoubl(?:e|ing) down\b|\bbigger size\b|\bincreas\w* (?:my )?size\b|\bsizing after\b/i],
];

/** Symbols that are also everyday words: matched only when written in capitals (or with `$`). */
const COMMON_WORDS = new Set([
  'a', 'all', 'am', 'an', 'any', 'are', 'at', 'be', 'best', 'big', 'by', 'can', 'day', 'do', 'edit', 'fast', 'for', 'go', 'good',
  'has', 'he', 'i', 'if', 'in', 'is', 'it', 'key', 'live', 'low', 'me', 'my', 'new', 'no', 'now', 'of', 'on', 'one', 'open', 'or',
  'out', 'real', 'run', 'see', 'so', 'to', 'two', 'up', 'us', 'was', 'we', 'well', 'win', 'you',
]);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Index of the first match of any pattern, or -1. */
function firstIndex(prompt: string, patterns: readonly RegExp[]): number {
  const found = patterns.map((pattern) => prompt.search(pattern)).filter((index) => index >= 0);
  return found.length === 0 ? -1 : Math.min(...found);
}

/**
 * Where a name (ticker or tag) is mentioned as a whole word. Everyday words (`ON`, `ALL`) must be written as the symbol
 * is, and a one-letter symbol (`F`, `T`) needs its `$`, or every sentence starting with "A" would be about ticker A.
 */
function nameIndex(prompt: string, name: string, { symbol }: { symbol: boolean }): number {
  const escaped = escapeRegExp(name);
  const dollar = symbol ? prompt.search(new RegExp(`(?<![\\w$])\\$${escaped}(?!\\w)`, 'i')) : -1;
  if (name.length === 1) return dollar;
  const loose = name.length >= 3 && !COMMON_WORDS.has(name.toLowerCase());
  const plain = prompt.search(new RegExp(`(?<![\\w$])${escaped}(?!\\w)`, loose ? 'i' : ''));
  return plain >= 0 && (dollar < 0 || plain < dollar) ? plain : dollar;
}

/**
 * What the prompt asks about, in the order it asks. Tickers and tags are only those in the metrics, so a word that is
 * not one of the trader's symbols is never mistaken for one.
 */
export function detectPromptFocus(prompt: string, metrics: Pick<Metrics, 'by_ticker' | 'by_tag'>): PromptFocus[] {
  const found: { index: number; focus: PromptFocus }[] = [];
  const add = (index: number, focus: PromptFocus) => {
    if (index >= 0) found.push({ index, focus });
  };
  add(firstIndex(prompt, RISK), { kind: 'risk' });
  add(firstIndex(prompt, TIMING), { kind: 'timing' });
  for (const weekday of WEEKDAYS) add(prompt.search(new RegExp(`\\b${weekday}s?\\b`, 'i')), { kind: 'weekday', weekday });
  for (const row of metrics.by_ticker) add(nameIndex(prompt, row.key, { symbol: true }), { kind: 'ticker', ticker: row.key });
  for (const row of metrics.by_tag) add(nameIndex(prompt, row.key, { symbol: false }), { kind: 'tag', tag: row.key });

  const both = prompt.search(BOTH_SIDES);
  const long = prompt.search(LONG);
  const short = prompt.search(SHORT);
  if (both >= 0 || (long >= 0 && short >= 0)) add(Math.min(...[both, long, short].filter((i) => i >= 0)), { kind: 'position_type', side: null });
  else if (long >= 0) add(long, { kind: 'position_type', side: 'long' });
  else if (short >= 0) add(short, { kind: 'position_type', side: 'short' });

  for (const [pattern, words] of PATTERN_WORDS) add(prompt.search(words), { kind: 'pattern', pattern });

  // A tag that is also a ticker (or a word the other rules caught) is reported once, at its first mention.
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.index - b.index)
    .map(({ focus }) => focus)
    .filter((focus) => {
      const key = JSON.stringify(focus);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
