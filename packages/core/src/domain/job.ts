// An analysis job as stored and as the API shows it: request, state and — once completed — its result.
import { z } from 'zod';
import { ValidationError } from '../errors';
import { analysisResultSchema } from './analysis-result';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export const jobStatusSchema = z.enum(JOB_STATUSES).meta({ id: 'JobStatus' });

export const jobRequestSchema = z
  .object({
    sheet_id: z.string(),
    sheet_range: z.string(),
    prompt: z.string(),
    start_date: z.string().optional().meta({ description: 'Inclusive, yyyy-mm-dd, compared with each exit date in `timezone`.' }),
    end_date: z.string().optional().meta({ description: 'Inclusive, yyyy-mm-dd.' }),
    timezone: z.string(),
    account: z.string().optional().meta({ description: 'Only trades of this broker account (exact match); every account when absent.' }),
  })
  .meta({ id: 'JobRequest', description: 'What the job was asked to analyse, as stored.' });

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() }).meta({ id: 'JobError', description: 'Why a job failed.' });

export const jobSummarySchema = z
  .object({
    job_id: z.string(),
    status: jobStatusSchema,
    stage: z.string().meta({ description: 'Current step of the analysis (`queued`, `load_journal`, `compute_metrics`, … `persist`, `completed`).' }),
    progress: z.number().min(0).max(1).meta({ description: 'From 0 to 1; only moves forward.' }),
    created_at: z.string(),
    updated_at: z.string(),
    request: jobRequestSchema,
    error: jobErrorSchema.optional(),
  })
  .meta({ id: 'JobSummary', description: 'A job without its result.' });

/** The public view of a job: its summary and, once completed, the result's fields beside them. */
export const jobViewSchema = jobSummarySchema
  .extend(analysisResultSchema.partial().shape)
  .meta({ id: 'Job', description: 'An analysis job; once `completed` it carries the report, its Markdown and the metrics.' });

export type JobStatus = z.infer<typeof jobStatusSchema>;
export type AnalysisJobRequest = z.infer<typeof jobRequestSchema>;
export type JobError = z.infer<typeof jobErrorSchema>;
export type JobSummary = z.infer<typeof jobSummarySchema>;
export type JobView = z.infer<typeof jobViewSchema>;

/** A job as the job store keeps it: its summary, its owner and the result once completed. */
export type AnalysisJob = JobSummary & {
  user_id: string;
  result?: z.infer<typeof analysisResultSchema>;
};

/** Most jobs one list call returns. */
export const MAX_JOB_LIST = 100;

/** A requested page size clamped to 1..100; a non-number asks for the smallest page rather than failing. */
export function clampJobListLimit(limit: number): number {
  if (Number.isNaN(limit)) return 1;
  return Math.min(MAX_JOB_LIST, Math.max(1, Math.trunc(limit)));
}

/** The checks every job store makes before writing a job, so all of them refuse the same jobs with the same codes. */
export function assertStorableJob(job: AnalysisJob): void {
  const invalid = (field: string): never => {
    throw new ValidationError('JOB.INVALID', `The job field ${field} is missing or invalid.`, { field });
  };
  for (const field of ['job_id', 'user_id', 'stage', 'created_at', 'updated_at'] as const) {
    if (typeof job[field] !== 'string' || (field !== 'stage' && job[field].length === 0)) invalid(field);
  }
  if (!(JOB_STATUSES as readonly string[]).includes(job.status)) invalid('status');
  if (!Number.isFinite(job.progress)) invalid('progress');
  if (typeof job.request !== 'object' || job.request === null) invalid('request');
}
