// Zod schemas of every response body, for the API document only: routes do not validate what they send with them.
import { z } from 'zod';
import { JOB_STATUSES, POSITION_TYPES, REQUIRED_TRADE_FIELDS, reportSchema as coreReportSchema } from '@pecunia/core';

// Ids are given with `.meta({ id })` once, at module scope, so each schema becomes one named component.

const timestamp = (description: string) => z.string().meta({ description, example: '2026-03-02T09:41:00-05:00' });
const positive = (description: string) => z.number().positive().meta({ description });

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'URI naming the kind of problem.', example: 'https://docs.pecunia.dev/problems/trade-invalid' }),
    title: z.string().meta({ description: 'Short summary of the HTTP status.', example: 'Bad Request' }),
    status: z.number().int().meta({ description: 'HTTP status code.', example: 400 }),
    detail: z.string().meta({ description: 'What went wrong, for a person.', example: 'Invalid trade: pnl must be a number' }),
    code: z.string().meta({ description: 'Stable machine-readable code: switch on this, not on `detail`.', example: 'TRADE.INVALID' }),
    instance: z.string().optional().meta({ description: 'Path of the request.' }),
    request_id: z.string().optional().meta({ description: 'Identifies the request in the server logs (also the `X-Request-Id` header).' }),
    issues: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Every validation issue, when the request was invalid.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, with a stable `code`. Other extension members may appear.' });

export const storedTradeSchema = z
  .object({
    trade_id: z.string().meta({ description: 'Id of the trade (the sheet row number for rows written before ids existed).' }),
    user_id: z.string(),
    ticker: z.string().meta({ description: 'Upper-cased symbol.', example: 'AAPL' }),
    position_type: z.enum(POSITION_TYPES),
    pnl: z.number().meta({ description: 'Realised profit or loss; 0 is a break-even.', example: 185 }),
    entry_timestamp: timestamp('ISO 8601, with its offset.'),
    exit_timestamp: timestamp('ISO 8601, with its offset; never before the entry.'),
    notes: z.string(),
    quantity: positive('Shares, contracts or coins.').optional(),
    entry_price: positive('Entry price.').optional(),
    exit_price: positive('Exit price.').optional(),
    stop_loss: positive('Stop-loss price.').optional(),
    tags: z.array(z.string()).optional(),
    account: z.string().optional(),
    file_links: z.string().meta({ description: 'Attachment references `file_id|mime_type|link` joined by `; ` (empty without attachments).' }),
    created_at: z.string().optional().meta({ description: 'When the trade was written (ISO 8601, UTC).' }),
  })
  .meta({ id: 'StoredTrade', description: 'A trade as the journal stores it.' });

export const storedMediaSchema = z
  .object({
    id: z.string(),
    filename: z.string(),
    mime_type: z.string().meta({ example: 'image/png' }),
    size: z.number().int().meta({ description: 'Bytes.' }),
    link: z.string().meta({ description: 'Where the file can be opened (`/api/media/{id}` in local mode).' }),
  })
  .meta({ id: 'StoredMedia', description: 'An attachment as stored.' });

export const journalLocationSchema = z
  .object({
    sheet_id: z.string(),
    tab: z.string(),
    updated_range: z.string().meta({ example: 'Journal!A2:P2' }),
    row_number: z.number().int(),
  })
  .meta({ id: 'JournalLocation', description: 'Where the row went.' });

const captured = {
  trade: storedTradeSchema,
  attachments: z.array(storedMediaSchema),
  location: journalLocationSchema,
};

export const captureResultSchema = z.object(captured).meta({ id: 'CaptureResult', description: 'The stored trade, its attachments and where the row went.' });

export const submitCreatedSchema = z
  .object({
    status: z.literal('created'),
    extracted_by: z.string().meta({ description: 'Which extractor read the narrative.', example: 'rule-based' }),
    ...captured,
  })
  .meta({ id: 'SubmitCreated', description: 'The narrative held every required field: the trade was stored.' });

export const tradeFieldsDraftSchema = z
  .object({
    ticker: z.string(),
    position_type: z.enum(POSITION_TYPES),
    pnl: z.number(),
    entry_timestamp: z.string(),
    exit_timestamp: z.string(),
    notes: z.string(),
    quantity: z.number(),
    entry_price: z.number(),
    exit_price: z.number(),
    stop_loss: z.number(),
    tags: z.array(z.string()),
    account: z.string(),
  })
  .partial()
  .meta({ id: 'TradeFieldsDraft', description: 'Fields understood so far (extracted, then overridden by the fields sent).' });

