// The program with every optional setting overridden and the optional secret left out.
import { visibilityTimeoutFor } from '@pecunia/core/aws';
import { ACCOUNT_ID, BASE_CONFIG, CERTIFICATE_ARN, installMocks, ofType, REGION, settle, single, value, type RecordedResource } from './testing/pulumi-mocks';
import type * as Program from './index';

let resources: RecordedResource[];
let program: typeof Program;

beforeAll(async () => {
  const { serpapiApiKey: _left, ...config } = BASE_CONFIG;
  resources = await installMocks({
    ...config,
    weeklySchedule: 'cron(30 6 ? * MON *)',
    workerMemoryMb: '2048',
    workerTimeoutSeconds: '120',
    apiImageTag: 'v1.4.2',
    // A certificate without a domain name: HTTPS on the load balancer's own name.
    certificateArn: CERTIFICATE_ARN,
  });
  program = await import('./index');
  await settle();
});

it('schedules the weekly run as configured, with the same constant input', () => {
  const weekly = (type: string) => ofType(resources, type).find((resource) => resource.name === 'analysis-worker-weekly');
  expect(weekly('aws:cloudwatch/eventRule:EventRule')?.inputs.scheduleExpression).toBe('cron(30 6 ? * MON *)');
  expect(weekly('aws:cloudwatch/eventTarget:EventTarget')?.inputs.input).toBe('{"action":"run_proactive_analysis"}');
});

it('sizes the worker from config and keeps the queue’s visibility timeout at six times its timeout', () => {
  const worker = single(resources, 'aws:lambda/function:Function');
  const queue = ofType(resources, 'aws:sqs/queue:Queue').find((q) => q.name === 'analysis');

  expect(worker.inputs).toMatchObject({ memorySize: 2048, timeout: 120 });
  expect(queue?.inputs.visibilityTimeoutSeconds).toBe(visibilityTimeoutFor(120));
  expect(queue?.inputs.visibilityTimeoutSeconds).toBe(720);
});

it('deploys the configured, already pushed image tag and builds nothing', () => {
  const [container] = JSON.parse(single(resources, 'aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string) as { image: string }[];

  expect(container?.image).toBe(`${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/api:v1.4.2`);
  expect(ofType(resources, 'docker-build:index:Image')).toEqual([]);
});

it('serves HTTPS on the load balancer’s own name when only a certificate is set', async () => {
  await expect(value(program.apiUrl)).resolves.toBe(`https://api-123.${REGION}.elb.amazonaws.com`);
});

it('creates no parameter and injects no secret for an unset optional key', () => {
  const names = ofType(resources, 'aws:ssm/parameter:Parameter').map((p) => p.inputs.name);
  const taskDefinition = single(resources, 'aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string;

  expect(names).toHaveLength(6);
  expect(names).not.toContain('/pecunia/test/SERPAPI_API_KEY');
  expect(taskDefinition).not.toContain('SERPAPI_API_KEY');
});
