// Picks the traded symbol: a $-tagged symbol first, then one next to trade words, never a chart or calendar abbreviation.

// Upper-case words traders write that are not symbols (indicators, sessions, zones, calendar, chat, trade jargon).
const NOT_TICKERS = new Set(
  `A I P L R X AM PM ET EST EDT CT CST CDT PT PST PDT MT UTC GMT BST CET CEST JST NY NYC LA US USA UK EU
  P&L PNL PL PNLS USD USDT USDC EUR GBP JPY CAD AUD CHF NZD
  VWAP AVWAP EMA SMA MA WMA HMA RSI MACD ATR ADX OBV BB KC VP POC VAH VAL VA TPO FVG BOS CHOCH OB SR RR RVOL VOL
  HOD LOD HOW PMH PML PDH PDL PDC ORB ORH ORL IB IBH IBL ATH ATL HH HL LH LL HTF LTF MTF TF BO BD ABCD
  TP SL BE PT DCA LVL LVLS SETUP OK OKAY ID FOMC CPI PPI NFP GDP PCE PMI ISM JOLTS FED ECB BOJ BOE SEC IRS
  IPO ETF ETFS EPS ER PE ROI YTD MTD QTD EOD EOW EOM AH RTH PREM EXT DTE ODTE ITM OTM ATM IV IVR OI DD TA FA
  NYSE NASDAQ CME CBOE AMEX OTC API TV TOS IBKR TD OCO OTO GTC MOC LOC MKT LMT STP TIF DAY GTD
  FOMO FUD HODL YOLO IMO IMHO TBH TLDR BTW FYI LOL LMAO WTF OMG ASAP ETA NB PS RIP GG NICE EDIT NOTE TODO
  THE AND BUT FOR NOT YES NO SO TO OF IN ON AT BY IS IT IF OR AN AS BE DO GO UP WE ME MY HE SHE HIS HER
  ALL ANY OUT OFF NOW NEW OLD BIG BAD GOOD GREAT WIN WON WINS LOSS LOST RED GREEN FLAT FULL HALF SIZE
  LONG SHORT BUY SELL SOLD BOT COVER CALL CALLS PUT PUTS STOP EXIT ENTRY OPEN CLOSE HIGH NET GAIN RISK
  TRADE PLAN RULE RULES WAIT HOLD HELD RAN RUN GAP DIP RIP TOP BOTTOM MID BID ASK LAST FILL FILLS
  JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC MON TUE TUES WED THU THUR THURS FRI SAT SUN
  CEO CFO CTO AI ML EV PR MA NEWS MOM DAD WSB DM DMS PDF CSV`.split(/\s+/),
);

// Futures roots, which may carry a month code (ESM6, NQH26) or a leading slash (/ES).
const FUTURES = String.raw`MES|MNQ|MYM|M2K|MCL|MGC|RTY|NKD|ES|NQ|YM|CL|GC|SI|NG|HG|ZB|ZN|ZF|ZT|ZC|ZS|ZW|RB|HO|VX|6E|6J|6B|6A|6C`;
const FUTURES_SYMBOL = new RegExp(String.raw`(?<![\w$.&/-])/?((?:${FUTURES})(?:[FGHJKMNQUVXZ]\d{1,2})?)(?![\w&-])`, 'g');
const DOLLAR_SYMBOL = /\$([A-Za-z][A-Za-z0-9]{0,9}(?:[./-][A-Za-z0-9]{1,6})?)(?![\w&])/g;
const PAIR_SYMBOL = /(?<![\w$.&/-])([A-Za-z0-9]{2,10})([-/])(USDT|USDC|USD|EUR|GBP|JPY|CAD|AUD|CHF|NZD|BTC|ETH)(?![\w&-])/gi;
// Symbols that are also everyday words or a single letter (AI, ON, NOW, F, T): only right after a trade verb.
const WORD_LIKE_SYMBOLS = new Set('AI ON NOW ALL IT GO BIG NET OPEN B C D E F G H J K M O Q S T U V W X Y Z'.split(' '));
const SHORT_SYMBOL = /(?<![\w$.&/'-])([A-Z]{1,4})(?![\w&'-])/g;
const VERB_BEFORE = /\b(?:long|short|longed|shorted|shorting|bought|buy|buying|sold|sell|selling|covered|shares of|contracts? of)(?: \d[\d,.]{0,12}(?: shares(?: of)?)?)? \$?$/i;
const WORD_SYMBOL = /(?<![\w$.&/'-])([A-Z]{2,5}(?:\.[A-Z](?![A-Za-z]))?)(?![\w&'-])/g;

