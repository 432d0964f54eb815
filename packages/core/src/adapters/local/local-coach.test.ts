import fc from 'fast-check';
import { ungroundedNumbers } from '../../analysis/grounding';
import { makeTrade, sampleJournal, utcAt } from '../../testing/make-trade';
import { computeMetrics } from '../../analysis/metrics';
import { detectPatterns } from '../../analysis/patterns';
import { type Report, reportSchema } from '../../domain/report';
import { renderReportMarkdown } from '../../analysis/report-markdown';
import { LocalCoach } from './local-coach';

const coach = new LocalCoach();

async function coachReport(prompt: string, trades = sampleJournal(), timezone = 'America/New_York') {
  const metrics = computeMetrics(trades, { timezone });
  const patterns = detectPatterns(trades, metrics);
  const report = await coach.write({ prompt, metrics, patterns });
  return { report, metrics, patterns };
}

describe('LocalCoach', () => {
  it('is named local-rule-based', () => {
    expect(coach.name).toBe('local-rule-based');
  });

  it.each([
    ['How is my risk management? Are my stops working?', 'Risk: ', 'Average R: '],
    ['What is my average R per trade?', 'Risk: ', 'Average R: '],
    ['When should I time my entries?', 'Timing: ', 'Entries at '],
    ['Which hour of the day is best for me?', 'Timing: ', 'Entries at '],
    ['Why do I lose money on Wednesdays?', 'Wednesdays: ', 'Wednesdays: '],
    ['Should I keep trading tsla?', 'TSLA: ', 'TSLA: '],
    ['Are my longs vs shorts any different?', 'Longs: ', 'Longs: '],
    ['How are my breakout setups doing?', 'Tag "breakout": ', 'Tag "breakout": '],
    ['Am I revenge trading after losses?', 'Revenge trading — ', 'Revenge trading: '],
  ])('answers %j first', async (prompt, summaryStart, firstKeyMetric) => {
    const { report } = await coachReport(prompt);

    expect(report.performance_overview.summary.startsWith(summaryStart)).toBe(true);
    expect(report.performance_overview.key_metrics[0]?.startsWith(firstKeyMetric)).toBe(true);
  });

  it('answers several topics in the order the prompt names them', async () => {
    const { report } = await coachReport('Is TSLA hurting me on Fridays, and is my risk too high?');

    const { summary } = report.performance_overview;
    const positions = ['TSLA: ', 'Fridays: ', 'Risk: ', 'Across '].map((part) => summary.indexOf(part));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('lists the patterns the prompt asks about first', async () => {
    const { report, patterns } = await coachReport('Am I revenge trading?');

    expect(patterns.some((p) => p.kind === 'revenge_trading')).toBe(true);
    expect(report.behavioural_patterns[0]?.startsWith('Revenge trading — ')).toBe(true);
  });

  it('says when a pattern asked about was not found, quoting only its rule', async () => {
    const { report, patterns } = await coachReport('Am I overtrading?');

    expect(patterns.some((p) => p.kind === 'overtrading_days')).toBe(false);
    expect(report.performance_overview.summary).toMatch(/^Overtrading: no day had at least 2 times your median day's trades and 3 more/);
  });

  it('gives the overall picture, and says so, when the prompt names nothing it can measure', async () => {
    const { report } = await coachReport('Give me some feedback please');

    expect(report.performance_overview.summary).toMatch(/^Your question names no ticker.*Across 80 closed trades from 2026-03-02/);
    expect(report.performance_overview.key_metrics[0]).toMatch(/^Net P&L: /);
  });

  it('derives opportunities and actions from the weakest numbers and the patterns found', async () => {
    const { report } = await coachReport('');

    expect(report.opportunities).toContain('TSLA is your weakest ticker: 14 trades, net -1,267.01, win rate 28.6%.');
    expect(report.action_plan.map((item) => item.title)).toEqual(
      expect.arrayContaining(['Honour your stops', 'Pause TSLA', 'Pause after a big loss']),
    );
  });

  it('tells the trader to cut losers when the average loss outweighs the average win', async () => {
    const trades = sampleJournal(60, 7).map((trade) => ({ ...trade, pnl: trade.pnl < 0 ? trade.pnl * 3 : trade.pnl }));

    const { report, metrics } = await coachReport('', trades);

    expect(metrics.payoff_ratio).toBeLessThan(1);
    expect(report.action_plan[0]?.title).toBe('Cut losers at the planned stop');
  });

  it('writes a valid report with no number the engine did not produce, whatever the prompt', async () => {
    const prompts = fc.constantFrom(
      '',
      'risk',
      'What about my stops and R?',
      'entries by hour',
      'Mondays and Fridays',
      'NVDA or $6E?',
      'long vs short',
      'news tag',
      'revenge, overtrading, holding losers, sizing up',
      'How did I do in March 2026 with 50 shares?',
    );
    const journals = fc.record({
      count: fc.integer({ min: 0, max: 60 }),
      seed: fc.integer({ min: 1, max: 1000 }),
      zone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kathmandu'),
    });
    await fc.assert(
      fc.asyncProperty(prompts, journals, async (prompt, { count, seed, zone }) => {
        const { report, metrics, patterns } = await coachReport(prompt, sampleJournal(count, seed), zone);
        const period = '2026-03-01 to 2026-03-31 (UTC)';
        const markdown = renderReportMarkdown(report, metrics, { period, prompt });

        expect(reportSchema.safeParse(report).success).toBe(true);
        expect(ungroundedNumbers(report, metrics, patterns)).toEqual([]);
        expect(ungroundedNumbers(markdown, metrics, patterns, { period, prompt })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('reports "No trades in range" for an empty period instead of failing', async () => {
    const { report, metrics, patterns } = await coachReport('How is my risk?', []);

    expect(report).toEqual({
      performance_overview: {
        summary: 'No trades in range: there are no closed trades in this period, so there is nothing to measure yet.',
        key_metrics: ['Trades: 0'],
      },
      behavioural_patterns: [],
      opportunities: [],
      action_plan: [expect.objectContaining({ title: 'Log your trades' })],
    } satisfies Report);
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(ungroundedNumbers(report, metrics, patterns)).toEqual([]);
  });
});

describe('small journals', () => {
  it('says a handful of trades is an early signal, and gives loss advice without quoting a payoff of nothing', async () => {
    const trades = [
      makeTrade({ trade_id: 'a', pnl: -190, entry_timestamp: utcAt(0), exit_timestamp: utcAt(30) }),
      makeTrade({ trade_id: 'b', pnl: 0, entry_timestamp: utcAt(60), exit_timestamp: utcAt(90) }),
    ];
    const metrics = computeMetrics(trades);

    const report = await coach.write({ prompt: 'How am I doing?', metrics, patterns: detectPatterns(trades, metrics) });

    expect(report.performance_overview.summary).toContain('With only 2 trades these numbers are early signals');
    expect(report.performance_overview.key_metrics).toContain('Win rate: 0.0% (0 wins, 1 loss, 1 break-even)');
    expect(report.opportunities.join(' ')).toContain('None of these trades was a winner');
    expect(report.opportunities.join(' ')).not.toContain('payoff ratio');
    expect(ungroundedNumbers(report, metrics, [])).toEqual([]);
  });
});