export const needsMoreInfoSchema = z
  .object({
    status: z.literal('needs_more_info'),
    missing_fields: z.array(z.enum(REQUIRED_TRADE_FIELDS)).meta({ description: 'Send these (as body fields) with the same content to complete the trade.' }),
    fields: tradeFieldsDraftSchema,
    extracted_by: z.string(),
  })
  .meta({ id: 'NeedsMoreInfo', description: 'Required fields are missing: nothing was written.' });

export const tradePageSchema = z
  .object({
    trades: z.array(storedTradeSchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    skipped_rows: z
      .array(z.object({ row: z.number().int(), reason: z.string() }))
      .meta({ description: 'Rows of the tab that could not be read as trades, with their sheet row number.' }),
  })
  .meta({ id: 'TradePage', description: 'One page of trades, oldest exit first.' });

const jobStatusSchema = z.enum(JOB_STATUSES).meta({ id: 'JobStatus' });

export const jobCreatedSchema = z
  .object({ job_id: z.string(), status: z.literal('queued') })
  .meta({ id: 'JobCreated', description: 'The job was stored and queued; poll it at the `Location` header.' });

const jobRequestSchema = z
  .object({
    sheet_id: z.string(),
    sheet_range: z.string(),
    prompt: z.string(),
    start_date: z.string().optional().meta({ description: 'Inclusive, yyyy-mm-dd, compared with each exit date in `timezone`.' }),
    end_date: z.string().optional().meta({ description: 'Inclusive, yyyy-mm-dd.' }),
    timezone: z.string(),
  })
  .meta({ id: 'JobRequest', description: 'What the job was asked to analyse, as stored.' });

const jobErrorSchema = z.object({ code: z.string(), message: z.string() }).meta({ id: 'JobError', description: 'Why a job failed.' });

const jobFields = {
  job_id: z.string(),
  status: jobStatusSchema,
  stage: z.string().meta({ description: 'Current step of the analysis (`queued`, `load_journal`, `compute_metrics`, … `persist`, `completed`).' }),
  progress: z.number().min(0).max(1).meta({ description: 'From 0 to 1; only moves forward.' }),
  created_at: z.string(),
  updated_at: z.string(),
  request: jobRequestSchema,
  error: jobErrorSchema.optional(),
};

export const jobSummarySchema = z.object(jobFields).meta({ id: 'JobSummary', description: 'A job without its result.' });

const breakdownRowSchema = z
  .object({ key: z.string(), trade_count: z.number().int(), net_pnl: z.number(), win_rate: z.number() })
  .meta({ id: 'BreakdownRow', description: 'One bucket of a breakdown (a ticker, a side, a weekday, an hour, a tag).' });

const ratio = (description: string) => z.number().nullable().meta({ description });

export const metricsSchema = z
  .object({
    timezone: z.string().meta({ description: 'Zone the weekday and hour breakdowns were read in.' }),
    trade_count: z.number().int(),
    win_count: z.number().int(),
    loss_count: z.number().int(),
    breakeven_count: z.number().int(),
    win_rate: z.number(),
    net_pnl: z.number(),
    gross_profit: z.number(),
    gross_loss: z.number().meta({ description: 'Sum of losses as a positive amount.' }),
    profit_factor: ratio('Null when there is no loss to divide by.'),
    average_win: z.number(),
    average_loss: z.number().meta({ description: 'Positive.' }),
    payoff_ratio: ratio('Null when there are no losses.'),
    expectancy: z.number().meta({ description: 'Net P&L per trade.' }),
    largest_win: z.number(),
    largest_loss: z.number().meta({ description: 'Negative, or 0 without losses.' }),
    max_drawdown: z.number().meta({ description: 'Largest fall of cumulative P&L from a peak. Positive or 0.' }),
    longest_win_streak: z.number().int(),
    longest_loss_streak: z.number().int(),
    average_hold_minutes: z.number(),
    r_trade_count: z.number().int().meta({ description: 'Trades whose risk is known (quantity, entry and stop loss).' }),
    average_r: ratio('Mean P&L in R over those trades; null when none.'),
    average_win_r: ratio('Mean R of winning trades with a known risk.'),
    average_loss_r: ratio('Mean R of losing trades with a known risk; below -1 means losses ran past the stop.'),
    by_ticker: z.array(breakdownRowSchema),
    by_position_type: z.array(breakdownRowSchema),
    by_weekday: z.array(breakdownRowSchema).meta({ description: 'By exit day in `timezone`, Monday first.' }),
    by_hour: z.array(breakdownRowSchema).meta({ description: 'By entry hour in `timezone`, keys `00`–`23`.' }),
    by_tag: z.array(breakdownRowSchema).meta({ description: 'A trade counts once under each of its tags.' }),
    equity_curve: z.array(
      z
        .object({
          trade_id: z.string(),
          exit_timestamp: z.string(),
          cumulative_pnl: z.number(),
          r: z.number().nullable().meta({ description: "This trade's P&L in R (pnl / risk); null when its stop, entry or quantity is unknown." }),
        })
        .meta({ id: 'EquityPoint', description: 'One trade on the equity curve (thinned to at most 1000 points, keeping peaks and troughs).' }),
    ),
    first_exit: z.string().nullable(),
    last_exit: z.string().nullable(),
  })
  .meta({ id: 'Metrics', description: 'Every number a report may state, computed in code (money in cents, ratios to 4 places).' });

// The report's shape is the coach's own zod schema (core), so the document promises exactly what is validated.
const reportSchema = coreReportSchema.meta({
  id: 'Report',
  description: 'The coaching report: an overview with key metrics, behavioural patterns, opportunities and an action plan.',
});
const patternSchema = z
  .object({
    kind: z.string().meta({
      description: 'What was found: `revenge_trading`, `overtrading_days`, `holding_losers`, `size_after_losses`, `losing_time_of_day`, `losing_ticker` (more may come).',
    }),
    title: z.string(),
    description: z.string().meta({ description: 'Plain sentences; every number in them is one of `evidence`’s values.' }),
    trade_ids: z.array(z.string()).meta({ description: 'The trades that show the pattern, in chronological order.' }),
    evidence: z.record(z.string(), z.union([z.number(), z.string()])),
  })
  .meta({ id: 'BehaviouralPattern', description: 'A behavioural pattern found in the trades, with the numbers behind it.' });

const insightSchema = z
  .object({ file_id: z.string(), trade_id: z.string().optional(), summary: z.string() })
  .meta({ id: 'MediaInsight', description: 'What an attachment (voice note, chart) says about a trade.' });

const researchSchema = z
  .object({ title: z.string(), summary: z.string(), url: z.string().optional() })
  .meta({ id: 'ResearchFinding', description: 'Market context found for the period.' });

export const jobSchema = z
  .object({
    ...jobFields,
    report: reportSchema.optional(),
    report_markdown: z.string().optional().meta({ description: 'The report rendered as Markdown.' }),
    metrics: metricsSchema.optional(),
    patterns: z.array(patternSchema).optional(),
    audio_insights: z.array(insightSchema).optional(),
    image_insights: z.array(insightSchema).optional(),
    external_research: z.array(researchSchema).optional(),
    skipped_steps: z
      .array(z.object({ step: z.string(), reason: z.string() }))
      .optional()
      .meta({ description: 'Steps that did not run, and why.' }),
    warnings: z
      .array(z.object({ step: z.string(), message: z.string(), file_id: z.string().optional(), trade_id: z.string().optional() }))
      .optional()
      .meta({ description: 'Partial failures the report was written without.' }),
    trade_count: z.number().int().optional(),
    period: z.object({ start_date: z.string().optional(), end_date: z.string().optional(), timezone: z.string() }).optional(),
  })
  .meta({ id: 'Job', description: 'An analysis job; once `completed` it carries the report, its Markdown and the metrics.' });

export const jobListSchema = z.object({ jobs: z.array(jobSummarySchema) }).meta({ id: 'JobList', description: "The caller's recent jobs, newest first." });

export const healthSchema = z
  .object({ status: z.literal('ok'), version: z.string(), mode: z.string().meta({ example: 'local' }) })
  .meta({ id: 'Health', description: 'The process is up.' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    mode: z.string(),
    adapters: z.array(
      z
        .object({
          port: z.string().meta({ example: 'journal' }),
          adapter: z.string().meta({ example: 'sqlite' }),
          status: z.enum(['ready', 'unavailable']),
          reason: z.string().optional(),
        })
        .meta({ id: 'AdapterReadiness' }),
    ),
  })
  .meta({ id: 'Readiness', description: 'Readiness of each adapter, and which adapter serves each port.' });
