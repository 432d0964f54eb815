// The analysis queue's messages: what one carries, how a worker reads it, and what becomes of one given up on.
import { z } from 'zod';
import { PecuniaError } from '../errors';
import { DEFAULT_MAX_RECEIVE_COUNT, type AnalysisJobMessage, type QueueMessage, type QueueMessageHandler } from '../ports/job-queue.port';
import type { JobError, JobStore } from '../ports/job-store.port';
import type { Logger } from '../ports/logger.port';

export { DEFAULT_MAX_RECEIVE_COUNT };

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

const messageSchema = z.object({
  job_id: z.string().trim().min(1).max(128),
  user_id: z.string().trim().min(1).max(256),
});

export function parseJobMessage(delivery: Pick<QueueMessage, 'body' | 'messageId'>): AnalysisJobMessage {
  let body: unknown;
  try {
    body = JSON.parse(delivery.body);
  } catch {
    throw new PoisonMessageError('The queue message is not JSON.', { message_id: delivery.messageId });
  }
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
    throw new PoisonMessageError(`The queue message lacks a valid ${[...new Set(fields)].join(', ')}.`, {
      message_id: delivery.messageId,
      fields,
    });
  }
  return parsed.data;
}

/** The error a job gets when its message is given up on after `receiveCount` deliveries. */
export function abandonedJobError(receiveCount: number): JobError {
  return {
    code: 'ANALYSIS.ABANDONED',
    message: `The analysis stopped without finishing ${receiveCount} times and was abandoned; start a new job.`,
  };
}

/**
 * What to do with a message the queue gave up on: the job it names is marked failed, so its owner sees an answer
 * instead of a job left `running` forever (a worker that crashed on every delivery never got to fail it itself).
 */
export function failJobOfDeadLetter(jobs: JobStore, logger?: Logger): QueueMessageHandler {
  return async (message: QueueMessage): Promise<void> => {
    let parsed: AnalysisJobMessage;
    try {
      parsed = parseJobMessage(message);
    } catch {
      logger?.warn('dead letter is not a job message', { message_id: message.messageId });
      return;
    }
    const job = await jobs.getById(parsed.job_id);
    if (!job || job.user_id !== parsed.user_id || job.status === 'completed' || job.status === 'failed') return;
    await jobs.fail(job.job_id, abandonedJobError(message.receiveCount));
    logger?.error('job abandoned after repeated failed deliveries', { job_id: job.job_id, receive_count: message.receiveCount });
  };
}