const TRADE_WORD_BEFORE =
  /(?:\b(?:long|short|longed|shorted|shorting|bought|buy|buying|bot|sold|sell|selling|covered|cover|scalped|scalping|scalp|traded|trading|swung|played|entered|took|grabbed|added|trimmed|calls|puts|position|shares of|contracts? of|lots? of)|\d) $/i;
const PREPOSITION_BEFORE = /\b(?:in|on|of|into|with)(?: (?:the|my|a|some))? $/i;
const TRADE_WORD_AFTER =
  /^(?: ?[:@(]| (?:long|short|longs|shorts|shares?|contracts?|calls?|puts?|futures?|stock|options?|position|trade|scalp|swing|entry|from|at \$?\d|x ?\d)\b)/i;

interface Candidate {
  symbol: string;
  start: number;
  score: number;
}

function contextScore(text: string, start: number, end: number): number {
  const before = text.slice(Math.max(0, start - 24), start);
  const after = text.slice(end, end + 24);
  if (TRADE_WORD_BEFORE.test(before)) return 55;
  if (TRADE_WORD_AFTER.test(after)) return 50;
  if (PREPOSITION_BEFORE.test(before)) return 30;
  return 0;
}

/** The traded symbol, upper-cased and without `$`, or undefined when nothing looks like one. */
export function findTicker(text: string): string | undefined {
  const candidates: Candidate[] = [];
  const taken = new Set<number>();
  const add = (symbol: string, start: number, end: number, base: number) => {
    if (taken.has(start)) return;
    taken.add(start);
    candidates.push({ symbol, start, score: base + contextScore(text, start, end) });
  };
  for (const m of text.matchAll(DOLLAR_SYMBOL)) {
    const symbol = (m[1] ?? '').toUpperCase();
    const start = m.index ?? 0;
    add(symbol, start, start + m[0].length, 100);
  }
  for (const m of text.matchAll(PAIR_SYMBOL)) {
    const base = m[1] ?? '';
    if (!/[A-Za-z]/.test(base)) continue;
    const start = m.index ?? 0;
    add(`${base}${m[2] ?? '-'}${m[3] ?? ''}`.toUpperCase(), start, start + m[0].length, 80);
  }
  for (const m of text.matchAll(FUTURES_SYMBOL)) {
    const symbol = m[1] ?? '';
    const start = m.index ?? 0;
    add(symbol, start, start + m[0].length, symbol.length > 3 || m[0].startsWith('/') ? 40 : 12);
  }
  for (const m of text.matchAll(WORD_SYMBOL)) {
    const symbol = m[1] ?? '';
    const start = m.index ?? 0;
    if (!NOT_TICKERS.has(symbol)) add(symbol, start, start + m[0].length, 10);
  }
  for (const m of text.matchAll(SHORT_SYMBOL)) {
    const symbol = m[1] ?? '';
    const start = m.index ?? 0;
    if (WORD_LIKE_SYMBOLS.has(symbol) && VERB_BEFORE.test(text.slice(Math.max(0, start - 32), start))) {
      add(symbol, start, start + m[0].length, 10);
    }
  }
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (!best || candidate.score > best.score || (candidate.score === best.score && candidate.start < best.start)) best = candidate;
  }
  return best?.symbol;
}
