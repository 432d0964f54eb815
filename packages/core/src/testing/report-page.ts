// A completed job with a realistic result (real metrics, patterns and local-coach report), for report-page tests.
import { writeLocalReport } from '../adapters/local/local-coach';
import { computeMetrics } from '../analysis/metrics';
import { detectPatterns } from '../analysis/patterns';
import { renderReportMarkdown } from '../analysis/report-markdown';
import { roundMetrics } from '../analysis/round-metrics';
import type { AnalysisResult, MediaInsight, ResearchFinding, WorkflowWarning } from '../domain/analysis-result';
import type { AnalysisJob } from '../domain/job';
import { patternTrades } from '../services/analysis-workflow/result';
import { analysisResult } from './analysis-result';
import { sampleJournal } from './make-trade';

export const SAMPLE_PROMPT = 'Why do I keep losing on TSLA, and is my risk per trade under control?';

/** A completed job (March 2026, UTC) whose trader asked `prompt`. */
export function completedReportJob(prompt = SAMPLE_PROMPT, overrides: Partial<AnalysisJob> = {}): AnalysisJob {
  return {
    job_id: 'job-report-page',
    user_id: 'user-1',
    status: 'completed',
    stage: 'completed',
    progress: 1,
    created_at: '2026-04-01T08:00:00Z',
    updated_at: '2026-04-01T08:01:00Z',
    request: { sheet_id: 'sheet-1', sheet_range: 'Trades!A:Q', prompt, start_date: '2026-03-01', end_date: '2026-03-31', timezone: 'UTC' },
    ...overrides,
  };
}

const SAMPLE_AUDIO: MediaInsight[] = [
  {
    file_id: 'drive-audio-1',
    trade_id: 'trade-010',
    link: 'https://drive.google.com/file/d/drive-audio-1/view',
    summary: 'Frustrated after the stop was hit; re-entered TSLA to win it back.',
    transcript: 'Ugh, stopped out again.\nI am getting back in, it has to bounce.',
    sentiment: 'negative',
    highlights: ['Re-entered right after a loss', 'Says the stop was too tight'],
  },
];

const SAMPLE_IMAGES: MediaInsight[] = [
  {
    file_id: 'media-chart-1',
    trade_id: 'trade-004',
    link: '/api/media/media-chart-1',
    summary: 'Long entry into the prior day high, with resistance overhead.',
    risks: ['Entry directly under resistance'],
    opportunities: ['Waiting for the retest would have tightened the stop'],
  },
];

const SAMPLE_RESEARCH: ResearchFinding[] = [
  {
    title: 'Tesla shares swing on delivery numbers',
    summary: 'Volatility in TSLA was well above its monthly average through the period.',
    url: 'https://example.com/markets/tesla-deliveries',
  },
  { title: 'Rate decision week', summary: 'Index futures traded in a narrow range before the rate decision.' },
];

const SAMPLE_WARNINGS: WorkflowWarning[] = [
  { step: 'analyse_images', message: 'A chart could not be read and was left out.', file_id: 'media-chart-9', trade_id: 'trade-031' },
];

/**
 * `trades` trades of the sample journal (0 for an empty range), with their real metrics and patterns, the local
 * coach's answer to `prompt`, a voice note, a chart, research and a warning. `overrides` replace result fields.
 */
export function reportPageFixture(
  options: { trades?: number; prompt?: string; overrides?: Partial<AnalysisResult> } = {},
): { job: AnalysisJob; result: AnalysisResult } {
  const { trades: count = 40, prompt = SAMPLE_PROMPT, overrides = {} } = options;
  const trades = sampleJournal(count);
  const metrics = roundMetrics(computeMetrics(trades, { timezone: 'UTC' }));
  const patterns = [...detectPatterns(trades, metrics, { timezone: 'UTC' })];
  const report = writeLocalReport({ prompt, metrics, patterns });
  const period = { start_date: '2026-03-01', end_date: '2026-03-31', timezone: 'UTC' };
  // The empty case stays minimal: no media, research or warnings.
  const media =
    count === 0
      ? { audio_insights: [], image_insights: [], external_research: [] }
      : { audio_insights: SAMPLE_AUDIO, image_insights: SAMPLE_IMAGES, external_research: SAMPLE_RESEARCH };
  const result = analysisResult(report.performance_overview.summary, {
    report,
    report_markdown: renderReportMarkdown(report, metrics, { period: '2026-03-01 to 2026-03-31 (UTC)', prompt }),
    metrics,
    patterns,
    pattern_trades: patternTrades(trades, patterns),
    ...media,
    skipped_steps: [],
    warnings: count === 0 ? [] : SAMPLE_WARNINGS,
    trade_count: metrics.trade_count,
    period,
    ...overrides,
  });
  return { job: completedReportJob(prompt), result };
}
