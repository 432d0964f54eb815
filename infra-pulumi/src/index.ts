// The Pecunia stack: wires the components together from the stack's configuration and exports what a user needs.
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_TABLE_NAME } from '@pecunia/core/aws';
import { AnalysisQueue } from './analysis-queue';
import { AnalysisWorker } from './analysis-worker';
import { ApiService } from './api-service';
import { awsScope } from './aws-scope';
import { DataTable } from './data-table';
import { Secrets } from './secrets';
import { readStackConfig } from './stack-config';

const config = readStackConfig();
const scope = awsScope();
// One stack per environment in one account: every name carries the stack.
const prefix = `pecunia-${config.stack}`;

const table = new DataTable('data', { tableName: `${DEFAULT_TABLE_NAME}-${config.stack}` });
const queue = new AnalysisQueue('analysis', { queueName: `${prefix}-analysis`, lambdaTimeoutSeconds: config.workerTimeoutSeconds });
const secrets = new Secrets('parameters', { path: config.parametersPath, parameters: config.parameters, scope });

const tableAccess = { name: table.name, arn: table.arn, indexNames: table.indexNames };
const queueAccess = { arn: queue.queue.arn, url: queue.queue.url, maxReceiveCount: queue.maxReceiveCount };

new AnalysisWorker('analysis-worker', {
  code: new pulumi.asset.FileArchive(path.resolve(__dirname, '../../dist/lambda/analysis.zip')),
  memoryMb: config.workerMemoryMb,
  timeoutSeconds: config.workerTimeoutSeconds,
  schedule: config.weeklySchedule,
  queue: queueAccess,
  table: tableAccess,
  parameters: { path: secrets.path, pathArns: secrets.pathArns, parameterArns: secrets.parameters.map((p) => p.arn), keyArn: secrets.keyArn },
  region: scope.region,
  logGroupName: `/pecunia/${config.stack}/analysis-worker`,
});

// The repository root: the Dockerfile copies the workspace's packages, as the Lambda bundle path above assumes.
const repositoryRoot = path.resolve(__dirname, '../..');
const api = new ApiService('api', {
  image: {
    build: { context: repositoryRoot, dockerfile: path.join(repositoryRoot, 'apps/api/Dockerfile') },
    ...(config.apiImageTag === undefined ? {} : { tag: config.apiImageTag }),
  },
  ...(config.certificateArn === undefined ? {} : { certificateArn: config.certificateArn }),
  ...(config.domainName === undefined ? {} : { domainName: config.domainName }),
  table: tableAccess,
  queue: queueAccess,
  secrets: secrets.parameters.map((p) => ({ name: p.name, valueFrom: p.arn })),
  region: scope.region,
  logGroupName: `/pecunia/${config.stack}/api`,
});

export const apiUrl = api.url;
export const queueUrl = queue.queue.url;
export const tableName = table.name;
// Where `pulumi up` pushes the API image it builds, and where CI pushes a tag for `pecunia:apiImageTag` (README).
export const apiImageRepository = api.repository.repositoryUrl;
