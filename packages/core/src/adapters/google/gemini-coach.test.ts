// GeminiCoach with the real SDK against the stand-in: metrics sent as data, grounded reports kept, the rest repaired or replaced.
import { computeMetrics } from '../../analysis/metrics';
import { type Report } from '../../domain/report';
import type { Coach, CoachInput } from '../../ports/coach.port';
import { GEMINI_STANDIN_API_KEY, type GeminiStandIn, geminiErrors, inOrder, startGeminiStandIn } from '../../testing/gemini/gemini-standin';
import { tradeSeries } from '../../testing/make-trade';
import { GeminiCoach } from './gemini-coach';

let standIn: GeminiStandIn;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ models: ['gemini-test'] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
});

const report = (summary: string): Report => ({
  performance_overview: { summary, key_metrics: ['Net P&L: 120.15 over 3 trades', 'Win rate: 66.7%'] },
  behavioural_patterns: ['No revenge trading after the 30.10 loss.'],
  opportunities: ['Your winners average 75.13.'],
  action_plan: [{ title: 'Keep the stop', detail: 'Your largest loss was -30.10; keep it that size.' }],
});

const FALLBACK_REPORT = report('Fallback wording: you netted 120.15.');

/** A fallback coach that records being asked: the test sees when the Gemini coach gave up. */
function recordingFallback(): Coach & { inputs: CoachInput[] } {
  const inputs: CoachInput[] = [];
  return {
    name: 'fallback',
    inputs,
    write: async (coachInput) => {
      inputs.push(coachInput);
      return FALLBACK_REPORT;
    },
  };
}

// Wins 100.25 and 50, a loss of 30.10: net 120.15, win rate 66.7%, average win 75.13.
const input = (): CoachInput => ({
  prompt: 'How did my last 3 trades go?',
  metrics: computeMetrics(tradeSeries([100.25, -30.1, 50])),
  patterns: [],
  image_insights: [{ file_id: 'img-1', summary: 'Entry into resistance.' }],
  period: '2026-03-02 to 2026-03-02 (UTC)',
});

const coach = (fallback: Coach) =>
  new GeminiCoach({ apiKey: GEMINI_STANDIN_API_KEY, models: ['gemini-test'], baseUrl: standIn.url, fetch, retry: { tries: 1 }, fallback });

describe('GeminiCoach', () => {
  it('sends the metrics as formatted data and keeps a grounded report', async () => {
    const grounded = report('You netted 120.15 on 3 trades with a 66.7% win rate.');
    standIn.respond(() => ({ json: grounded }));
    const fallback = recordingFallback();

    const written = await coach(fallback).write(input());

    expect(written).toEqual(grounded);
    expect(fallback.inputs).toHaveLength(0);
    const data = JSON.parse(standIn.calls[0]?.parts[0]?.text ?? '{}') as Record<string, Record<string, unknown>>;
    expect(data.question).toBe('How did my last 3 trades go?');
    expect(data.metrics).toMatchObject({ net_pnl: '120.15', win_rate: '66.7%', trade_count: '3', profit_factor: '4.99' });
    expect(data.image_notes).toEqual([{ file_id: 'img-1', summary: 'Entry into resistance.' }]);
    expect(standIn.calls[0]?.generationConfig.responseJsonSchema).toMatchObject({ required: expect.arrayContaining(['action_plan']) });
  });

  it('repairs a report stating a number the metrics do not hold', async () => {
    const grounded = report('You netted 120.15.');
    standIn.respond(inOrder({ json: report('You netted 120.15 but could have made 1,234.56.') }, { json: grounded }));
    const fallback = recordingFallback();

    const written = await coach(fallback).write(input());

    expect(written).toEqual(grounded);
    expect(standIn.calls[1]?.turns[2]?.parts[0]?.text).toContain('these numbers are not in the data: 1,234.56');
    expect(fallback.inputs).toHaveLength(0);
  });

  it('falls back when the repaired report is still ungrounded', async () => {
    standIn.respond(() => ({ json: report('A 75% win rate is within reach.') }));
    const fallback = recordingFallback();
    const told: string[] = [];
    const coachInput = { ...input(), onFallback: (reason: string) => told.push(reason) };

    const written = await coach(fallback).write(coachInput);

    expect(written).toBe(FALLBACK_REPORT);
    expect(fallback.inputs).toEqual([coachInput]);
    expect(told).toEqual([expect.stringMatching(/^Gemini's report failed its checks .* the fallback coach wrote this report instead$/)]);
    expect(standIn.calls).toHaveLength(2);
  });

  it('falls back when the answer never matches the report schema', async () => {
    standIn.respond(() => ({ json: { summary: 'Good job.' } }));
    const fallback = recordingFallback();

    const written = await coach(fallback).write(input());

    expect(written).toBe(FALLBACK_REPORT);
  });

  it('falls back rather than failing the job when Gemini is down', async () => {
    standIn.respond(() => geminiErrors.unavailable());
    const fallback = recordingFallback();
    const told: string[] = [];

    const written = await coach(fallback).write({ ...input(), onFallback: (reason) => told.push(reason) });

    expect(written).toBe(FALLBACK_REPORT);
    expect(told).toEqual([expect.stringMatching(/^Gemini could not write the report \(GEMINI\.[A-Z_]+\); the fallback coach wrote it instead$/)]);
    expect(standIn.calls).toHaveLength(1);
  });

  it('leaves a period without trades to the fallback, without a model call', async () => {
    const fallback = recordingFallback();

    const written = await coach(fallback).write({ ...input(), metrics: computeMetrics([]) });

    expect(written).toBe(FALLBACK_REPORT);
    expect(standIn.calls).toHaveLength(0);
  });
});
