// Long or short, decided by the verb that opened the trade: "sold at" after "bought" closes a long, it does not open a short.
import type { Direction } from './text';

type SignalKind = 'long' | 'short' | 'buy' | 'sell' | 'cover' | 'write';

const SIGNAL = new RegExp(
  String.raw`\b(?:` +
    [
      String.raw`(?:sold|sell|selling|sells) (?:it |them )?short`,
      String.raw`short[ -]?(?:sold|sell|selling|sale)`,
      String.raw`(?:went|go|going|goes|got|get|getting|was|were|am|is|i'm|im|stayed|be|being) (?:long|short)`,
      String.raw`(?:bought|buy|buying|buys|bot)(?: (?:it|them|shares|contracts))? (?:to cover|back)`,
      String.raw`shorted|shorting|covered|covering|cover|longed`,
      String.raw`bought|buy|buying|buys|bot`,
      String.raw`sold|sell|selling|sells`,
      String.raw`longs|long|shorts|short`,
      String.raw`calls|call options?|puts|put options?`,
    ].join('|') +
    String.raw`)\b`,
  'gi',
);

// Bare "long"/"short" are often not about a position: "long time", "short squeeze", "in short", "fell short".
const LONG_NOT_POSITION_BEFORE = /\b(?:how|as|so|too|very|this|that|all|whole)\s?$/;
const LONG_NOT_POSITION_AFTER =
  /^(?:-[a-z]|\s(?:time|times|term|run|while|way|wick|wicks|tail|tails|candle|candles|bar|bars|day|days|week|weeks|story|enough|ago|as|upper|lower|legged|shot)\b)/;
const SHORT_NOT_POSITION_BEFORE = /\b(?:in|fell|falls|falling|fall|come|came|coming|cut|cuts|cutting|too|so|very|stop|stops|stopped)\s?$/;
const SHORT_NOT_POSITION_AFTER =
  /^(?:-[a-z]|\s(?:term|time|while|squeeze|squeezes|squeezed|interest|float|ratio|wick|wicks|tail|tails|candle|candles|list|lived|sellers|covering|of|on (?:time|size|patience|sleep|cash|capital))\b)/;
// A trade word in a negated or hypothetical phrase ("missed the long", "wanted to short") says nothing about this trade.
const NEGATED = /\b(?:missed|miss|no|not|never|didn'?t|don'?t|without|instead of|looking for|look for|waiting for|wait for|wanted to|want to|thought about|considered|avoid|avoided|skip|skipped|passed on)\s(?:[a-z0-9$'-]{1,12}\s){0,2}$/;
const PUTS_FOLLOW = /^[^.;!?]{0,30}?\b(?:puts|put options?)\b/;
// Selling options to open ("sold SPY calls", "sell to open") is a short position whose sale is the entry.
const OPTIONS_FOLLOW = /^(?: to open\b|[^.;!?]{0,30}?\b(?:calls|puts|call options?|put options?)\b)/;

function classify(raw: string, before: string, after: string): SignalKind | undefined {
  const word = raw.toLowerCase();
  if (NEGATED.test(before)) return undefined;
  if (/short$/.test(word) && /(?:sold|sell|selling|sells) /.test(word)) return 'short';
  if (/^short[ -]?s/.test(word)) return 'short';
  if (/ (?:long|short)$/.test(word)) return word.endsWith('long') ? (PUTS_FOLLOW.test(after) ? 'short' : 'long') : 'short';
  if (/cover|back$/.test(word)) return 'cover';
  if (word === 'shorted' || word === 'shorting') return 'short';
  if (word === 'longed') return 'long';
  if (/^(?:bought|buy|buying|buys|bot)$/.test(word)) {
    // "sold at 191 after buying at 189": the buy came first, so the sale closed a long.
    if (/\bafter (?:i |first |having )?$/.test(before)) return 'long';
    return PUTS_FOLLOW.test(after) ? 'short' : 'buy';
  }
  if (/^(?:sold|sell|selling|sells)$/.test(word)) return OPTIONS_FOLLOW.test(after) ? 'write' : 'sell';
  if (word === 'long' || word === 'longs') {
    if (LONG_NOT_POSITION_BEFORE.test(before) || LONG_NOT_POSITION_AFTER.test(after)) return undefined;
    return PUTS_FOLLOW.test(after) ? 'short' : 'long';
  }
  if (word === 'short' || word === 'shorts') {
    if (SHORT_NOT_POSITION_BEFORE.test(before) || SHORT_NOT_POSITION_AFTER.test(after)) return undefined;
    return 'short';
  }
  if (word.startsWith('call')) return 'long';
  if (word.startsWith('put')) return 'short';
  return undefined;
}

export interface DirectionReading {
  direction?: Direction;
  /**
   * How "bought"/"sold" map to entry and exit: like `direction` for shares and futures, but buying puts opens the
   * (bearish) trade, so option trades read their verbs as a long would.
   */
  legDirection?: Direction;
}

/** Reads the direction from the first trade word; `undefined` when only an ambiguous "sold" is present. */
export function findDirection(text: string): DirectionReading {
  const lower = text.toLowerCase();
  const kinds: SignalKind[] = [];
  let options = false;
  for (const match of lower.matchAll(SIGNAL)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const after = lower.slice(end, end + 36);
    const kind = classify(match[0], lower.slice(Math.max(0, start - 36), start), after);
    if (!kind || (kind === 'sell' && kinds.length > 0)) continue;
    kinds.push(kind);
    options ||= /^(?:calls?|puts?)/.test(match[0]) || PUTS_FOLLOW.test(after);
    // Only the opening of the trade matters: stop at the first decisive word (an opening "sold" needs one more).
    if (kinds[0] !== 'sell' || kinds.length > 1) break;
  }
  if (kinds[0] === 'write') return { direction: 'short', legDirection: 'short' };
  const direction = decide(kinds[0], kinds[1]);
  return { direction, legDirection: options ? undefined : direction };
}

function decide(first: SignalKind | undefined, second: SignalKind | undefined): Direction | undefined {
  if (first === undefined) return undefined;
  if (first === 'long' || first === 'buy') return 'long';
  if (first === 'short' || first === 'cover' || first === 'write') return 'short';
  // A trade that starts with "sold" is a short only when a later buy closes it.
  if (second === 'buy' || second === 'cover' || second === 'short') return 'short';
  if (second === 'long') return 'long';
  return undefined;
}
