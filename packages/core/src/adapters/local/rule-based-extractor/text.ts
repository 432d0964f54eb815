// Shared scanning primitives of the rule-based extractor: one normalised text, masked spans, amounts and trade legs.

export interface Span {
  start: number;
  end: number;
}

export type Direction = 'long' | 'short';
export type Leg = 'entry' | 'exit';

/**
 * Every scanner reads the same text: dashes, minus signs and arrows unified and whitespace collapsed, so the
 * patterns can use single spaces and stay bounded (no `\s+` that could rescan a long run of blanks).
 */
export function normalizeText(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\u2212\u2010-\u2015\uFE63\uFF0D]/g, '-')
    .replace(/[\u2192\u27F6\u21D2\u279C\u27A1]/g, '->')
    .replace(/[\u2018\u2019\u02BC\u2032]/g, "'")
    .replace(/\s+/g, ' ');
}

/** Blanks the spans out (same length) so later scanners cannot read a date or a clock time as an amount. */
export function maskSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const span of sorted) {
    const start = Math.max(span.start, cursor);
    if (span.end <= start) continue;
    out += text.slice(cursor, start) + ' '.repeat(span.end - start);
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

/** Digits as written (`1,240`, `1240`) plus an optional fraction and `k` suffix, rounded away from float noise. */
export function parseAmount(whole: string, fraction: string | undefined, thousands = false): number | undefined {
  const base = Number(`${whole.replace(/,/g, '')}${fraction ? `.${fraction}` : ''}`);
  if (!Number.isFinite(base)) return undefined;
  const value = thousands ? base * 1000 : base;
  return Math.round(value * 1e6) / 1e6;
}

/** Number pattern shared by the scanners: thousands groups or a bounded run of digits, then an optional fraction. */
export const AMOUNT_SOURCE = String.raw`(\d{1,3}(?:,\d{3}){1,4}|\d{1,12})(?:\.(\d{1,8}))?`;

/** Words that tell which leg of the trade a nearby time or price belongs to. Longest phrases first. */
export const LEG_WORD_SOURCE = [
  String.raw`(?:bought|buy|buying|bot)(?: (?:it|them|shares|contracts))? (?:to cover|back)`,
  String.raw`(?:sold|sell|selling) (?:it |them )?short`,
  String.raw`short[ -]?(?:sold|sell|selling)`,
  String.raw`(?:went|go|going|got|get|getting) (?:long|short)`,
  String.raw`stopped out|took profits?|taking profits?|got out|get out|closed out`,
  String.raw`bought|buy|buying|bot|sold|sell|selling|shorted|shorting|short|long|covered|covering|cover`,
  String.raw`entry|entered|enter|entering|in|opened|added|adding|add|exit|exited|exiting|out|closed|closing|flat|stopped|cut|dumped|bailed|unloaded|half|partial|rest|remaining|remainder|everything|from`,
].join('|');

/** Which leg a trade word opens or closes; buying closes a short and selling closes a long. */
export function legOf(word: string, direction: Direction | undefined): Leg {
  const w = word.toLowerCase();
  if (/cover|back$/.test(w)) return 'exit';
  if (/^(?:bought|buy|buying|bot)$/.test(w)) return direction === 'short' ? 'exit' : 'entry';
  if (/^(?:sold|sell|selling)$/.test(w)) return direction === 'short' ? 'entry' : 'exit';
  if (/^(?:exit|exited|exiting|out|closed|closing|flat|stopped|cut|dumped|bailed|unloaded|half|partial|rest|remaining|remainder|everything|stopped out|took profits?|taking profits?|got out|get out|closed out)$/.test(w)) {
    return 'exit';
  }
  return 'entry';
}

/** The last match of a global pattern in a (short) slice. */
export function lastMatch(pattern: RegExp, slice: string): RegExpMatchArray | undefined {
  let last: RegExpMatchArray | undefined;
  for (const match of slice.matchAll(pattern)) last = match;
  return last;
}
