// Optional numbers of a trade (size, fill prices, stop), read only when a nearby word says what each one is.
import { AMOUNT_SOURCE, LEG_WORD_SOURCE, lastMatch, legOf, parseAmount, type Direction } from './text';

export interface TradeLevels {
  quantity?: number;
  entry_price?: number;
  exit_price?: number;
  stop_loss?: number;
}

const QUANTITY_UNIT = new RegExp(
  String.raw`(?<![\w.,$/-])${AMOUNT_SOURCE}(?![\d]|[.,]\d) ?(?:x ?)?(?:shares?|shs?|contracts?|cts?|lots?|units?|coins?)\b`,
  'gi',
);
const PRICE = new RegExp(
  String.raw`(?:@|\b(?:at|price|filled|fill|avg|average|entry|exit))(?: of| price(?: of)?)? ?[:=]? ?\$? ?${AMOUNT_SOURCE}(?![\d]|[.,]\d)`,
  'gi',
);
const STOP = new RegExp(
  String.raw`\b(?:stop[ -]?loss|stop|sl)(?: ?(?:was|is|at|@|of|set|placed|order|sits|:|=)){0,3} ?\$? ?${AMOUNT_SOURCE}(?![\d]|[.,]\d)`,
  'gi',
);
// Units and offsets: "stop 10 ticks", "at 2 points below", "at 1.5R" are distances, not price levels.
const NOT_PRICE_AFTER =
  /^ ?(?:%|k\b|x\b|r\b|(?:shares?|contracts?|lots?|points?|pts?|ticks?|handles?|cents?|bucks|dollars?|usd|below|above|under|over|away|wide|risk|off|lower|higher|am|pm|a\.m|p\.m|minutes?|mins?|hours?|day|ema|sma|ma)\b)/i;
// What a price refers to, read backwards from the price: the closest of these words wins.
const PRICE_WORD = new RegExp(
  String.raw`\b(?:stop[ -]?loss|stop|sl|targets?|tp|pt|goal|added|add|adding|scaled|scale|trimmed|trim|half|partial|partials|rest|remaining|remainder|${LEG_WORD_SOURCE}|entry|exit|filled|fill|avg|average)\b`,
  'gi',
);

function distinctOnly(values: number[]): number | undefined {
  const [first] = values;
  return first !== undefined && values.every((value) => value === first) ? first : undefined;
}

const SCALED_IN = /\b(?:added|adding|add(?:ed)? to|scaled in(?:to)?|scaling in(?:to)?|averaged (?:down|up)|doubled (?:down|up))\b/i;

/** Quantity: "100 shares", "2 contracts", or a number right before the symbol ("300 MSFT", "0.5 BTC"). */
function findQuantity(text: string, ticker: string | undefined): number | undefined {
  const sizes: number[] = [];
  for (const m of text.matchAll(QUANTITY_UNIT)) {
    const value = parseAmount(m[1] ?? '', m[2]);
    if (value !== undefined && value > 0) sizes.push(value);
  }
  // After adding to the position the first size is no longer the trade's size.
  if (sizes.length > 0) return sizes.length > 1 && SCALED_IN.test(text) ? undefined : sizes[0];
  if (!ticker) return undefined;
  const symbols = [ticker, ticker.split(/[-/]/)[0] ?? ticker].map((symbol) => symbol.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  const beforeSymbol = new RegExp(
    String.raw`(?<![\w.,$/@-])(?<!\bat )${AMOUNT_SOURCE}(?![\d]|[.,]\d) (?:shares of )?\$?(?:${symbols.join('|')})(?![\w-])`,
    'gi',
  );
  for (const m of text.matchAll(beforeSymbol)) {
    const value = parseAmount(m[1] ?? '', m[2]);
    if (value !== undefined && value > 0) return value;
  }
  return undefined;
}

/** Reads quantity, entry/exit fill prices and the stop; `text` must have its dates and clock times masked out. */
export function findLevels(text: string, ticker: string | undefined, direction: Direction | undefined): TradeLevels {
  const levels: TradeLevels = {};
  const quantity = findQuantity(text, ticker);
  if (quantity !== undefined) levels.quantity = quantity;

  const entries: number[] = [];
  const exits: number[] = [];
  const stops: number[] = [];
  // A fill of a scale-in or a partial exit makes the single entry or exit price unknowable.
  let partialEntry = false;
  let partialExit = false;
  let previousEnd = 0;
  for (const m of text.matchAll(PRICE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const value = parseAmount(m[1] ?? '', m[2]);
    const context = text.slice(Math.max(previousEnd, start - 60), start) + m[0].slice(0, m[0].search(/[\d$]/));
    previousEnd = end;
    if (value === undefined || value <= 0 || NOT_PRICE_AFTER.test(text.slice(end, end + 12))) continue;
    const word = lastMatch(PRICE_WORD, context.toLowerCase())?.[0];
    if (word === undefined) continue;
    if (/^(?:stop(?:[ -]?loss)?|sl)$/.test(word)) stops.push(value);
    else if (/^(?:entry|filled|fill|avg|average)$/.test(word)) entries.push(value);
    else if (/^(?:added|add|adding|scaled|scale)$/.test(word)) partialEntry = true;
    else if (/^(?:scaled|scale|trimmed|trim|half|partials?|rest|remaining|remainder)$/.test(word)) partialExit = true;
    else if (/^(?:targets?|tp|pt|goal)$/.test(word)) continue;
    else (legOf(word, direction) === 'entry' ? entries : exits).push(value);
  }
  for (const m of text.matchAll(STOP)) {
    const end = (m.index ?? 0) + m[0].length;
    const value = parseAmount(m[1] ?? '', m[2]);
    if (value !== undefined && value > 0 && !NOT_PRICE_AFTER.test(text.slice(end, end + 12))) stops.push(value);
  }

  // Scaling in or out leaves several fills for one leg; a single one of them would be wrong, so none is given.
  const entry = partialEntry ? undefined : distinctOnly(entries);
  const exit = partialExit ? undefined : distinctOnly(exits);
  if (entry !== undefined) levels.entry_price = entry;
  if (exit !== undefined) levels.exit_price = exit;
  const [stop] = stops;
  const reference = entry ?? exit;
  // A stop far from the fills is a misread (a distance or another level), not the stop price.
  if (stop !== undefined && (reference === undefined || Math.abs(stop - reference) / reference <= 0.5)) levels.stop_loss = stop;
  return levels;
}
