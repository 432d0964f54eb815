// The analysis queue and its dead-letter queue, from core's one queue definition (the same one aws:bootstrap uses).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { queueDefinition, redrivePolicy } from '@pecunia/core/aws';

export interface AnalysisQueueOptions {
  /** The SQS queue name; the dead-letter queue's name is derived from it. */
  queueName: string;
  /** The consuming Lambda's timeout: the visibility timeout is six times it. */
  lambdaTimeoutSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue; core's DEFAULT_MAX_RECEIVE_COUNT when unset. */
  maxReceiveCount?: number;
}

export class AnalysisQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** What the worker must be told too (ANALYSIS_MAX_RECEIVE_COUNT), so it knows a job's last attempt. */
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;

  constructor(name: string, options: AnalysisQueueOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:AnalysisQueue', name, {}, opts);
    const definition = queueDefinition({
      queueName: options.queueName,
      lambdaTimeoutSeconds: options.lambdaTimeoutSeconds,
      ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
    });
    this.maxReceiveCount = definition.maxReceiveCount;
    this.visibilityTimeoutSeconds = definition.visibilityTimeoutSeconds;

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        name: definition.deadLetterName,
        messageRetentionSeconds: definition.deadLetterRetentionSeconds,
        visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
        receiveWaitTimeSeconds: definition.receiveWaitSeconds,
        sqsManagedSseEnabled: true,
      },
      { parent: this },
    );
    this.queue = new aws.sqs.Queue(
      name,
      {
        name: definition.name,
        messageRetentionSeconds: definition.retentionSeconds,
        visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
        receiveWaitTimeSeconds: definition.receiveWaitSeconds,
        sqsManagedSseEnabled: true,
        redrivePolicy: this.deadLetterQueue.arn.apply((arn) => JSON.stringify(redrivePolicy(arn, definition.maxReceiveCount))),
      },
      { parent: this },
    );
    // Only this queue may dead-letter into the DLQ: a stray message from elsewhere would be mistaken for a failed job.
    new aws.sqs.RedriveAllowPolicy(
      `${name}-dlq-allow`,
      {
        queueUrl: this.deadLetterQueue.url,
        redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queue.arn] }),
      },
      { parent: this },
    );
    // A dead letter is a job that failed every attempt: someone should hear of the first one, not find a pile later.
    new aws.cloudwatch.MetricAlarm(
      `${name}-dlq-not-empty`,
      {
        alarmDescription: `Analysis jobs reached ${definition.deadLetterName}: inspect them, then redrive or delete.`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
      { parent: this },
    );

    this.registerOutputs({ queueUrl: this.queue.url, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
