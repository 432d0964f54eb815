import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AnalysisJobMessage } from '../../ports/job-queue.port';
import { describeWithMoto } from '../../testing/aws/moto';
import { createSqsClient } from './sqs-client';
import { SqsJobQueue } from './sqs-job-queue';

describeWithMoto('SqsJobQueue (moto)', (moto) => {
  let sqs: SQSClient;
  const newQueue = async (): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `jobs-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  const receiveAll = (queueUrl: string) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );

  beforeAll(() => {
    sqs = createSqsClient(moto());
  });
  afterAll(() => sqs?.destroy());

  it('sends the job reference and nothing else, and answers with the message id', async () => {
    const queueUrl = await newQueue();
    const queue = new SqsJobQueue(sqs, queueUrl);
    // What a careless caller might pass along: none of it may reach the queue.
    const message = { job_id: 'job-1', user_id: 'alice', refresh_token: 'secret', trades: [{ pnl: 1 }] } as AnalysisJobMessage;

    const { messageId } = await queue.enqueue(message);

    const { Messages: received = [] } = await receiveAll(queueUrl);
    expect(received).toHaveLength(1);
    expect(received[0]!.MessageId).toBe(messageId);
    expect(received[0]!.Body).toBe('{"job_id":"job-1","user_id":"alice"}');
    expect(received[0]!.MessageAttributes).toBeUndefined();
  });

  it('is ready when the queue exists, without touching its messages', async () => {
    const queueUrl = await newQueue();
    const queue = new SqsJobQueue(sqs, queueUrl);
    await queue.enqueue({ job_id: 'job-1', user_id: 'alice' });

    await expect(queue.ready()).resolves.toBeUndefined();

    const { Messages: received = [] } = await receiveAll(queueUrl);
    expect(received.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1']);
    expect(queue.name).toBe('sqs');
  });

  it('reports a missing queue as unavailable, and a send to it as failed', async () => {
    const queueUrl = `${moto().endpoint}/123456789012/no-such-queue-${randomUUID().slice(0, 8)}`;
    const queue = new SqsJobQueue(sqs, queueUrl);

    await expect(queue.ready()).rejects.toMatchObject({ name: 'UpstreamError', code: 'QUEUE.UNAVAILABLE', status: 503 });
    await expect(queue.enqueue({ job_id: 'job-1', user_id: 'alice' })).rejects.toMatchObject({ code: 'QUEUE.SEND_FAILED' });
  });

  it('refuses a message without a job id or user id before calling SQS', async () => {
    const queueUrl = await newQueue();
    const queue = new SqsJobQueue(sqs, queueUrl);

    await expect(queue.enqueue({ job_id: 'job-1' } as AnalysisJobMessage)).rejects.toMatchObject({ code: 'QUEUE.INVALID_MESSAGE' });

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  });
});
