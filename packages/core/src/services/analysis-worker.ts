// The analysis worker's unit of work: one queue message in, the job analysed once, whatever the queue redelivers.
import { isPecuniaError } from '../errors';
import type { AnalysisJobMessage, QueueMessage, QueueMessageHandler } from '../ports/job-queue.port';
import type { JobStore } from '../ports/job-store.port';
import { runAnalysisWorkflow } from './analysis-workflow/build-workflow';
import type { AnalysisWorkflowDeps } from './analysis-workflow/deps';
import { DEFAULT_MAX_RECEIVE_COUNT, parseJobMessage } from './job-messages';

export interface AnalysisWorkerDeps extends AnalysisWorkflowDeps {
  /**
   * The queue's redrive maxReceiveCount (default 3). On the last delivery a job that still fails is marked failed, so
   * the trader sees an error rather than a job running forever while its message sits in the dead letters.
   */
  maxReceiveCount?: number;
}

/**
 * The message handler every worker runs (the Lambda through its SQS mapping, the local worker directly). It returns
 * when there is nothing (more) to do for the message, and throws when the message should be delivered again.
 */
export function createAnalysisMessageHandler(deps: AnalysisWorkerDeps): QueueMessageHandler {
  const maxReceiveCount = deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const log = deps.logger;
  // Jobs this process is analysing now: a duplicate in the same batch (SQS delivers at least once) waits for the
  // first copy instead of writing a second report.
  const inFlight = new Map<string, Promise<void>>();

  const analyse = async (message: AnalysisJobMessage, delivery: QueueMessage): Promise<void> => {
    const fields = { job_id: message.job_id, message_id: delivery.messageId };
    // Once the worker gives the message back (shutdown), this delivery writes nothing more: the next one owns the job.
    const jobs = delivery.signal ? writesUntil(deps.jobs, delivery.signal) : deps.jobs;
    const job = await jobs.getById(message.job_id);
    if (!job || job.user_id !== message.user_id) {
      // Never retried: a job that is not there (or not this user's) will not appear by asking again.
      log?.warn(job ? 'message user does not own the job; message dropped' : 'job not found; message dropped', fields);
      return;
    }
    if (job.status === 'completed') {
      log?.info('job already completed; message dropped', fields);
      return;
    }
    if (!(await jobs.start(job.job_id))) {
      log?.info('job completed meanwhile; message dropped', fields);
      return;
    }
    try {
      const outcome = await runAnalysisWorkflow({ ...deps, jobs }, job);
      log?.info(outcome.status === 'completed' ? 'job completed' : 'job had been completed by another delivery', fields);
    } catch (error) {
      if (delivery.signal?.aborted) {
        // Not the job's failure: it stays running, its message visible again, and the next delivery runs it whole.
        log?.warn('job released unfinished: the worker is stopping', fields);
        throw error;
      }
      if (isPecuniaError(error) && error.status < 500) {
        // The job itself is at fault (missing sheet, bad range): another delivery would fail the same way.
        await jobs.fail(job.job_id, { code: error.code, message: error.message });
        log?.warn('job failed', { ...fields, code: error.code, error: error.message });
        return;
      }
      // A count the queue could not give (0, NaN) is taken as a first delivery: never give up early.
      const receiveCount = Number.isFinite(delivery.receiveCount) && delivery.receiveCount > 0 ? delivery.receiveCount : 1;
      log?.error('job attempt failed', {
        ...fields,
        receive_count: receiveCount,
        max_receive_count: maxReceiveCount,
        error: error instanceof Error ? error.message : String(error),
      });
      if (receiveCount >= maxReceiveCount) {
        // Only our own error messages are meant for the trader; anything else stays in the logs.
        await jobs.fail(job.job_id, {
          code: isPecuniaError(error) ? error.code : 'ANALYSIS.FAILED',
          message: isPecuniaError(error)
            ? `${error.message} (gave up after ${receiveCount} attempts)`
            : `The analysis failed ${receiveCount} times and was abandoned; try again later.`,
        });
      }
      throw error;
    }
  };

  return async (delivery: QueueMessage): Promise<void> => {
    const message = parseJobMessage(delivery);
    // Keyed by owner too: a message naming someone else's job must not stand in for the genuine one.
    const key = `${message.job_id}\u0000${message.user_id}`;
    const running = inFlight.get(key);
    if (running) {
      log?.info('duplicate delivery of a job in progress; waiting for it', { job_id: message.job_id, message_id: delivery.messageId });
      // Its outcome is the first copy's: if that one fails, its own message is delivered again.
      await running.catch(() => undefined);
      return;
    }
    const work = analyse(message, delivery);
    inFlight.set(key, work);
    try {
      await work;
    } finally {
      inFlight.delete(key);
    }
  };
}

/** The job store, refusing every call once `signal` is aborted (with its reason), so nothing is written after it. */
function writesUntil(jobs: JobStore, signal: AbortSignal): JobStore {
  return new Proxy(jobs, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        signal.throwIfAborted();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
