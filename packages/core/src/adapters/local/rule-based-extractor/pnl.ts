// Finds the trade's result in money ("+$185", "lost $90", "P&L 0", "breakeven"), never a price, size, percent or time.
import { AMOUNT_SOURCE, lastMatch, parseAmount } from './text';

// Groups: 1 sign, 2 currency symbol, 3 sign after dollar, 4 whole, 5 fraction, 6 k.
const AMOUNT = new RegExp(
  String.raw`(?<![\w.,$€£])([+-] ?)?([$€£] ?)?([+-] ?)?${AMOUNT_SOURCE}(?![\d]|[.,]\d)(?: ?([kK])(?![a-zA-Z]))?`,
  'g',
);

const NEGATIVE_WORDS = new Set(['gave back', 'give back', 'loss', 'losses', 'lost', 'loser', 'lose', 'losing', 'down', 'red', 'minus', 'in the red']);
const STRONG_WORDS = String.raw`p ?& ?l|p ?\/ ?l|p\+l|pnl|profits?|gains?|net|netted|made|realized|realised|results?|booked|banked|pocketed|cleared|winner|total|loss|losses|lost|loser|lose|losing`;
const WEAK_WORDS = String.raw`gave back|give back|up|down|green|red|took|plus|minus|for`;
const FILLER = String.raw`bit|little|of|was|is|by|a|an|about|around|roughly|approx\.?|approximately|net|total|gross|only|just|another|nearly|almost|over|like|me|quick|nice|solid|small|tiny|whopping|cool|easy|realized|on the (?:trade|day)`;
// A keyword, then only filler, right before the amount: "loss of ", "Profit: ", "made me a quick ".
const KEYWORD_BEFORE = new RegExp(String.raw`(?:^|[^a-z])(${STRONG_WORDS}|${WEAK_WORDS})(?:[ ,:=~(]|\b(?:${FILLER})\b)*$`);
const STRONG_WORD = new RegExp(String.raw`^(?:${STRONG_WORDS})$`);
const KEYWORD_AFTER =
  /^(?: ?(?:usd|usdt|usdc|dollars?|bucks))?(?: (?:net|gross|total|realized|realised))? ?(profits?|gains?|winner|loss(?:es)?|loser|in the red|in the green|in profit|green|red|up|down|pnl|p ?& ?l|p ?\/ ?l)\b/;
const MONEY_AFTER = /^ ?(?:usd|usdt|usdc|dollars?|bucks)\b/;
// Sizes, units, ratios and levels: an amount followed by these is not the trade's result.
const NOT_MONEY_AFTER =
  /^ ?(?:%|\/|:\d|-\d|(?:percent|pct|x|r|rr|shares?|shs?|sh|contracts?|cts?|lots?|units?|coins?|points?|pts?|ticks?|handles?|bps|cents?|c|p(?! ?[&/+] ?l)|pips?|minutes?|mins?|min|m|hours?|hrs?|hr|h|days?|d|seconds?|secs?|s|times|trades|entries|attempts|fees?|commissions?|comms?|in fees|in commissions|risk|stop|target|position|size|account|worth|notional|premium|strike|strikes|dte|ema|sma|ma|candles?|bars?|wide|below|above|under|over|away|off|lower|higher|per|each|a share|am|pm|a\.m|p\.m|level|area|zone|resistance|support|calls?|puts?|max|limit)\b)/;
// Price, level and size words: an unsigned amount right after them is a price, not a result.
const PRICE_BEFORE =
  /(?:@|\b(?:at|price|entry|exit|stop|stop[ -]?loss|sl|tp|pt|target|targets|avg|average|from|to|risk|risked|risking|filled|fill|over|under|above|below|near|around|strike|size|high|low|open|close|closed|hod|lod|vwap|level|support|resistance|fees?|commissions?|paid|pay|cost|costs|spent|worth|bought|sold|buy|sell|covered|cover|short|shorted|long|in|out|account|balance|max|limit|budget))[ :=]*$/;
// After a bare number (no $, no sign word) only these words keep it a plausible result: "P&L 0 today", "pnl 450 net".
const NEUTRAL_NEXT = new Set(
  'usd usdt usdc dollars dollar bucks profit profits gain gains loss net total gross realized on in for after before today yesterday and but so with which that this the a from at overall was is including incl then'.split(
    ' ',
  ),
);
const BREAKEVEN =
  /\b(?:break[ -]?even|broke even|b\/e|scratch(?:ed)?|flat trade|trade was flat|(?:ended|finished|came out|closed|exited|got out) (?:the trade )?(?:flat|even|at breakeven))\b/g;
