// Polls an analysis job until it completes, reporting each change of status, stage or progress on the way.
import { PecuniaClientError, PecuniaJobFailedError } from './errors';
import type { Sleep } from './retry';
import type { CompletedJob, Job, JobProgress } from './types';

export interface WaitForJobOptions {
  /** Called with the first state seen and after every change of status, stage or progress. */
  onProgress?: (progress: JobProgress) => void;
  /** Aborting rejects the wait with code `CLIENT.ABORTED` (the job itself keeps running). */
  signal?: AbortSignal;
  /** Pause between polls, at least 100 ms. Default 1000 ms. */
  intervalMs?: number;
  /** Give up after this long with code `CLIENT.TIMEOUT`. Default 10 minutes; `Infinity` waits until done or aborted. */
  timeoutMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const MIN_POLL_INTERVAL_MS = 100;
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60 * 1000;
// setTimeout fires at once for delays beyond 2^31 - 1 ms (about 24.8 days): longer waits get no backstop timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

const isCompleted = (job: Job): job is CompletedJob =>
  job.status === 'completed' && job.report !== undefined && job.report_markdown !== undefined && job.metrics !== undefined;

export async function waitForJob(
  getJob: (jobId: string, signal: AbortSignal) => Promise<Job>,
  jobId: string,
  options: WaitForJobOptions,
  deps: { sleep: Sleep; now?: () => number },
): Promise<CompletedJob> {
  const now = deps.now ?? Date.now;
  const interval = Math.max(options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS);
  const timeout = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (Number.isNaN(timeout) || timeout < 0) {
    throw new PecuniaClientError('CLIENT.INVALID_OPTIONS', `timeoutMs must be a number of milliseconds ≥ 0, or Infinity; got ${timeout}`);
  }
  const deadline = now() + timeout;
  const timedOut = () => new PecuniaClientError('CLIENT.TIMEOUT', `Analysis job ${jobId} did not finish within ${timeout} ms`);
  const aborted = () => new PecuniaClientError('CLIENT.ABORTED', `Stopped waiting for analysis job ${jobId}`, { cause: options.signal?.reason });

  // One signal for the caller's abort and for a poll that hangs past the deadline.
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  const backstop = timeout <= MAX_TIMER_MS ? setTimeout(() => controller.abort(timedOut()), timeout) : undefined;
  let last = '';
  try {
    for (;;) {
      if (options.signal?.aborted) throw aborted();
      let job: Job;
      try {
        job = await getJob(jobId, controller.signal);
      } catch (error) {
        if (options.signal?.aborted) throw aborted();
        if (controller.signal.aborted) throw timedOut();
        throw error;
      }
      const state = `${job.status}|${job.stage}|${job.progress}`;
      if (state !== last) {
        last = state;
        options.onProgress?.({ status: job.status, stage: job.stage, progress: job.progress, job });
      }
      if (job.status === 'failed') throw new PecuniaJobFailedError(job);
      if (job.status === 'completed') {
        if (isCompleted(job)) return job;
        throw new PecuniaClientError('CLIENT.UNEXPECTED_RESPONSE', `Analysis job ${jobId} completed without its report`);
      }
      const remaining = deadline - now();
      if (remaining <= 0) throw timedOut();
      try {
        await deps.sleep(Math.min(interval, remaining), controller.signal);
      } catch (error) {
        if (options.signal?.aborted) throw aborted();
        if (controller.signal.aborted) throw timedOut();
        throw error;
      }
    }
  } finally {
    clearTimeout(backstop);
    options.signal?.removeEventListener('abort', forward);
  }
}
