// The stored outcome of an analysis: the report, the numbers behind it, what the media said and what was skipped.
import { z } from 'zod';
import { metricsSchema } from './metrics';
import { behaviouralPatternSchema } from './pattern';
import { reportSchema } from './report';

/** The analysis workflow's steps, in the order they run (parallel ones listed in a fixed order). */
export const STEP_NAMES = [
  'load_journal',
  'compute_metrics',
  'collect_media',
  'transcribe_audio',
  'analyse_images',
  'web_research',
  'synthesize',
  'persist',
] as const;

/** A trader's mood in a voice note, as a transcriber reads it. */
export const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed'] as const;

export const mediaInsightSchema = z
  .object({
    file_id: z.string().meta({ description: 'Drive file id / media id the insight is about.' }),
    trade_id: z.string().optional(),
    link: z.string().optional().meta({ description: 'Where the file opens (its Drive link, or `/api/media/{id}` locally).' }),
    summary: z.string(),
    transcript: z.string().optional().meta({ description: 'Voice notes: the words, as heard.' }),
    sentiment: z.enum(SENTIMENTS).optional().meta({ description: "Voice notes: the trader's mood." }),
    highlights: z.array(z.string()).optional().meta({ description: 'Voice notes: points worth the coach’s attention.' }),
    risks: z.array(z.string()).optional().meta({ description: 'Charts: risks the chart shows.' }),
    opportunities: z.array(z.string()).optional().meta({ description: 'Charts: what went right, or could have.' }),
  })
  .meta({ id: 'MediaInsight', description: 'What an attachment (voice note, chart) says about a trade.' });

export const researchFindingSchema = z
  .object({ title: z.string(), summary: z.string(), url: z.string().optional() })
  .meta({ id: 'ResearchFinding', description: 'Market context found for the period.' });

export const skippedStepSchema = z
  .object({ step: z.enum(STEP_NAMES), reason: z.string() })
  .meta({ id: 'SkippedStep', description: 'A step that did not run, and why (service not configured, nothing to do).' });

export const workflowWarningSchema = z
  .object({ step: z.enum(STEP_NAMES), message: z.string(), file_id: z.string().optional(), trade_id: z.string().optional() })
  .meta({ id: 'WorkflowWarning', description: 'Something that went wrong without stopping the analysis (an unreadable row, a file that could not be read).' });

export const analysisPeriodSchema = z
  .object({ start_date: z.string().optional(), end_date: z.string().optional(), timezone: z.string() })
  .meta({ id: 'AnalysisPeriod', description: 'The dates the analysis covered (inclusive, by exit date in `timezone`).' });

export const MAX_PATTERN_TRADES = 500;

export const patternTradeSchema = z
  .object({
    trade_id: z.string(),
    ticker: z.string(),
    position_type: z.enum(['long', 'short']),
    pnl: z.number().meta({ description: 'Rounded to cents.' }),
    entry_timestamp: z.string(),
    exit_timestamp: z.string(),
    quantity: z.number().optional(),
    account: z.string().optional(),
  })
  .meta({ id: 'PatternTrade', description: 'A trade a behavioural pattern points at, as the journal held it when the analysis ran.' });

/** The API returns these keys beside the job's own fields (status, stage…), so none may share a name with them. */
export const analysisResultSchema = z.object({
  report: reportSchema,
  report_markdown: z.string().meta({ description: 'The report rendered as Markdown.' }),
  // Rounded at the edge (cents, 4-place ratios), as every reader should see them.
  metrics: metricsSchema,
  patterns: z.array(behaviouralPatternSchema),
  pattern_trades: z
    .array(patternTradeSchema)
    .optional()
    .meta({ description: `The trades the patterns name (at most ${MAX_PATTERN_TRADES}, in chronological order), so a reader sees what each pattern is made of. Absent from results stored before it existed.` }),
  audio_insights: z.array(mediaInsightSchema),
  image_insights: z.array(mediaInsightSchema),
  external_research: z.array(researchFindingSchema),
  skipped_steps: z.array(skippedStepSchema).meta({ description: 'Steps that did not run, and why.' }),
  warnings: z.array(workflowWarningSchema).meta({ description: 'Partial failures the report was written without.' }),
  trade_count: z.number().int(),
  period: analysisPeriodSchema,
});

export type StepName = (typeof STEP_NAMES)[number];
export type Sentiment = (typeof SENTIMENTS)[number];
export type MediaInsight = z.infer<typeof mediaInsightSchema>;
export type PatternTrade = z.infer<typeof patternTradeSchema>;
export type ResearchFinding = z.infer<typeof researchFindingSchema>;
export type SkippedStep = z.infer<typeof skippedStepSchema>;
export type WorkflowWarning = z.infer<typeof workflowWarningSchema>;
export type AnalysisResult = z.infer<typeof analysisResultSchema>;
