// Tests of the rule-based extractor: the shared fixture, hand-written narratives, missing fields and properties.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { ExtractedFields, ExtractionResult } from '../../ports/trade-extractor.port';
import { RuleBasedExtractor } from './rule-based-extractor';

const extractor = new RuleBasedExtractor();
// A Friday afternoon in New York (EDT, UTC-4): "today" is 2026-03-20 there, "yesterday" 2026-03-19.
const NOW = new Date('2026-03-20T19:00:00Z');
const ZONE = 'America/New_York';

const extract = (content: string, options: { timezone?: string; now?: Date } = {}): Promise<ExtractionResult> =>
  extractor.extract({ content, timezone: options.timezone ?? ZONE, now: options.now ?? NOW });

const REQUIRED = ['ticker', 'position_type', 'pnl', 'entry_timestamp', 'exit_timestamp'] as const;
const ALLOWED_KEYS = new Set([
  'ticker',
  'position_type',
  'pnl',
  'entry_timestamp',
  'exit_timestamp',
  'notes',
  'quantity',
  'entry_price',
  'exit_price',
  'stop_loss',
  'tags',
]);

type Expected = Required<Pick<ExtractedFields, (typeof REQUIRED)[number]>>;

function requiredOf(fields: ExtractedFields): Partial<Expected> {
  return {
    ticker: fields.ticker,
    position_type: fields.position_type,
    pnl: fields.pnl,
    entry_timestamp: fields.entry_timestamp,
    exit_timestamp: fields.exit_timestamp,
  };
}

