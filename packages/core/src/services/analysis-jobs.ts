// Analysis jobs as the API sees them: validated, stored, queued; read back by their owner only.
import { randomUUID } from 'node:crypto';
import { parseDateRange } from '../domain/date-range';
import { parseSheetRange, parseSheetId, DEFAULT_SHEET_RANGE } from '../domain/sheet-range';
import { canonicalTimezone, isValidTimezone } from '../domain/timestamps';
import { isPecuniaError, NotFoundError, TooManyRequestsError, UpstreamError, ValidationError } from '../errors';
import type { JobIntake } from '../ports/job-intake.port';
import type { JobQueue } from '../ports/job-queue.port';
import type { AnalysisJob, JobStore } from '../ports/job-store.port';

export interface NewAnalysisJob {
  sheet_id: string;
  sheet_range?: string;
  prompt: string;
  start_date?: string;
  end_date?: string;
  account?: string;
  timezone?: string;
}

export interface CreateJobOptions {
  /**
   * The id to store the job under instead of a random one. A caller that derives it from what the job is for (the
   * weekly run: user and ISO week) gets `JOB.ALREADY_EXISTS` from a second create: at most one such job exists.
   */
  jobId?: string;
  /**
   * Skips the per-user cap on waiting jobs. For jobs the platform starts itself (the weekly run: one per user and
   * week, so bounded anyway), which a trader's own burst of requests must not cost them.
   */
  exemptFromQueueCap?: boolean;
}

/** Seconds a client turned away by the queue cap is told to wait: about one analysis. */
export const QUEUE_CAP_RETRY_AFTER_SECONDS = 60;

/** Job ids the API accepts in a path: UUIDs, and ids derived by callers such as the weekly run. */
const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface AnalysisJobsDeps {
  jobs: JobStore;
  queue: JobQueue;
  /**
   * Where the job store and the queue share a database (local mode): a new job and its message are written as one
   * change. Without it they are two writes, and a crash between them leaves a queued job without its message until
   * the reconciliation (`reconcileJobs`) sends it.
   */
  intake?: JobIntake;
  defaultTimezone: string;
  /**
   * Jobs one user may have `queued` or `running` at once; a create beyond it is refused (`429 ANALYSIS.TOO_MANY_QUEUED`)
   * so that one user cannot queue thousands of jobs ahead of everyone else. Unset or 0: no cap. Checked before the
   * write, so requests racing each other may pass it by a few.
   */
  maxQueuedPerUser?: number;
  now?: () => Date;
}

export class AnalysisJobService {
  private readonly now: () => Date;

