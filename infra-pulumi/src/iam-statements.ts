// IAM statements each role is built from, one function per grant, so every role reads as a short list of what it may touch.
import * as pulumi from '@pulumi/pulumi';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: pulumi.Input<pulumi.Input<string>[]>;
  Condition?: pulumi.Input<Record<string, Record<string, pulumi.Input<string>>>>;
}

export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements });
}

/** Who may assume a role: one AWS service. */
export function assumeRolePolicy(service: 'lambda.amazonaws.com' | 'ecs-tasks.amazonaws.com'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

export interface TableAccess {
  arn: pulumi.Input<string>;
  /** The table's GSIs by name: each gets its own ARN, so no `index/*` is needed. */
  indexNames: readonly string[];
}

/**
 * Item-level access to the one table. TransactWriteItems needs no action of its own: DynamoDB authorises each item in
 * the transaction against PutItem, UpdateItem, DeleteItem or ConditionCheckItem. DescribeTable is the readiness check.
 */
export function tableStatements(table: TableAccess): PolicyStatement[] {
  const indexArns = table.indexNames.map((index) => pulumi.interpolate`${table.arn}/index/${index}`);
  return [
    {
      Sid: 'TableItems',
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DescribeTable',
      ],
      Resource: [table.arn],
    },
    // The indexes are only ever queried (an owner's jobs and keys, the enabled schedules).
    { Sid: 'TableIndexes', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: indexArns },
  ];
}

/** The consumer's side of the queue, as Lambda's event source mapping polls it, plus sending (the weekly run enqueues). */
export function queueConsumerStatement(queueArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: 'AnalysisQueue',
    Effect: 'Allow',
    Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:SendMessage'],
    Resource: [queueArn],
  };
}

/** The producer's side: enqueue, and read the queue's attributes for the readiness check. */
export function queueProducerStatement(queueArn: pulumi.Input<string>): PolicyStatement {
  return { Sid: 'AnalysisQueue', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'], Resource: [queueArn] };
}

export interface ParameterAccess {
  /** GetParametersByPath is authorised against the path in the request, not the parameters it returns. */
  pathArns: pulumi.Input<string>[];
  parameterArns: pulumi.Input<string>[];
}

/** Reading the stack's parameters: by path (the Lambda at cold start) and one by one. */
export function parameterReadStatement(parameters: ParameterAccess): PolicyStatement {
  return {
    Sid: 'StackParameters',
    Effect: 'Allow',
    Action: ['ssm:GetParametersByPath', 'ssm:GetParameters', 'ssm:GetParameter'],
    Resource: [...parameters.pathArns, ...parameters.parameterArns],
  };
}

/**
 * Decrypting the SecureStrings. They use the AWS-managed `aws/ssm` key, whose own key policy already lets any
 * principal of the account use it through SSM; this grant names that one key anyway, so the role states its whole
 * read path and still works where identity policies are required (and it cannot decrypt anything outside SSM).
 */
export function ssmKeyDecryptStatement(keyArn: pulumi.Input<string>, region: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: 'StackParametersKey',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [keyArn],
    Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`ssm.${region}.amazonaws.com` } },
  };
}

/**
 * Writing to one log group. `:*` (the group's streams) is the narrowest AWS allows: Lambda and ECS name each stream at
 * run time (date and instance, task id), so no stream ARN can be written down in advance.
 */
export function logWriteStatement(logGroupArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: 'OwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: [pulumi.interpolate`${logGroupArn}:*`],
  };
}

/** Pulling the API image from its one repository. */
export function imagePullStatements(repositoryArn: pulumi.Input<string>): PolicyStatement[] {
  return [
    // GetAuthorizationToken has no resource type: AWS accepts only "*" for it. The token alone pulls nothing; the
    // statement below limits which repository it may pull from.
    { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
    {
      Sid: 'ApiImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: [repositoryArn],
    },
  ];
}