describe('RuleBasedExtractor', () => {
  it('is named rule-based and reports itself as the source', async () => {
    expect(extractor.name).toBe('rule-based');
    expect((await extract('Long AAPL')).source).toBe('rule-based');
  });

  describe('fixture narratives', () => {
    const fixturePath = path.join(__dirname, '../../../fixtures/trade-narratives.jsonl');
    const cases = readFileSync(fixturePath, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { text: string; expected: Expected });

    it('has cases', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c) => [c.text, c.expected] as const))('%s', async (text, expected) => {
      const result = await extract(text);
      expect(requiredOf(result.fields)).toEqual(expected);
      expect(result.missing).toEqual([]);
      expect(result.fields.notes).toBe(text.trim());
    });
  });

  describe('more narratives', () => {
    const cases: [string, Expected][] = [
      [
        'Bought 50 shares of NFLX at 612.40 on March 2, 2026 at 9:41am, sold at 618.10 at 10:15am. +$285',
        { ticker: 'NFLX', position_type: 'long', pnl: 285, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' },
      ],
      [
        'Mar 5 2026: short $AMZN 2:05 PM, covered 2:40 PM, lost 90 bucks',
        { ticker: 'AMZN', position_type: 'short', pnl: -90, entry_timestamp: '2026-03-05T14:05', exit_timestamp: '2026-03-05T14:40' },
      ],
      [
        'ETH-USD short from 2026-03-07 23:15 to 2026-03-08 01:40, +1.2k',
        { ticker: 'ETH-USD', position_type: 'short', pnl: 1200, entry_timestamp: '2026-03-07T23:15', exit_timestamp: '2026-03-08T01:40' },
      ],
      [
        'Went long 2 MES contracts on 3/9/2026 at 10:02, out at 10:31 for a gain of $50.',
        { ticker: 'MES', position_type: 'long', pnl: 50, entry_timestamp: '2026-03-09T10:02', exit_timestamp: '2026-03-09T10:31' },
      ],
      [
        'Long ESM6 03/10/26 09:35 -> 09:58, down $200. Chased the ORB breakout above VWAP.',
        { ticker: 'ESM6', position_type: 'long', pnl: -200, entry_timestamp: '2026-03-10T09:35', exit_timestamp: '2026-03-10T09:58' },
      ],
      [
        'Scratch trade on BRK.B, long 2026-03-11 11:00 to 11:45.',
        { ticker: 'BRK.B', position_type: 'long', pnl: 0, entry_timestamp: '2026-03-11T11:00', exit_timestamp: '2026-03-11T11:45' },
      ],
      [
        'Shorted $COIN at 205.30 (2026-03-12 13:10), bought to cover at 201.10 at 13:55. Profit $420',
        { ticker: 'COIN', position_type: 'short', pnl: 420, entry_timestamp: '2026-03-12T13:10', exit_timestamp: '2026-03-12T13:55' },
      ],
      [
        'yesterday bought AMD at 10:05 and sold it at 11:20, loss of 75',
        { ticker: 'AMD', position_type: 'long', pnl: -75, entry_timestamp: '2026-03-19T10:05', exit_timestamp: '2026-03-19T11:20' },
      ],
      [
        'Today: long NQH26 1 contract 9:31am, flat by 9:47am. Made $340 on the open drive.',
        { ticker: 'NQH26', position_type: 'long', pnl: 340, entry_timestamp: '2026-03-20T09:31', exit_timestamp: '2026-03-20T09:47' },
      ],
      [
        'In GOOGL long from 2026-03-13 10:00 to 2026-03-13 15:30, P&L -$1,020.75 after fees',
        { ticker: 'GOOGL', position_type: 'long', pnl: -1020.75, entry_timestamp: '2026-03-13T10:00', exit_timestamp: '2026-03-13T15:30' },
      ],
      [
        'CL short 2026-03-16 08:45, stopped out 08:52, lost $310. Stop was 67.80, EIA report at 10:30 ET.',
        { ticker: 'CL', position_type: 'short', pnl: -310, entry_timestamp: '2026-03-16T08:45', exit_timestamp: '2026-03-16T08:52' },
      ],
      [
        'Sold 200 SOFI at 9.40 on 2026-03-17 10:10, bought back at 9.15 at 11:00 for +$50.',
        { ticker: 'SOFI', position_type: 'short', pnl: 50, entry_timestamp: '2026-03-17T10:10', exit_timestamp: '2026-03-17T11:00' },
      ],
      [
        'TSLA puts: bought 2026-03-18 14:00, sold 14:25, +$130',
        { ticker: 'TSLA', position_type: 'short', pnl: 130, entry_timestamp: '2026-03-18T14:00', exit_timestamp: '2026-03-18T14:25' },
      ],
      [
        'QQQ calls 2026-03-19 9:45 AM to 10:20 AM, red $60',
        { ticker: 'QQQ', position_type: 'long', pnl: -60, entry_timestamp: '2026-03-19T09:45', exit_timestamp: '2026-03-19T10:20' },
      ],
      [
        'Long GC 2026-03-20 03:15 - 04:05, up $300',
        { ticker: 'GC', position_type: 'long', pnl: 300, entry_timestamp: '2026-03-20T03:15', exit_timestamp: '2026-03-20T04:05' },
      ],
      [
        '$PLTR long. Entry 2026-03-02 10:00, exit 2026-03-02 10:45. Result: -$35',
        { ticker: 'PLTR', position_type: 'long', pnl: -35, entry_timestamp: '2026-03-02T10:00', exit_timestamp: '2026-03-02T10:45' },
      ],
      [
        'Was short SPY on 2026-03-03 from 15:10 until 15:50 and walked away green $75',
        { ticker: 'SPY', position_type: 'short', pnl: 75, entry_timestamp: '2026-03-03T15:10', exit_timestamp: '2026-03-03T15:50' },
      ],
      [
        'Broke even on a long in UBER, 2026-03-04 9:50 → 10:05.',
        { ticker: 'UBER', position_type: 'long', pnl: 0, entry_timestamp: '2026-03-04T09:50', exit_timestamp: '2026-03-04T10:05' },
      ],
      [
        'March 6, 2026 — shorted NVDA at 2:15 pm, covered at 3:05 pm, -$1.5k. Should have respected the 9 EMA.',
        { ticker: 'NVDA', position_type: 'short', pnl: -1500, entry_timestamp: '2026-03-06T14:15', exit_timestamp: '2026-03-06T15:05' },
      ],
      [
        'BTC/USDT long 2026-03-07 21:00, closed 2026-03-08 02:30 with a profit of 410 USDT',
        { ticker: 'BTC/USDT', position_type: 'long', pnl: 410, entry_timestamp: '2026-03-07T21:00', exit_timestamp: '2026-03-08T02:30' },
      ],
      [
        'Took a loss on AAPL: long 2026-03-09 13:00, out 13:20, lost 48 dollars',
        { ticker: 'AAPL', position_type: 'long', pnl: -48, entry_timestamp: '2026-03-09T13:00', exit_timestamp: '2026-03-09T13:20' },
      ],
      [
        'Shorted 3 contracts of RTY at 2105.4 on 2026-03-10 at 10:30, covered at 2098.9 at 11:05. Net +$975',
        { ticker: 'RTY', position_type: 'short', pnl: 975, entry_timestamp: '2026-03-10T10:30', exit_timestamp: '2026-03-10T11:05' },
      ],
      [
        'Went long 100 shares of DIS 2026-03-11 09:40, sold 10:10, made 62 bucks. Note: CPI day, IPO chatter, FOMC next week.',
        { ticker: 'DIS', position_type: 'long', pnl: 62, entry_timestamp: '2026-03-11T09:40', exit_timestamp: '2026-03-11T10:10' },
      ],
      [
        'Long $SHOP 3/12/2026 10:15-10:40, pnl +$212.50',
        { ticker: 'SHOP', position_type: 'long', pnl: 212.5, entry_timestamp: '2026-03-12T10:15', exit_timestamp: '2026-03-12T10:40' },
      ],
      [
        'On 2026-03-13 I bought INTC at 9:35 and sold at 10:02 for a $40 loss.',
        { ticker: 'INTC', position_type: 'long', pnl: -40, entry_timestamp: '2026-03-13T09:35', exit_timestamp: '2026-03-13T10:02' },
      ],
      [
        'Long YM 2026-03-16 10:12, exit 10:19, +2k',
        { ticker: 'YM', position_type: 'long', pnl: 2000, entry_timestamp: '2026-03-16T10:12', exit_timestamp: '2026-03-16T10:19' },
      ],
      [
        'Short $ROKU 2026-03-17 12:05 to 12:40. P&L: 0 (flat after fees).',
        { ticker: 'ROKU', position_type: 'short', pnl: 0, entry_timestamp: '2026-03-17T12:05', exit_timestamp: '2026-03-17T12:40' },
      ],
      [
        'Bought XOM at 11:58 AM on 03/18/2026, sold at 12:07 PM, +$18',
        { ticker: 'XOM', position_type: 'long', pnl: 18, entry_timestamp: '2026-03-18T11:58', exit_timestamp: '2026-03-18T12:07' },
      ],
      [
        'AAPL long, 2026-03-19 09:41:15 to 2026-03-19 10:15:30, +$185',
        { ticker: 'AAPL', position_type: 'long', pnl: 185, entry_timestamp: '2026-03-19T09:41:15', exit_timestamp: '2026-03-19T10:15:30' },
      ],
      [
        'Bought the dip in HOOD at 9:32 on Mar 20 2026, dumped it at 9:50, down $120.',
        { ticker: 'HOOD', position_type: 'long', pnl: -120, entry_timestamp: '2026-03-20T09:32', exit_timestamp: '2026-03-20T09:50' },
      ],
      [
        'Short on SNOW. 2026-03-02 14:30 in, 2026-03-02 15:10 out. -$260 because I ignored the LOD break.',
        { ticker: 'SNOW', position_type: 'short', pnl: -260, entry_timestamp: '2026-03-02T14:30', exit_timestamp: '2026-03-02T15:10' },
      ],
      [
        'Lost 1,020 USD shorting LULU (entered 2026-03-03 10:00, exited 2026-03-03 10:30).',
        { ticker: 'LULU', position_type: 'short', pnl: -1020, entry_timestamp: '2026-03-03T10:00', exit_timestamp: '2026-03-03T10:30' },
      ],
      [
        'Long ZN 2026-03-04 08:30 to 09:15. Booked 156.25',
        { ticker: 'ZN', position_type: 'long', pnl: 156.25, entry_timestamp: '2026-03-04T08:30', exit_timestamp: '2026-03-04T09:15' },
      ],
      [
        'Sold short 10 TSLA @ 250 on 2026-03-09 09:35 and covered @ 245 at 09:50, profit $50, stop 253',
        { ticker: 'TSLA', position_type: 'short', pnl: 50, entry_timestamp: '2026-03-09T09:35', exit_timestamp: '2026-03-09T09:50' },
      ],
      [
        'NOTE: ATR was huge, RSI 78 on the 5-min. Bought $AMD 2026-03-10 10:00 at 180.50, sold 10:30 at 182.00, +$150 (1.5R). SL 179.50',
        { ticker: 'AMD', position_type: 'long', pnl: 150, entry_timestamp: '2026-03-10T10:00', exit_timestamp: '2026-03-10T10:30' },
      ],
      [
        'Went long 1 NQ 9:30 and out at 9:42 on 2026-03-11, +$280',
        { ticker: 'NQ', position_type: 'long', pnl: 280, entry_timestamp: '2026-03-11T09:30', exit_timestamp: '2026-03-11T09:42' },
      ],
      [
        'Long CL on 2026-03-12 at 22:00, exit 03:30, +$410 on the overnight hold',
        { ticker: 'CL', position_type: 'long', pnl: 410, entry_timestamp: '2026-03-12T22:00', exit_timestamp: '2026-03-13T03:30' },
      ],
      [
        'Mar 2 2026, long AAPL 9:41 AM, out 10:15, made $700',
        { ticker: 'AAPL', position_type: 'long', pnl: 700, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' },
      ],
      [
        'Short /ES on 3/4/26 at 2:00pm, covered 2:45pm. Loss: $437.50',
        { ticker: 'ES', position_type: 'short', pnl: -437.5, entry_timestamp: '2026-03-04T14:00', exit_timestamp: '2026-03-04T14:45' },
      ],
      [
        'On 2 March 2026 I went long MSFT at 10:05 and sold at 10:50 with a profit of $95.',
        { ticker: 'MSFT', position_type: 'long', pnl: 95, entry_timestamp: '2026-03-02T10:05', exit_timestamp: '2026-03-02T10:50' },
      ],
      [
        'Entered 2:05 PM, out 2:40 on 2026-03-05. Long $ABNB, made +$66.',
        { ticker: 'ABNB', position_type: 'long', pnl: 66, entry_timestamp: '2026-03-05T14:05', exit_timestamp: '2026-03-05T14:40' },
      ],
      [
        'Short SOL-USD 2026-03-06 02:00, covered 2026-03-06 06:30, +2.3% which was $345.',
        { ticker: 'SOL-USD', position_type: 'short', pnl: 345, entry_timestamp: '2026-03-06T02:00', exit_timestamp: '2026-03-06T06:30' },
      ],
      [
        'Long ARM 2026-03-09 10:00-10:30, -1.8% which was $210, I moved my stop to breakeven too late.',
        { ticker: 'ARM', position_type: 'long', pnl: -210, entry_timestamp: '2026-03-09T10:00', exit_timestamp: '2026-03-09T10:30' },
      ],
      [
        'Mar 9, 2026 10:05 AM - bought 20 COST @ 905.10; 10:48 AM - sold @ 909.60. P&L +$90.',
        { ticker: 'COST', position_type: 'long', pnl: 90, entry_timestamp: '2026-03-09T10:05', exit_timestamp: '2026-03-09T10:48' },
      ],
      [
        'Cut my NVDA long at 10:15 for -$80, entered 9:41 on 2026-03-02',
        { ticker: 'NVDA', position_type: 'long', pnl: -80, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' },
      ],
      [
        'Bought AAPL yesterday at 3:45 PM and sold today at 9:31 AM for a gain of $140',
        { ticker: 'AAPL', position_type: 'long', pnl: 140, entry_timestamp: '2026-03-19T15:45', exit_timestamp: '2026-03-20T09:31' },
      ],
    ];

    it('has at least 30 hand-written narratives', () => {
      expect(cases.length).toBeGreaterThanOrEqual(30);
    });

    it.each(cases)('%s', async (text, expected) => {
      const result = await extract(text);
      expect(requiredOf(result.fields)).toEqual(expected);
      expect(result.missing).toEqual([]);
    });
  });

  describe('optional fields', () => {
    it('reads quantity, fill prices and the stop of a long', async () => {
      const { fields } = await extract(
        'Bought 100 shares of AAPL at 189.20 on 2026-03-02 at 09:41, stop at 187.5, sold at 191.05 at 10:15. +$185.',
      );
      expect(fields).toMatchObject({ quantity: 100, entry_price: 189.2, exit_price: 191.05, stop_loss: 187.5 });
    });

    it('reads the fills of a short from "sold short @" and "bought to cover @"', async () => {
      const { fields } = await extract(
        'Sold short 300 MSFT @ 415.10 at 2026-03-13 09:45; bought to cover @ 413.90 at 10:05. Profit: $360',
      );
      expect(fields).toMatchObject({ quantity: 300, entry_price: 415.1, exit_price: 413.9 });
      expect(fields.stop_loss).toBeUndefined();
    });

    it('reads "in at" / "covered at" and an SL level', async () => {
      const { fields } = await extract('Short 2 contracts of ES, in at 5120.25 at 14:05 on 2026-03-06, covered at 5110.75 at 14:30. SL 5130. +$950');
      expect(fields).toMatchObject({ quantity: 2, entry_price: 5120.25, exit_price: 5110.75, stop_loss: 5130, pnl: 950 });
    });

    it('reads "stop 5130" and "stop-loss at"', async () => {
      expect((await extract('Long ES 2026-03-06 14:05 at 5120, stop 5110, out 14:20 at 5125, +$250')).fields.stop_loss).toBe(5110);
      expect((await extract('Long AAPL at 190 on 2026-03-06 10:00, stop-loss at 188.75')).fields.stop_loss).toBe(188.75);
    });

    it('leaves the stop out when it is a distance, and fills out when the exit was scaled', async () => {
      const { fields } = await extract(
        'Long NVDA at 900 on 2026-03-06 10:00, stop 10 points below, sold half at 905 and the rest at 910 at 10:40. +$1,500',
      );
      expect(fields.stop_loss).toBeUndefined();
      expect(fields.entry_price).toBe(900);
      expect(fields.exit_price).toBeUndefined();
    });

    it('leaves size and entry price out after a scale-in, and does not take the add as the exit', async () => {
      const { fields } = await extract('Bought 100 shares of AAPL at 189 on 2026-03-02 09:41, added 100 shares at 188 at 9:50, still open');
      expect(fields.quantity).toBeUndefined();
      expect(fields.entry_price).toBeUndefined();
      expect(fields.entry_timestamp).toBe('2026-03-02T09:41');
      expect(fields.exit_timestamp).toBeUndefined();
    });

    it('reads a quantity written before a crypto symbol', async () => {
      expect((await extract('Bought 0.5 BTC at 2026-03-02 10:00, sold 2026-03-03 09:00, +$1,250')).fields.quantity).toBe(0.5);
    });

    it('keeps the original text, trimmed, as notes', async () => {
      expect((await extract('  Long AAPL, felt good.  \n')).fields.notes).toBe('Long AAPL, felt good.');
      expect((await extract('   ')).fields.notes).toBeUndefined();
    });
  });

  describe('missing fields', () => {
    it('reports pnl and both timestamps for "Bought some AAPL today"', async () => {
      const result = await extract('Bought some AAPL today');
      expect(result.fields).toMatchObject({ ticker: 'AAPL', position_type: 'long' });
      expect(result.missing).toEqual(['pnl', 'entry_timestamp', 'exit_timestamp']);
    });

    it('reports direction and times when only the result and symbol are given', async () => {
      const result = await extract('Great day, +$400 on TSLA');
      expect(requiredOf(result.fields)).toEqual({ ticker: 'TSLA', pnl: 400 });
      expect(result.missing).toEqual(['position_type', 'entry_timestamp', 'exit_timestamp']);
    });

    it('treats a single date-time as the entry', async () => {
      const result = await extract('Short NVDA at 2026-03-05 10:00, still holding.');
      expect(result.fields.entry_timestamp).toBe('2026-03-05T10:00');
      expect(result.missing).toEqual(['pnl', 'exit_timestamp']);
    });

    it('treats a single date-time marked by a closing word as the exit', async () => {
      const result = await extract('Closed my SPY long at 2026-03-06 15:45 for +$90');
      expect(requiredOf(result.fields)).toEqual({ ticker: 'SPY', position_type: 'long', pnl: 90, exit_timestamp: '2026-03-06T15:45' });
      expect(result.missing).toEqual(['entry_timestamp']);
    });

    it('does not invent a date for clock times written without one', async () => {
      const result = await extract('Long AMD 10:00 -> 10:30, +$120');
      expect(result.missing).toEqual(['entry_timestamp', 'exit_timestamp']);
    });

    it('leaves the direction out for a lone "sold"', async () => {
      const result = await extract('Sold NVDA at 905 on 2026-03-06 at 10:40 for +$300');
      expect(result.fields.position_type).toBeUndefined();
      expect(result.missing).toContain('position_type');
    });

    it('reports everything missing for empty text', async () => {
      const result = await extract('');
      expect(result.fields).toEqual({});
      expect(result.missing).toEqual([...REQUIRED]);
    });

    it('does not take indicator and calendar abbreviations as tickers', async () => {
      const result = await extract('VWAP reclaim, RSI and MACD agreed, FOMC and CPI next week, ORB at HOD, I was OK with the P&L. EMA ATR ETF IPO TP SL PM AM ET EST EDT');
      expect(result.fields.ticker).toBeUndefined();
    });

    it('does not take prices, sizes, percents or times as the result', async () => {
      const result = await extract('Bought 100 shares of AAPL at 189.20 on 2026-03-02 at 09:41, sold at 191.05 at 10:15, up 1.2%');
      expect(result.fields.pnl).toBeUndefined();
    });
  });

  describe('direction wording', () => {
    it.each([
      ['Went short NVDA, covered at 880', 'short'],
      ['Bought to cover my TSLA at 240', 'short'],
      ['Bought AAPL at 189, sold at 191', 'long'],
      ['Sold 100 TSLA at 242, bought at 240', 'short'],
      ['Missed the long, so I shorted AMD instead', 'short'],
      ['Held it a long time but it was a long in META', 'long'],
      ['Played the short squeeze in GME with calls', 'long'],
      ['Bought SPY puts at the open', 'short'],
      ['Short-term trend looked weak; went long QQQ anyway', 'long'],
      ['Sold SPY calls to open, bought them back for +$150', 'short'],
      ['Sold 100 AAPL at 191.05 after buying at 189.20', 'long'],
    ] as const)('%s → %s', async (text, direction) => {
      expect((await extract(text)).fields.position_type).toBe(direction);
    });
  });

  describe('P&L wording', () => {
    it.each([
      ['Long AAPL, loss of $190', -190],
      ['Long AAPL, lost $1,020', -1020],
      ['Long AAPL, -$48', -48],
      ['Long AAPL, pnl -450', -450],
      ['Long AAPL, P&L 0', 0],
      ['Long AAPL, break-even', 0],
      ['Long AAPL, flat trade', 0],
      ['Long AAPL, made 62 bucks', 62],
      ['Long AAPL, for a gain of $50', 50],
      ['Long AAPL, Profit: $360', 360],
      ['Long AAPL, +1,240.50 USD', 1240.5],
      ['Long AAPL, -$1.2k', -1200],
      ['Long AAPL, +2k', 2000],
      ['Long AAPL, down $200', -200],
      ['Long AAPL, up $300', 300],
      ['Long AAPL, green $50', 50],
      ['Long AAPL, red $50', -50],
      ['Long AAPL, took a $90 loss', -90],
      ['Long AAPL, a $75 loser', -75],
      ['Long AAPL at $189.20, +2.3% which was $345', 345],
      ['Long AAPL, scratch, -$2 in fees', 0],
      ['Long AAPL, ($185)', -185],
      ['Long AAPL, gave back $40', -40],
      ['Long AAPL, 0 P&L after moving the stop to break even', 0],
      ['Long AAPL, made €50', 50],
      ['Long AAPL, down $200 at one point but finished +$50', 50],
      ['Long AAPL, risked $100 to make $300, ended +$185', 185],
      ['Long AAPL, $40 loss, 2 trades today, RSI 78, 9 EMA', -40],
    ] as const)('%s → %d', async (text, pnl) => {
      expect((await extract(text)).fields.pnl).toBe(pnl);
    });
  });

  describe('tickers', () => {
    it.each([
      ['Bought 100 shares of F at 12.10', 'F'],
      ['Went long AI at 10:00', 'AI'],
      ['Long EUR/USD for the London open', 'EUR/USD'],
      ['long btc-usd overnight', 'BTC-USD'],
      ['Short /ES into the close', 'ES'],
      ['Long 2 MNQ after NQ reclaimed VWAP', 'MNQ'],
      ['Watched SPY and TSLA all morning, finally bought AMD', 'AMD'],
      ['NOTE: CPI came in hot. SPY dumped. Shorted $QQQ', 'QQQ'],
    ] as const)('%s → %s', async (text, ticker) => {
      expect((await extract(text)).fields.ticker).toBe(ticker);
    });
  });

  describe('timestamps', () => {
    it('reads reverse-order and labelled times', async () => {
      const reverse = await extract('Cut my NVDA long at 10:15 for -$80, entered 9:41 on 2026-03-02');
      expect([reverse.fields.entry_timestamp, reverse.fields.exit_timestamp]).toEqual(['2026-03-02T09:41', '2026-03-02T10:15']);
      const scaled = await extract('Long AAPL 2026-03-02 at 9:41, sold half at 10:00, rest at 10:15 +$185');
      expect(scaled.fields.exit_timestamp).toBe('2026-03-02T10:15');
    });

    it('resolves "today" in the trader\'s zone, not in UTC', async () => {
      // 02:00 UTC on the 21st is still the evening of the 20th in New York.
      const result = await extract('Long AAPL today 9:41am - 10:15am, +$20', { now: new Date('2026-03-21T02:00:00Z') });
      expect(result.fields.entry_timestamp).toBe('2026-03-20T09:41');
      expect(result.fields.exit_timestamp).toBe('2026-03-20T10:15');
      const utc = await extract('Long AAPL today 9:41am - 10:15am, +$20', { timezone: 'UTC', now: new Date('2026-03-21T02:00:00Z') });
      expect(utc.fields.entry_timestamp).toBe('2026-03-21T09:41');
    });

    it('falls back to UTC for an unknown zone', async () => {
      const result = await extract('Long AAPL yesterday 09:41 to 10:15', { timezone: 'Not/AZone', now: new Date('2026-03-21T02:00:00Z') });
      expect(result.fields.entry_timestamp).toBe('2026-03-20T09:41');
    });

    it('reads a range borrowing the meridiem of its end', async () => {
      const { fields } = await extract('Long AAPL on 2026-03-02 2:05 - 2:30 PM, +$20');
      expect([fields.entry_timestamp, fields.exit_timestamp]).toEqual(['2026-03-02T14:05', '2026-03-02T14:30']);
    });

    it('converts an ISO offset to the trader\'s zone', async () => {
      const { fields } = await extract('Long AAPL 2026-03-02T14:41:00Z to 2026-03-02T15:15:00Z, +$20');
      expect([fields.entry_timestamp, fields.exit_timestamp]).toEqual(['2026-03-02T09:41:00', '2026-03-02T10:15:00']);
    });

    it('ignores impossible dates and clock times', async () => {
      const result = await extract('Long AAPL 2026-02-30 25:61 to 2026-02-30 26:00, +$20');
      expect(result.missing).toEqual(['entry_timestamp', 'exit_timestamp']);
    });

    it('completes a month-name date without year with the latest such date', async () => {
      const { fields } = await extract('Long AAPL on Dec 30 at 10:00, out 10:30, +$20');
      expect(fields.entry_timestamp).toBe('2025-12-30T10:00');
    });
  });

  describe('robustness', () => {
    it('never rejects on odd input', async () => {
      const inputs: unknown[] = [undefined, null, 42, {}, '💸🚀 $🚀 +$∞ 99:99 2026-99-99', '\u0000\uD800', 'P&L: $', '$$$$ ---- ++++ ::::'];
      for (const content of inputs) {
        const result = await extractor.extract({ content: content as string });
        expect(result.source).toBe('rule-based');
      }
      await expect(extractor.extract(undefined as unknown as { content: string })).resolves.toMatchObject({ fields: {} });
      await expect(extractor.extract({ content: 'Long AAPL', now: new Date(Number.NaN), timezone: 42 as unknown as string })).resolves.toBeDefined();
    });

    it('stays fast on 100 KB inputs built to make regexes backtrack', async () => {
      const units = [
        '1',
        ' ',
        'A',
        '$',
        '12:34 ',
        '2026-03-02 ',
        'long short ',
        'made $1,000,000,000.00 ',
        '1,1,1,1,',
        'sold sold ',
        'stop at 1 ',
        'Mar 2 ',
        'AAPL BTC-USD ',
        '-',
        '+$',
        'bought 1 shares of ',
        'at 1.1.1.1 ',
      ];
      // Also a long narrative-like text mixing every kind of token the scanners look for.
      const words = ['Bought', 'sold', 'short', 'long', 'AAPL', '$TSLA', 'BTC-USD', 'at', '189.20', '@', '2026-03-02', '09:41', '9:41am', 'March', '2,', '3/2/2026', 'made', '$185', '-$48', 'loss', 'of', 'P&L', '+1.2k', 'stop', '100', 'shares', 'to', '->', 'today', 'VWAP', '(', ')', '%', 'covered'];
      let mixed = '';
      for (let i = 0; mixed.length < 100_000; i += 1) mixed += `${words[(i * 7919) % words.length] ?? ''} `;
      for (const content of [...units.map((unit) => unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000)), mixed]) {
        // No timing assertion (shared machines are noisy): catastrophic backtracking would hang past Jest's timeout.
        const result = await extractor.extract({ content });
        expect(result.source).toBe('rule-based');
      }
    });

    it('returns only allowed keys and never throws for any string', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), fc.option(fc.date({ noInvalidDate: false })), async (content, now) => {
          const result = await extractor.extract({ content, now: now ?? undefined, timezone: ZONE });
          for (const key of Object.keys(result.fields)) expect(ALLOWED_KEYS.has(key)).toBe(true);
          for (const name of result.missing) expect(REQUIRED).toContain(name);
          for (const name of REQUIRED) expect(result.missing.includes(name)).toBe(result.fields[name] === undefined);
        }),
        { numRuns: 300 },
      );
    });

    it('reads back generated narratives exactly', async () => {
      const symbol = fc.constantFrom('AAPL', 'TSLA', 'NVDA', 'MSFT', 'AMD', 'META', 'GOOGL', 'SPY', 'QQQ', 'ES', 'NQ', 'MES', 'BTC-USD', 'ETH-USD', 'BRK.B');
      const clock = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) });
      const day = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) });
      const cents = fc.integer({ min: -500_000, max: 500_000 });
      const pad = (n: number) => String(n).padStart(2, '0');
      const money = (value: number) => `${value < 0 ? '-' : '+'}$${Math.abs(value).toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
      await fc.assert(
        fc.asyncProperty(
          symbol,
          fc.constantFrom('long', 'short'),
          cents,
          day,
          clock,
          fc.integer({ min: 1, max: 600 }),
          fc.integer({ min: 0, max: 6 }),
          async (ticker, direction, amount, date, start, duration, template) => {
            const pnl = amount / 100;
            const startMinutes = start.hour * 60 + start.minute;
            const endMinutes = Math.min(startMinutes + duration, 23 * 60 + 59);
            const d = `2026-${pad(date.month)}-${pad(date.day)}`;
            const t1 = `${pad(start.hour)}:${pad(start.minute)}`;
            const t2 = `${pad(Math.floor(endMinutes / 60))}:${pad(endMinutes % 60)}`;
            const months = ['January', 'Feb', 'March', 'Apr.', 'May', 'June', 'Jul', 'August', 'Sept', 'Oct', 'November', 'Dec'];
            const twelve = (minutes: number) => {
              const hour = Math.floor(minutes / 60);
              return `${hour % 12 === 0 ? 12 : hour % 12}:${pad(minutes % 60)}${hour < 12 ? 'am' : ' PM'}`;
            };
            const verb = direction === 'long' ? 'Bought' : 'Shorted';
            const closer = direction === 'long' ? 'sold' : 'covered';
            const texts = [
              `${verb} ${ticker} on ${d} at ${t1}, ${closer} at ${t2}. ${money(pnl)}`,
              `${ticker} ${direction} from ${d} ${t1} to ${d} ${t2}, P&L ${pnl}`,
              `Went ${direction} on ${ticker} at 123.45 (${d} ${t1}), out ${t2} at 120.50 - ${pnl < 0 ? 'lost' : 'made'} $${Math.abs(pnl)}. VWAP and RSI looked fine.`,
              `${d} ${t1} -> ${t2}: ${direction} 2 contracts of ${ticker}, pnl ${money(pnl)}`,
              `Entry ${d}T${t1} exit ${d}T${t2}, ${direction} $${ticker}, ${pnl < 0 ? `loss of $${Math.abs(pnl)}` : `profit of $${pnl}`}`,
              `${months[date.month - 1] ?? ''} ${date.day}, 2026: ${verb.toLowerCase()} ${ticker} at ${twelve(startMinutes)}, ${closer} at ${twelve(endMinutes)} for a ${pnl < 0 ? 'loss' : 'gain'} of $${Math.abs(pnl)}.`,
              `${date.month}/${date.day}/2026 ${t1} -> ${t2} ${direction} ${ticker}, ${pnl < 0 ? `down $${Math.abs(pnl)}` : `up $${pnl}`}. RSI, EMA and HOD levels noted.`,
            ];
            const text = texts[template] ?? '';
            const result = await extract(text);
            expect(requiredOf(result.fields)).toEqual({
              ticker,
              position_type: direction,
              pnl: pnl === 0 ? 0 : pnl,
              entry_timestamp: `${d}T${t1}`,
              exit_timestamp: `${d}T${t2}`,
            });
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
