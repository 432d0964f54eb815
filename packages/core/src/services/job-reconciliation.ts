// Puts right what a crash left between the job store and the queue: a queued job with no message, a running job whose
// message is gone. Run at the local worker's start, and by the Lambda (or an operator) on a schedule in AWS mode.
import type { JobQueue } from '../ports/job-queue.port';
import type { JobError, JobStore } from '../ports/job-store.port';
import type { Logger } from '../ports/logger.port';

export interface ReconcileDeps {
  jobs: JobStore;
  queue: JobQueue;
  logger?: Logger;
  now?: () => Date;
}

export interface ReconcileOptions {
  /**
   * Only jobs not updated for this long are looked at (default 0: every unfinished job). Where the queue cannot be
   * listed (SQS), a queued job's message may simply be waiting: give it well over the queue's usual wait (AWS: 15 min).
   */
  olderThanMs?: number;
  /**
   * Where the queue cannot be listed, a job still queued this long after its creation is failed rather than sent yet
   * again (default 24 h): a job that no delivery ever starts is not re-sent forever.
   */
  maxAgeMs?: number;
  /** Jobs looked at per run (default 500); the next run takes the rest. */
  limit?: number;
}

export interface ReconcileResult {
  /** Jobs whose message was sent (again). */
  requeued: string[];
  /** Jobs marked failed, with the reason in their error. */
  failed: string[];
}

export const DEFAULT_RECONCILE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A running job whose message is gone: no delivery will ever finish or fail it. */
export const INTERRUPTED_JOB_ERROR: JobError = {
  code: 'ANALYSIS.INTERRUPTED',
  message: 'The analysis was interrupted when the server stopped and could not be resumed; start a new job.',
};

const STALE: JobError = {
  code: 'ANALYSIS.ABANDONED',
  message: 'The analysis never started after being queued for a day and was abandoned; start a new job.',
};

/**
 * Where the queue lists its messages (local mode), it knows exactly which jobs lost theirs: a queued one is queued
 * again, a running one is failed (`ANALYSIS.INTERRUPTED`). Where it cannot (SQS), a queued job not updated for
 * `olderThanMs` has its message sent again — harmless if the first is still there: the worker is idempotent on the
 * job id — and a running job is left to SQS, whose redrive ends in the dead-letter handler.
 */
export async function reconcileJobs(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const olderThanMs = options.olderThanMs ?? 0;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_RECONCILE_MAX_AGE_MS;
  const unfinished = await deps.jobs.listUnfinished(new Date(now - olderThanMs).toISOString(), options.limit ?? 500);
  const pending = deps.queue.pendingJobIds ? await deps.queue.pendingJobIds() : undefined;
  const result: ReconcileResult = { requeued: [], failed: [] };

  for (const job of unfinished) {
    if (pending?.has(job.job_id)) continue;
    const fields = { job_id: job.job_id, status: job.status, updated_at: job.updated_at };
    if (job.status === 'queued') {
      if (!pending && now - Date.parse(job.created_at) >= maxAgeMs) {
        await deps.jobs.fail(job.job_id, STALE);
        result.failed.push(job.job_id);
        deps.logger?.warn('queued job never started; failed', fields);
        continue;
      }
      await deps.queue.enqueue({ job_id: job.job_id, user_id: job.user_id });
      result.requeued.push(job.job_id);
      deps.logger?.warn('queued job had no queue message; queued again', fields);
    } else if (pending) {
      await deps.jobs.fail(job.job_id, INTERRUPTED_JOB_ERROR);
      result.failed.push(job.job_id);
      deps.logger?.warn('running job had no queue message; failed', fields);
    }
  }
  return result;
}
