// The whole program under Pulumi's mocks, default configuration: what `pulumi up` would ask AWS to create.
import * as path from 'node:path';
import { specialSecretSig, specialSigKey } from '@pulumi/pulumi/runtime/rpc';
import { DEFAULT_MAX_RECEIVE_COUNT } from '@pecunia/core';
import { DEFAULT_SHUTDOWN_GRACE_SECONDS } from '@pecunia/core/composition';
import { createTableInput, DEFAULT_LAMBDA_TIMEOUT_SECONDS, PROACTIVE_ACTION, RECONCILE_ACTION, TTL_ATTRIBUTE, visibilityTimeoutFor } from '@pecunia/core/aws';
import {
  ACCOUNT_ID,
  ECR_PASSWORD,
  IMAGE_DIGEST,
  installMocks,
  ofType,
  REGION,
  SECRET_VALUES,
  settle,
  single,
  SSM_KEY_ARN,
  STACK,
  value,
  type RecordedResource,
} from './testing/pulumi-mocks';
import type * as Program from './index';


interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

interface ContainerDefinition {
  name: string;
  image: string;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  healthCheck: { command: string[] };
  stopTimeout: number;
  portMappings: { containerPort: number }[];
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

let resources: RecordedResource[];
let program: typeof Program;

beforeAll(async () => {
  resources = await installMocks();
  program = await import('./index');
  await settle();
});

const byName = (type: string, name: string) => {
  const found = ofType(resources, type).find((resource) => resource.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};
const queueOf = () => byName('aws:sqs/queue:Queue', 'analysis');
const deadLetterQueueOf = () => byName('aws:sqs/queue:Queue', 'analysis-dlq');
const workerOf = () => single(resources, 'aws:lambda/function:Function');
const policyOf = (name: string): Statement[] => JSON.parse(byName('aws:iam/rolePolicy:RolePolicy', name).inputs.policy as string).Statement;
const containerOf = (): ContainerDefinition => {
  const definitions = JSON.parse(single(resources, 'aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string) as ContainerDefinition[];
  expect(definitions).toHaveLength(1);
  return definitions[0]!;
};

describe('analysis queue', () => {
  it('redrives to its dead-letter queue after core’s DEFAULT_MAX_RECEIVE_COUNT deliveries', () => {
    const redrive = JSON.parse(queueOf().inputs.redrivePolicy as string);

    expect(redrive).toEqual({ deadLetterTargetArn: expect.stringContaining('pecunia-test-analysis-dlq'), maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT });
  });

  it('has a dead-letter queue that keeps messages 14 days and accepts only this queue', () => {
    const dlq = deadLetterQueueOf();
    const allow = single(resources, 'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy');

    expect(dlq.inputs).toMatchObject({ name: 'pecunia-test-analysis-dlq', messageRetentionSeconds: 14 * 24 * 60 * 60, sqsManagedSseEnabled: true });
    expect(dlq.inputs.redrivePolicy).toBeUndefined();
    expect(JSON.parse(allow.inputs.redriveAllowPolicy as string)).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [expect.stringContaining('pecunia-test-analysis')],
    });
    expect(single(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm').inputs).toMatchObject({ dimensions: { QueueName: 'pecunia-test-analysis-dlq' } });
  });

  it('hides a message for at least six times the worker’s timeout', () => {
    const timeout = workerOf().inputs.timeout as number;

    expect(timeout).toBe(DEFAULT_LAMBDA_TIMEOUT_SECONDS);
    expect(queueOf().inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * timeout);
    expect(queueOf().inputs.visibilityTimeoutSeconds).toBe(visibilityTimeoutFor(timeout));
  });
});

describe('analysis worker', () => {
  it('runs nodejs22.x on arm64 from the packaged bundle, with the configured defaults', async () => {
    const { inputs } = workerOf();
    const bundle = await (inputs.code as { path: Promise<string> }).path;

    expect(inputs).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', memorySize: 1024, timeout: 300 });
    expect(bundle).toBe(path.resolve(__dirname, '../../dist/lambda/analysis.zip'));
  });

  it('gets where its secrets are and plain settings only', () => {
    const variables = (workerOf().inputs.environment as { variables: Record<string, string> }).variables;

    expect(Object.keys(variables).sort()).toEqual(
      ['ANALYSIS_MAX_RECEIVE_COUNT', 'ANALYSIS_QUEUE_URL', 'APP_ENV', 'DYNAMODB_TABLE_NAME', 'PARAMETERS_PATH'].sort(),
    );
    expect(variables).toMatchObject({
      PARAMETERS_PATH: `/pecunia/${STACK}/`,
      DYNAMODB_TABLE_NAME: 'pecunia-test',
      ANALYSIS_QUEUE_URL: expect.stringContaining('/pecunia-test-analysis'),
      ANALYSIS_MAX_RECEIVE_COUNT: String(DEFAULT_MAX_RECEIVE_COUNT),
      APP_ENV: 'production',
    });
  });

  it('consumes the queue in batches of ten, reporting each failed record', () => {
    const mapping = single(resources, 'aws:lambda/eventSourceMapping:EventSourceMapping');

    expect(mapping.inputs).toMatchObject({ batchSize: 10, functionResponseTypes: ['ReportBatchItemFailures'] });
    expect(mapping.inputs.eventSourceArn).toContain('pecunia-test-analysis');
    expect(mapping.inputs.eventSourceArn).not.toContain('-dlq');
  });

  it('is woken on Sundays at midnight with the proactive action, and EventBridge may invoke it', () => {
    const rule = byName('aws:cloudwatch/eventRule:EventRule', 'analysis-worker-weekly');
    const target = byName('aws:cloudwatch/eventTarget:EventTarget', 'analysis-worker-weekly');
    const permission = byName('aws:lambda/permission:Permission', 'analysis-worker-weekly');

    expect(rule.inputs.scheduleExpression).toBe('cron(0 0 ? * SUN *)');
    expect(target.inputs.input).toBe('{"action":"run_proactive_analysis"}');
    expect(JSON.parse(target.inputs.input as string)).toEqual({ action: PROACTIVE_ACTION });
    expect(permission.inputs).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com' });
    expect(permission.inputs.sourceArn).toContain('analysis-worker-weekly');
  });

  it('sweeps jobs a crash left queued every 15 minutes with the reconcile action', () => {
    const rule = byName('aws:cloudwatch/eventRule:EventRule', 'analysis-worker-reconcile');
    const target = byName('aws:cloudwatch/eventTarget:EventTarget', 'analysis-worker-reconcile');
    const permission = byName('aws:lambda/permission:Permission', 'analysis-worker-reconcile');

    expect(rule.inputs.scheduleExpression).toBe('rate(15 minutes)');
    expect(JSON.parse(target.inputs.input as string)).toEqual({ action: RECONCILE_ACTION });
    expect(permission.inputs).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com' });
  });

  it('logs to its own group, kept 30 days', () => {
    const group = byName('aws:cloudwatch/logGroup:LogGroup', 'analysis-worker');

    expect(group.inputs).toMatchObject({ name: `/pecunia/${STACK}/analysis-worker`, retentionInDays: 30 });
    expect(workerOf().inputs.loggingConfig).toMatchObject({ logGroup: `/pecunia/${STACK}/analysis-worker` });
  });
});

describe('data table', () => {
  it('has core’s keys, attributes and indexes with their projections', () => {
    const { inputs } = single(resources, 'aws:dynamodb/table:Table');
    const definition = createTableInput('pecunia-test');

    expect(inputs.name).toBe(definition.TableName);
    expect(inputs.hashKey).toBe(definition.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName);
    expect(inputs.rangeKey).toBe(definition.KeySchema?.find((key) => key.KeyType === 'RANGE')?.AttributeName);
    expect(inputs.attributes).toEqual(definition.AttributeDefinitions?.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
    expect(inputs.globalSecondaryIndexes).toEqual(
      definition.GlobalSecondaryIndexes?.map((index) => ({
        name: index.IndexName,
        keySchemas: index.KeySchema?.map((key) => ({ attributeName: key.AttributeName, keyType: key.KeyType })),
        projectionType: index.Projection?.ProjectionType,
        ...(index.Projection?.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
      })),
    );
  });

  it('is on demand, encrypted, recoverable to a point in time, protected, and expires items on expires_at', () => {
    const { inputs } = single(resources, 'aws:dynamodb/table:Table');

    expect(inputs).toMatchObject({
      billingMode: 'PAY_PER_REQUEST',
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
      ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
      deletionProtectionEnabled: true,
    });
  });
});

describe('secrets', () => {
  const parameters = () => ofType(resources, 'aws:ssm/parameter:Parameter');

  it('puts every setting under /pecunia/<stack>/ named as its environment variable, secrets as SecureStrings', () => {
    const types = Object.fromEntries(parameters().map((p) => [p.inputs.name, p.inputs.type]));

    expect(types).toEqual({
      [`/pecunia/${STACK}/GOOGLE_CLIENT_ID`]: 'String',
      [`/pecunia/${STACK}/GOOGLE_CLIENT_SECRET`]: 'SecureString',
      [`/pecunia/${STACK}/GOOGLE_REDIRECT_URI`]: 'String',
      [`/pecunia/${STACK}/TOKEN_ENCRYPTION_SECRET`]: 'SecureString',
      [`/pecunia/${STACK}/SHARE_LINK_SECRET`]: 'SecureString',
      [`/pecunia/${STACK}/GEMINI_API_KEY`]: 'SecureString',
      [`/pecunia/${STACK}/SERPAPI_API_KEY`]: 'SecureString',
    });
  });

  it('leaves no secret value in any resource but its SecureString parameter', () => {
    const holders = (secret: string) => resources.filter((r) => JSON.stringify(r.inputs).includes(secret));

    for (const secret of Object.values(SECRET_VALUES)) {
      const found = holders(secret);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ type: 'aws:ssm/parameter:Parameter', inputs: { type: 'SecureString' } });
      // Still a Pulumi secret when it reaches the provider: encrypted in the state, masked in the CLI's output.
      expect(found[0]?.inputs.value).toEqual({ [specialSigKey]: specialSecretSig, value: secret });
    }
  });

  it('keeps secrets out of the Lambda’s and the container’s environment', () => {
    const lambdaEnvironment = JSON.stringify(workerOf().inputs.environment);
    const containerEnvironment = JSON.stringify(containerOf().environment);

    for (const secret of Object.values(SECRET_VALUES)) {
      expect(lambdaEnvironment).not.toContain(secret);
      expect(containerEnvironment).not.toContain(secret);
    }
    for (const name of ['GOOGLE_CLIENT_SECRET', 'TOKEN_ENCRYPTION_SECRET', 'SHARE_LINK_SECRET', 'GEMINI_API_KEY', 'SERPAPI_API_KEY']) {
      expect(lambdaEnvironment).not.toContain(name);
      expect(containerEnvironment).not.toContain(name);
    }
  });
});

describe('API service', () => {
  it('injects every parameter through the container’s secrets, by parameter ARN', () => {
    const { secrets } = containerOf();

    expect(secrets).toEqual(
      ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REDIRECT_URI', 'TOKEN_ENCRYPTION_SECRET', 'SHARE_LINK_SECRET', 'GEMINI_API_KEY', 'SERPAPI_API_KEY'].map((name) => ({
        name,
        valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/pecunia/${STACK}/${name}`,
      })),
    );
  });

  it('builds apps/api/Dockerfile from the repository root for linux/arm64 and pushes it to the stack’s repository', () => {
    const image = single(resources, 'docker-build:index:Image');
    const root = path.resolve(__dirname, '../..');
    const registries = image.inputs.registries as { [specialSigKey]: string; value: unknown };

    expect(image.inputs).toMatchObject({
      context: { location: root },
      dockerfile: { location: path.join(root, 'apps/api/Dockerfile') },
      platforms: ['linux/arm64'],
      push: true,
      tags: [`${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/api:latest`],
    });
    // The ECR token reaches the build as a Pulumi secret (which makes the whole registry list secret), and nothing
    // else holds it.
    expect(registries).toEqual({
      [specialSigKey]: specialSecretSig,
      value: [{ address: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`, username: 'AWS', password: ECR_PASSWORD }],
    });
    expect(resources.filter((r) => JSON.stringify(r.inputs).includes(ECR_PASSWORD)).map((r) => r.type)).toEqual(['docker-build:index:Image']);
  });

  it('runs the built image by digest, with the API’s plain settings, the worker off', () => {
    const container = containerOf();
    const environment = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));

    expect(container.image).toBe(`${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/api:latest@${IMAGE_DIGEST}`);
    expect(environment).toMatchObject({
      WORKER_ENABLED: 'false',
      DYNAMODB_TABLE_NAME: 'pecunia-test',
      ANALYSIS_QUEUE_URL: expect.stringContaining('/pecunia-test-analysis'),
      AWS_REGION: REGION,
      PORT: '8000',
      APP_ENV: 'production',
      PUBLIC_BASE_URL: `http://api-123.${REGION}.elb.amazonaws.com`,
      TRUST_PROXY: '1',
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '305',
    });
    expect(container.portMappings).toEqual([{ containerPort: 8000, protocol: 'tcp' }]);
    expect(container.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/pecunia/${STACK}/api`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'api' },
    });
  });

  it('checks health on /api/health in the container and at the load balancer', () => {
    const command = containerOf().healthCheck.command;
    const targetGroup = single(resources, 'aws:lb/targetGroup:TargetGroup');

    expect(command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(command[3]).toContain('http://127.0.0.1:8000/api/health');
    expect(targetGroup.inputs).toMatchObject({ port: 8000, protocol: 'HTTP', targetType: 'ip', vpcId: 'vpc-default', healthCheck: { path: '/api/health', matcher: '200' } });
  });

  it('gives the API its shutdown grace period before ECS kills it, with time left to close the database', () => {
    expect(containerOf().stopTimeout).toBeGreaterThanOrEqual(DEFAULT_SHUTDOWN_GRACE_SECONDS + 5);
  });

  it('runs on Fargate in the default VPC, reachable on 8000 from the load balancer only', () => {
    const service = single(resources, 'aws:ecs/service:Service');
    const ingress = ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    const taskIngress = ingress.find((rule) => rule.name === 'api-task-from-alb');

    expect(service.inputs).toMatchObject({
      launchType: 'FARGATE',
      networkConfiguration: { subnets: ['subnet-aaa', 'subnet-bbb'], assignPublicIp: true },
      loadBalancers: [{ containerName: 'api', containerPort: 8000 }],
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    expect(ingress.find((rule) => rule.name === 'api-alb-http')?.inputs).toMatchObject({ fromPort: 80, toPort: 80, cidrIpv4: '0.0.0.0/0' });
    expect(taskIngress?.inputs).toMatchObject({ fromPort: 8000, toPort: 8000 });
    expect(taskIngress?.inputs.cidrIpv4).toBeUndefined();
    expect(single(resources, 'aws:lb/listener:Listener').inputs).toMatchObject({ port: 80, protocol: 'HTTP', defaultActions: [{ type: 'forward' }] });
    // No certificate configured: nothing listens on 443.
    expect(ingress.map((rule) => rule.inputs.fromPort)).not.toContain(443);
  });
});

describe('IAM', () => {
  // The only wildcards AWS leaves no way around; each is commented where the statement is built.
  const allowedWildcard = (statement: Statement, resource: string) =>
    // ecr:GetAuthorizationToken has no resource type.
    (resource === '*' && statement.Action.length === 1 && statement.Action[0] === 'ecr:GetAuthorizationToken') ||
    // A log group's streams are named by Lambda and ECS at run time.
    (/^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:[^*]+:\*$/.test(resource) &&
      statement.Action.every((action) => action === 'logs:CreateLogStream' || action === 'logs:PutLogEvents'));

  const allStatements = () =>
    ofType(resources, 'aws:iam/rolePolicy:RolePolicy').flatMap((policy) =>
      (JSON.parse(policy.inputs.policy as string).Statement as Statement[]).map((statement) => ({ policy: policy.name, statement })),
    );

  it('has no wildcard in any action, nor in any resource but the allow-list', () => {
    const statements = allStatements();

    expect(statements.length).toBeGreaterThan(0);
    for (const { policy, statement } of statements) {
      expect({ policy, sid: statement.Sid, wildcardActions: statement.Action.filter((a) => a.includes('*')) }).toEqual({ policy, sid: statement.Sid, wildcardActions: [] });
      const refused = statement.Resource.filter((r) => r.includes('*') && !allowedWildcard(statement, r));
      expect({ policy, sid: statement.Sid, refused }).toEqual({ policy, sid: statement.Sid, refused: [] });
    }
  });

  it('attaches no managed policy (AWS’s basic execution policies grant logs on "*")', () => {
    expect(ofType(resources, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')).toEqual([]);
    expect(ofType(resources, 'aws:iam/policyAttachment:PolicyAttachment')).toEqual([]);
    for (const role of ofType(resources, 'aws:iam/role:Role')) expect(role.inputs.managedPolicyArns).toBeUndefined();
  });

  it('lets the worker use its queue, its table and indexes, its parameters and its log group only', () => {
    const statements = Object.fromEntries(policyOf('analysis-worker').map((s) => [s.Sid, s]));
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/pecunia-test`;

    expect(Object.keys(statements).sort()).toEqual(['AnalysisQueue', 'OwnLogGroup', 'StackParameters', 'StackParametersKey', 'TableIndexes', 'TableItems']);
    expect(statements.AnalysisQueue).toMatchObject({
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:SendMessage'],
      Resource: [expect.stringMatching(/pecunia-test-analysis$/)],
    });
    expect(statements.TableItems?.Resource).toEqual([table]);
    expect(statements.TableItems?.Action).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable']),
    );
    expect(statements.TableIndexes).toMatchObject({ Action: ['dynamodb:Query'], Resource: [`${table}/index/gsi1`, `${table}/index/gsi2`] });
    expect(statements.StackParameters?.Action.sort()).toEqual(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath']);
    const parameter = `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/pecunia/${STACK}`;
    expect(statements.StackParameters?.Resource).toEqual([
      parameter,
      `${parameter}/`,
      ...['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REDIRECT_URI', 'TOKEN_ENCRYPTION_SECRET', 'SHARE_LINK_SECRET', 'GEMINI_API_KEY', 'SERPAPI_API_KEY'].map((name) => `${parameter}/${name}`),
    ]);
    expect(statements.StackParametersKey).toMatchObject({
      Action: ['kms:Decrypt'],
      Resource: [SSM_KEY_ARN],
      Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } },
    });
    expect(statements.OwnLogGroup?.Resource).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/pecunia/${STACK}/analysis-worker:*`]);
  });

  it('lets the API task send to the queue and use the table, and its execution role pull, log and read parameters', () => {
    const task = Object.fromEntries(policyOf('api-task').map((s) => [s.Sid, s]));
    const execution = Object.fromEntries(policyOf('api-execution').map((s) => [s.Sid, s]));

    expect(Object.keys(task).sort()).toEqual(['AnalysisQueue', 'TableIndexes', 'TableItems']);
    expect(task.AnalysisQueue?.Action).toEqual(['sqs:SendMessage', 'sqs:GetQueueAttributes']);
    expect(Object.keys(execution).sort()).toEqual(['ApiImage', 'InjectedParameters', 'OwnLogGroup', 'RegistryLogin']);
    expect(execution.InjectedParameters).toMatchObject({ Action: ['ssm:GetParameters'] });
    expect(execution.InjectedParameters?.Resource).toHaveLength(7);
    expect(execution.OwnLogGroup?.Resource).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/pecunia/${STACK}/api:*`]);
  });
});

describe('outputs', () => {
  it('exports the API URL, the queue URL, the table name and the image repository', async () => {
    await expect(value(program.apiUrl)).resolves.toMatch(/^http:\/\/api-123\.eu-west-1\.elb\.amazonaws\.com$/);
    await expect(value(program.queueUrl)).resolves.toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/pecunia-test-analysis`);
    await expect(value(program.tableName)).resolves.toBe('pecunia-test');
    await expect(value(program.apiImageRepository)).resolves.toBe(`${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/api`);
  });
});