  constructor(private readonly deps: AnalysisJobsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Stores the job as queued and queues it: in one transaction where an intake is given, else one after the other (a
   * queue failure then marks the job failed). Either way a failure to queue is reported as 503.
   */
  async create(owner: string, input: NewAnalysisJob, options: CreateJobOptions = {}): Promise<AnalysisJob> {
    // A caller's bug, not a trader's input: an id `get` could never read back must not be stored.
    if (options.jobId !== undefined && !JOB_ID.test(options.jobId)) {
      throw new ValidationError('ANALYSIS.INVALID_JOB_ID', 'A job id is 1–64 letters, digits or "-"', { field: 'job_id' });
    }
    const sheetId = parseSheetId(input.sheet_id);
    const sheetRange = input.sheet_range ?? DEFAULT_SHEET_RANGE;
    parseSheetRange(sheetRange);
    const requested = input.timezone ?? this.deps.defaultTimezone;
    if (!isValidTimezone(requested)) {
      throw new ValidationError('ANALYSIS.INVALID_TIMEZONE', 'timezone must be an IANA time zone such as UTC or America/New_York', { field: 'timezone' });
    }
    // Stored in its canonical spelling, whoever calls (the HTTP schema already does this; other callers may not).
    const timezone = canonicalTimezone(requested);
    const range = parseDateRange(input.start_date, input.end_date, timezone);
    const prompt = input.prompt.trim();
    const account = input.account?.trim();
    if (prompt.length === 0) throw new ValidationError('ANALYSIS.INVALID_PROMPT', 'prompt must not be empty: ask the coach a question', { field: 'prompt' });
    if (!options.exemptFromQueueCap) await this.assertBelowQueueCap(owner);

    const at = this.now().toISOString();
    const job: AnalysisJob = {
      job_id: options.jobId ?? randomUUID(),
      user_id: owner,
      status: 'queued',
      stage: 'queued',
      progress: 0,
      created_at: at,
      updated_at: at,
      request: {
        sheet_id: sheetId,
        sheet_range: sheetRange,
        prompt,
        timezone,
        ...(range.start ? { start_date: range.start } : {}),
        ...(range.end ? { end_date: range.end } : {}),
        ...(account ? { account } : {}),
      },
    };
    const message = { job_id: job.job_id, user_id: owner };
    if (this.deps.intake) {
      try {
        await this.deps.intake.submit(job, message);
      } catch (error) {
        // Nothing was written: a duplicate id says so, anything else is the store being unavailable.
        if (isPecuniaError(error)) throw error;
        throw new UpstreamError('QUEUE.UNAVAILABLE', 'The analysis queue is unavailable; try again shortly', error, 503);
      }
      return job;
    }
    await this.deps.jobs.create(job);
    try {
      await this.deps.queue.enqueue(message);
    } catch (error) {
      await this.deps.jobs.fail(job.job_id, { code: 'QUEUE.UNAVAILABLE', message: 'The job could not be queued' });
      throw new UpstreamError('QUEUE.UNAVAILABLE', 'The analysis queue is unavailable; try again shortly', error, 503);
    }
    return job;
  }

  private async assertBelowQueueCap(owner: string): Promise<void> {
    const cap = Math.trunc(this.deps.maxQueuedPerUser ?? 0);
    if (cap <= 0) return;
    if ((await this.deps.jobs.countUnfinished(owner, cap)) < cap) return;
    throw new TooManyRequestsError(
      'ANALYSIS.TOO_MANY_QUEUED',
      `You already have ${cap} analysis jobs queued or running; wait for one to finish before starting another`,
      QUEUE_CAP_RETRY_AFTER_SECONDS,
      { max_queued: cap },
    );
  }

  /**
   * Sends a job's message again when the job never reached the queue (it failed with `QUEUE.UNAVAILABLE`): the worker
   * starts a failed job afresh. Returns false, sending nothing, for any other job — a `queued` one has its message.
   */
  async requeue(owner: string, jobId: string): Promise<boolean> {
    const job = await this.get(owner, jobId);
    // Conditional: of two runs reopening it at once, one sends the message.
    if (!(await this.deps.jobs.reopen(job.job_id, 'QUEUE.UNAVAILABLE'))) return false;
    try {
      await this.deps.queue.enqueue({ job_id: job.job_id, user_id: owner });
    } catch (error) {
      await this.deps.jobs.fail(job.job_id, { code: 'QUEUE.UNAVAILABLE', message: 'The job could not be queued' });
      throw new UpstreamError('QUEUE.UNAVAILABLE', 'The analysis queue is unavailable; try again shortly', error, 503);
    }
    return true;
  }

  async get(owner: string, jobId: string): Promise<AnalysisJob> {
    const job = JOB_ID.test(jobId) ? await this.deps.jobs.get(owner, jobId) : null;
    // Another user's job answers exactly like a missing one: its existence is not revealed.
    if (!job) throw new NotFoundError('ANALYSIS.JOB_NOT_FOUND', 'No analysis job with this id');
    return job;
  }

  list(owner: string, limit = 20): Promise<AnalysisJob[]> {
    return this.deps.jobs.list(owner, Math.min(Math.max(limit, 1), 100));
  }
}

/** A job as a list shows it: its request and state, without the result. */
export function presentJobSummary(job: AnalysisJob): Record<string, unknown> {
  return {
    job_id: job.job_id,
    status: job.status,
    stage: job.stage,
    progress: job.progress,
    created_at: job.created_at,
    updated_at: job.updated_at,
    request: job.request,
    ...(job.error ? { error: job.error } : {}),
  };
}

/** The public view of a job: its summary and — once completed — the report and its inputs. */
export function presentJob(job: AnalysisJob): Record<string, unknown> {
  return { ...presentJobSummary(job), ...(job.result ?? {}) };
}