const SIGNED_PERCENT = /([+-]) ?\d{1,6}(?:\.\d{1,4})? ?%/g;

interface Candidate {
  value: number;
  score: number;
  start: number;
}

function sentenceAround(text: string, start: number, end: number): string {
  const before = text.slice(Math.max(0, start - 120), start);
  const after = text.slice(end, end + 120);
  const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf(';'), before.lastIndexOf('!'), before.lastIndexOf('?'));
  const stop = after.search(/[.;!?](?: |$)/);
  return `${before.slice(cut + 1)} ${stop === -1 ? after : after.slice(0, stop)}`.replace(/stop[ -]?loss(?:es)?/g, '');
}

function amountCandidate(lower: string, m: RegExpMatchArray): Candidate | undefined {
  const start = m.index ?? 0;
  const end = start + m[0].length;
  const sign = (m[1] ?? m[3] ?? '').trim();
  const dollar = m[2] !== undefined;
  const thousands = m[6] !== undefined;
  const amount = parseAmount(m[4] ?? '', m[5], thousands);
  if (amount === undefined) return undefined;
  const before = lower.slice(Math.max(0, start - 48), start);
  const after = lower.slice(end, end + 40);
  if (NOT_MONEY_AFTER.test(after)) return undefined;

  const keywordBefore = KEYWORD_BEFORE.exec(before)?.[1];
  const keywordAfter = KEYWORD_AFTER.exec(after)?.[1];
  const money = dollar || thousands || MONEY_AFTER.test(after);
  if (!money) {
    const next = /^ ([a-z]+)/.exec(after)?.[1];
    if (next !== undefined && !NEUTRAL_NEXT.has(next) && keywordAfter === undefined) return undefined;
  }
  const strong = [keywordBefore, keywordAfter].some((word) => word !== undefined && STRONG_WORD.test(word.replace(/ /g, '')));
  const weak = keywordBefore !== undefined || keywordAfter !== undefined;
  const keywordSaysLoss = [keywordBefore, keywordAfter].some((word) => word !== undefined && NEGATIVE_WORDS.has(word));

  let score: number;
  if (strong || (sign !== '' && money)) score = 4;
  else if (weak && keywordBefore !== 'for' && (money || sign !== '')) score = 3;
  else if (sign !== '' && !PRICE_BEFORE.test(before)) score = 2;
  else if (money && sign === '' && !PRICE_BEFORE.test(before)) score = 1;
  else return undefined;

  // Accounting style "($185)" is a loss.
  const bracketed = sign === '' && money && before.endsWith('(') && after.startsWith(')');
  let negative = sign === '-' || keywordSaysLoss || bracketed;
  if (score === 1 && !keywordSaysLoss && !bracketed) {
    const percent = lastMatch(SIGNED_PERCENT, before);
    if (percent) negative = percent[1] === '-';
    else {
      const sentence = sentenceAround(lower, start, end);
      negative = /\b(?:loss|losses|lost|loser|losing|red)\b/.test(sentence) && !/\b(?:profit|gain|made|green|winner)\b/.test(sentence);
    }
  }
  const value = amount === 0 ? 0 : negative ? -Math.abs(amount) : Math.abs(amount);
  return { value, score, start };
}

/** The trade's result; `text` must already have its dates and clock times masked out. */
export function findPnl(text: string): number | undefined {
  const lower = text.toLowerCase();
  let best: Candidate | undefined;
  const consider = (candidate: Candidate | undefined) => {
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  };
  for (const m of lower.matchAll(AMOUNT)) consider(amountCandidate(lower, m));
  for (const m of lower.matchAll(BREAKEVEN)) {
    const start = m.index ?? 0;
    const before = lower.slice(Math.max(0, start - 24), start);
    const after = lower.slice(start + m[0].length, start + m[0].length + 12);
    // "moved my stop to breakeven" describes the stop, not the result.
    if (/\b(?:stop|sl|to|at|moved|move|from)\b[^.;]{0,12}$/.test(before)) continue;
    if (/flat$/.test(m[0]) && /^ (?:by|at|around|@|\d)/.test(after)) continue;
    consider({ value: 0, score: 3, start });
  }
  return best?.value;
}
