import { canonicalNumber, groundedNumbers, numbersIn, ungroundedNumbers } from './grounding';
import { makeTrade, sampleJournal, tradeSeries } from '../testing/make-trade';
import { computeMetrics } from './metrics';
import { detectPatterns } from './patterns';
import { type Report } from '../domain/report';
import { renderReportMarkdown } from './report-markdown';

describe('numbersIn', () => {
  it('finds every number as written, without its sign', () => {
    expect(numbersIn('Net -1,020.50 over 12 trades (66.7%) on 2026-03-05 at 09:30, 1.25×, 0.5R')).toEqual([
      '1,020.50',
      '12',
      '66.7',
      '2026',
      '03',
      '05',
      '09',
      '30',
      '1.25',
      '0.5',
    ]);
  });

  it('finds none in plain words, and ends a number at a sentence full stop', () => {
    expect(numbersIn('No trades in range.')).toEqual([]);
    expect(numbersIn('It was 12.')).toEqual(['12']);
  });
});

describe('canonicalNumber', () => {
  it.each([
    ['1,020.50', '1020.5'],
    ['09', '9'],
    ['00', '0'],
    ['2.0', '2'],
    ['66.70', '66.7'],
  ])('writes %s as %s', (token, canonical) => {
    expect(canonicalNumber(token)).toBe(canonical);
  });
});

describe('ungroundedNumbers', () => {
  // Wins 100.25 and 50, a loss of 30.10: net 120.15, win rate 66.67%, profit factor 4.99.
  const trades = tradeSeries([100.25, -30.1, 50], { extra: (i) => (i === 1 ? { ticker: '6E' } : {}) });
  const metrics = computeMetrics(trades);
  const report = (summary: string, extra: Partial<Report> = {}): Report => ({
    performance_overview: { summary, key_metrics: [] },
    behavioural_patterns: [],
    opportunities: [],
    action_plan: [],
    ...extra,
  });

  it('accepts rounded metrics in any of the shared formats', () => {
    const text = 'You netted 120.15 (40.05 per trade) on 3 trades with a 66.7% win rate, profit factor 4.99, largest loss -30.10.';

    expect(ungroundedNumbers(report(text), metrics, [])).toEqual([]);
  });

  it('flags numbers the engine did not produce, as written', () => {
    const text = 'You netted 120.15, but could have made 1,234.56 with a 75% win rate.';

    expect(ungroundedNumbers(report(text), metrics, [])).toEqual(['1,234.56', '75']);
  });

  it('flags a number rounded differently from the metrics', () => {
    expect(ungroundedNumbers(report('Net P&L was about 120.2.'), metrics, [])).toEqual(['120.2']);
  });

  it('skips symbols with digits, dates of the trades, and list numbering', () => {
    const text = 'Trading 6E from 2026-03-02 (UTC) lost 30.10.';
    const plan = { action_plan: [{ title: 'Review 6E', detail: 'Go over the 6E trade.' }] };

    expect(ungroundedNumbers(report(text, plan), metrics, [])).toEqual([]);
    expect(ungroundedNumbers('1. **Review 6E**: lost 30.10\n2. **Rest**: ok', metrics, [])).toEqual([]);
  });

  it('accepts the period and the trader’s own numbers only when they are passed in', () => {
    const text = 'For 2026-04-17 to 2026-04-29, as you asked about your last 47 trades:';

    expect(ungroundedNumbers(text, metrics, [])).toEqual(['04', '17', '04', '29', '47']);
    expect(ungroundedNumbers(text, metrics, [], { period: '2026-04-17 to 2026-04-29 (UTC)', prompt: 'my last 47 trades?' })).toEqual([]);
  });

  it('accepts the numbers of the patterns found and of their rules', () => {
    const journal = sampleJournal();
    const journalMetrics = computeMetrics(journal);
    const patterns = detectPatterns(journal, journalMetrics);

    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect(ungroundedNumbers(`${pattern.title}: ${pattern.description}`, computeMetrics([]), [pattern])).toEqual([]);
    }
  });

  it('ignores the embedded equity-curve image of the Markdown', () => {
    const markdown = renderReportMarkdown(report('Net 120.15.'), metrics);

    expect(markdown).toContain('data:image/svg+xml;base64,');
    expect(ungroundedNumbers(markdown, metrics, [])).toEqual([]);
  });

  it('allows few numbers: the allow-list is built from the metrics, not from any number', () => {
    const allowed = groundedNumbers(computeMetrics([makeTrade({ pnl: 12.34 })]), []);

    expect(allowed.has('12.34')).toBe(true);
    expect(allowed.has('12.35')).toBe(false);
    expect(allowed.has('999')).toBe(false);
  });
});
