// The analysis worker's unit of work: one queue record in, the job analysed once, whatever the queue redelivers.
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { runAnalysisWorkflow } from '../analysis/workflow/build-workflow';
import type { AnalysisWorkflowDeps, WorkflowLogger } from '../analysis/workflow/deps';
import { isPecuniaError, PecuniaError } from '../errors';
import type { AnalysisJobMessage } from '../ports/job-queue.port';
import type { JobStore } from '../ports/job-store.port';

/**
 * A message no delivery can ever process (not JSON, no job id). Thrown rather than swallowed so that the queue's
 * redrive policy moves it to the dead letters, where a person can see it.
 */
export class PoisonMessageError extends PecuniaError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('QUEUE.POISON_MESSAGE', message, { status: 400, details });
    this.name = 'PoisonMessageError';
  }
}

export interface AnalysisWorkerDeps extends AnalysisWorkflowDeps {
  /**
   * The queue's redrive maxReceiveCount (default 3). On the last delivery a job that still fails is marked failed, so
   * the trader sees an error rather than a job running forever while its message sits in the dead letters.
   */
  maxReceiveCount?: number;
}

export const DEFAULT_MAX_RECEIVE_COUNT = 3;

const messageSchema = z.object({
  job_id: z.string().trim().min(1).max(128),
  user_id: z.string().trim().min(1).max(256),
});

export function parseJobMessage(record: Pick<SQSRecord, 'body' | 'messageId'>): AnalysisJobMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError('The queue message is not JSON.', { message_id: record.messageId });
  }
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
    throw new PoisonMessageError(`The queue message lacks a valid ${[...new Set(fields)].join(', ')}.`, {
      message_id: record.messageId,
      fields,
    });
  }
  return parsed.data;
}

const receiveCountOf = (record: SQSRecord): number => {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isFinite(count) && count > 0 ? count : 1;
};

/**
 * The record handler both the Lambda and the local worker run. It returns when there is nothing (more) to do for the
 * message, and throws when the message should be delivered again.
 */
export function createAnalysisRecordHandler(deps: AnalysisWorkerDeps): (record: SQSRecord) => Promise<void> {
  const maxReceiveCount = deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const log = deps.logger;
  // Jobs this process is analysing now: a duplicate in the same batch (SQS delivers at least once) waits for the
  // first copy instead of writing a second report.
  const inFlight = new Map<string, Promise<void>>();

  const analyse = async (message: AnalysisJobMessage, record: SQSRecord): Promise<void> => {
    const fields = { job_id: message.job_id, message_id: record.messageId };
    const job = await deps.jobs.getById(message.job_id);
    if (!job || job.user_id !== message.user_id) {
      // Never retried: a job that is not there (or not this user's) will not appear by asking again.
      log?.warn(job ? 'message user does not own the job; message dropped' : 'job not found; message dropped', fields);
      return;
    }
    if (job.status === 'completed') {
      log?.info('job already completed; message dropped', fields);
      return;
    }
    if (!(await deps.jobs.start(job.job_id))) {
      log?.info('job completed meanwhile; message dropped', fields);
      return;
    }
    try {
      const outcome = await runAnalysisWorkflow(deps, job);
      log?.info(outcome.status === 'completed' ? 'job completed' : 'job had been completed by another delivery', fields);
    } catch (error) {
      if (isPecuniaError(error) && error.status < 500) {
        // The job itself is at fault (missing sheet, bad range): another delivery would fail the same way.
        await deps.jobs.fail(job.job_id, { code: error.code, message: error.message });
        log?.warn('job failed', { ...fields, code: error.code, error: error.message });
        return;
      }
      const receiveCount = receiveCountOf(record);
      log?.error('job attempt failed', {
        ...fields,
        receive_count: receiveCount,
        max_receive_count: maxReceiveCount,
        error: error instanceof Error ? error.message : String(error),
      });
      if (receiveCount >= maxReceiveCount) {
        // Only our own error messages are meant for the trader; anything else stays in the logs.
        await deps.jobs.fail(job.job_id, {
          code: isPecuniaError(error) ? error.code : 'ANALYSIS.FAILED',
          message: isPecuniaError(error)
            ? `${error.message} (gave up after ${receiveCount} attempts)`
            : `The analysis failed ${receiveCount} times and was abandoned; try again later.`,
        });
      }
      throw error;
    }
  };

  return async (record: SQSRecord): Promise<void> => {
    const message = parseJobMessage(record);
    // Keyed by owner too: a message naming someone else's job must not stand in for the genuine one.
    const key = `${message.job_id}\u0000${message.user_id}`;
    const running = inFlight.get(key);
    if (running) {
      log?.info('duplicate delivery of a job in progress; waiting for it', { job_id: message.job_id, message_id: record.messageId });
      // Its outcome is the first copy's: if that one fails, its own message is delivered again.
      await running.catch(() => undefined);
      return;
    }
    const work = analyse(message, record);
    inFlight.set(key, work);
    try {
      await work;
    } finally {
      inFlight.delete(key);
    }
  };
}

/**
 * What to do with a message the queue gave up on: the job it names is marked failed, so its owner sees an answer
 * instead of a job left `running` forever (a worker that crashed on every delivery never got to fail it itself).
 */
export function failJobOfDeadLetter(jobs: JobStore, logger?: WorkflowLogger) {
  return async (message: { messageId: string; body: string; receiveCount: number }): Promise<void> => {
    let parsed: AnalysisJobMessage;
    try {
      parsed = parseJobMessage({ body: message.body, messageId: message.messageId });
    } catch {
      logger?.warn('dead letter is not a job message', { message_id: message.messageId });
      return;
    }
    const job = await jobs.getById(parsed.job_id);
    if (!job || job.user_id !== parsed.user_id || job.status === 'completed' || job.status === 'failed') return;
    await jobs.fail(job.job_id, {
      code: 'ANALYSIS.ABANDONED',
      message: `The analysis stopped without finishing ${message.receiveCount} times and was abandoned; start a new job.`,
    });
    logger?.error('job abandoned after repeated failed deliveries', { job_id: job.job_id, receive_count: message.receiveCount });
  };
}
