// The analysis Lambda: fed by the queue (partial batch failures), woken weekly by EventBridge, secrets from SSM.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PROACTIVE_ACTION, RECONCILE_ACTION } from '@pecunia/core/aws';
import {
  assumeRolePolicy,
  logWriteStatement,
  parameterReadStatement,
  policyDocument,
  queueConsumerStatement,
  ssmKeyDecryptStatement,
  tableStatements,
  type ParameterAccess,
  type TableAccess,
} from './iam-statements';


/** How often stale queued jobs are swept (the sweep re-sends a job queued and untouched for 15 minutes). */
export const RECONCILE_SCHEDULE = 'rate(15 minutes)';
export const WORKER_RUNTIME = 'nodejs22.x';
export const WORKER_ARCHITECTURE = 'arm64';
/** Lambda's batch size for a standard queue without a batching window: ten records, each reported on its own. */
export const WORKER_BATCH_SIZE = 10;

export interface AnalysisWorkerOptions {
  /** The bundle `npm run -s package:lambda` writes (`index.mjs` or `index.js` exporting `handler` at its root). */
  code: pulumi.asset.Archive;
  memoryMb: number;
  timeoutSeconds: number;
  /** EventBridge schedule expression of the weekly proactive run. */
  schedule: string;
  queue: { arn: pulumi.Input<string>; url: pulumi.Input<string>; maxReceiveCount: number };
  table: TableAccess & { name: pulumi.Input<string> };
  parameters: ParameterAccess & { path: string; keyArn: pulumi.Input<string> };
  region: pulumi.Input<string>;
  logGroupName: string;
  logRetentionDays?: number;
  appEnv?: string;
}

export class AnalysisWorker extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly eventSourceMapping: aws.lambda.EventSourceMapping;
  readonly scheduleRule: aws.cloudwatch.EventRule;

  constructor(name: string, options: AnalysisWorkerOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:AnalysisWorker', name, {}, opts);
    const child = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(name, { name: options.logGroupName, retentionInDays: options.logRetentionDays ?? 30 }, child);
    this.role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com') }, child);
    const policy = new aws.iam.RolePolicy(
      name,
      {
        role: this.role.id,
        policy: policyDocument([
          queueConsumerStatement(options.queue.arn),
          ...tableStatements(options.table),
          parameterReadStatement(options.parameters),
          ssmKeyDecryptStatement(options.parameters.keyArn, options.region),
          logWriteStatement(this.logGroup.arn),
        ]),
      },
      child,
    );

    this.function = new aws.lambda.Function(
      name,
      {
        runtime: WORKER_RUNTIME,
        architectures: [WORKER_ARCHITECTURE],
        handler: 'index.handler',
        code: options.code,
        memorySize: options.memoryMb,
        timeout: options.timeoutSeconds,
        role: this.role.arn,
        loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
        environment: {
          // Only where the secrets are, never the secrets: the handler reads the path at cold start.
          variables: {
            PARAMETERS_PATH: options.parameters.path,
            DYNAMODB_TABLE_NAME: options.table.name,
            ANALYSIS_QUEUE_URL: options.queue.url,
            // The worker marks a job failed on its last delivery, so it must know the redrive policy's count.
            ANALYSIS_MAX_RECEIVE_COUNT: String(options.queue.maxReceiveCount),
            APP_ENV: options.appEnv ?? 'production',
          },
        },
      },
      // The role's policy first: otherwise the first invocations may run before the function can log or read.
      { parent: this, dependsOn: [policy] },
    );

    // Creating the mapping checks that the role may receive from the queue, hence the explicit wait on the policy.
    this.eventSourceMapping = new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: options.queue.arn,
        functionName: this.function.arn,
        batchSize: WORKER_BATCH_SIZE,
        functionResponseTypes: ['ReportBatchItemFailures'],
      },
      { parent: this, dependsOn: [policy] },
    );

    this.scheduleRule = new aws.cloudwatch.EventRule(
      `${name}-weekly`,
      { description: 'Weekly proactive analyses: one job per enabled schedule.', scheduleExpression: options.schedule },
      child,
    );
    new aws.lambda.Permission(
      `${name}-weekly`,
      { action: 'lambda:InvokeFunction', function: this.function.name, principal: 'events.amazonaws.com', sourceArn: this.scheduleRule.arn },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-weekly`,
      { rule: this.scheduleRule.name, arn: this.function.arn, input: JSON.stringify({ action: PROACTIVE_ACTION }) },
      child,
    );

    // DynamoDB and SQS share no transaction: a job whose message was never sent (a crash between the two writes) is
    // found and re-sent, or failed once too old, by this sweep.
    const reconcile = new aws.cloudwatch.EventRule(
      `${name}-reconcile`,
      { description: 'Re-sends the message of jobs left queued by a crash; fails jobs stuck for a day.', scheduleExpression: RECONCILE_SCHEDULE },
      child,
    );
    new aws.lambda.Permission(
      `${name}-reconcile`,
      { action: 'lambda:InvokeFunction', function: this.function.name, principal: 'events.amazonaws.com', sourceArn: reconcile.arn },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-reconcile`,
      { rule: reconcile.name, arn: this.function.arn, input: JSON.stringify({ action: RECONCILE_ACTION }) },
      child,
    );

    this.registerOutputs({ functionName: this.function.name });
  }
}
