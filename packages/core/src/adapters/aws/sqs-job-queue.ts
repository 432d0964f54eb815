// Job queue of AWS mode: an analysis job's reference sent to SQS, where Lambda (or `worker:sqs`) picks it up.
import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UpstreamError, ValidationError } from '../../errors';
import type { AnalysisJobMessage, JobQueue } from '../../ports/job-queue.port';

export class SqsJobQueue implements JobQueue {
  readonly name = 'sqs';

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: AnalysisJobMessage): Promise<{ messageId: string }> {
    if (typeof message?.job_id !== 'string' || typeof message.user_id !== 'string') {
      throw new ValidationError('QUEUE.INVALID_MESSAGE', 'A job message needs a job_id and a user_id.');
    }
    // Picked field by field: whatever else the caller's object carries (tokens, trades) never reaches the queue.
    const body = JSON.stringify({ job_id: message.job_id, user_id: message.user_id });
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body })));
    } catch (error) {
      throw new UpstreamError('QUEUE.SEND_FAILED', 'The analysis queue did not accept the job.', error);
    }
    if (!messageId) throw new UpstreamError('QUEUE.SEND_FAILED', 'The analysis queue answered without a message id.');
    return { messageId };
  }

  /** Reads one attribute: proves the queue exists and we may use it, without sending or receiving a message. */
  async ready(): Promise<void> {
    try {
      await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }));
    } catch (error) {
      throw new UpstreamError('QUEUE.UNAVAILABLE', 'The analysis queue cannot be reached.', error, 503);
    }
  }
}
