import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAwsFamily, loadConfig } from '@pecunia/core/composition';
import { describeWithMoto } from '@pecunia/core/testing';
import { runInvokeCommand } from './invoke';

describeWithMoto('npm run -s lambda:invoke', (moto) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const { endpoint, region, credentials } = moto();
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-invoke-'));
    env = {
      AWS_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      DYNAMODB_TABLE_NAME: 'pecunia-invoke',
      ANALYSIS_QUEUE_URL: `${endpoint}/123456789012/pecunia-invoke`,
      DATA_DIR: dir,
      APP_LOG_LEVEL: 'silent',
    };
    const aws = await openAwsFamily(loadConfig(env, 'cli').env);
    await aws.bootstrap();
    aws.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const event = (name: string, body: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(body));
    return file;
  };

  it('runs the handler once on the schedule event, as EventBridge sends it, and prints its result', async () => {
    const lines: string[] = [];

    const code = await runInvokeCommand([event('weekly.json', { action: 'run_proactive_analysis' })], env, (line) => lines.push(line));

    expect(code).toBe(0);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ action: 'run_proactive_analysis', result: { queued: 0, already_queued: 0, failed: [] } });
  });

  it('runs it on an SQS batch and prints the partial batch response', async () => {
    const lines: string[] = [];
    const batch = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: 'not a job',
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pecunia-invoke',
          awsRegion: 'us-east-1',
        },
      ],
    };

    expect(await runInvokeCommand([event('batch.json', batch)], env, (line) => lines.push(line))).toBe(0);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('explains its usage, and refuses a file that is not JSON', async () => {
    const lines: string[] = [];
    expect(await runInvokeCommand([], env, (line) => lines.push(line))).toBe(2);
    writeFileSync(path.join(dir, 'broken.json'), '{');
    expect(await runInvokeCommand([path.join(dir, 'broken.json')], env, (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toMatch(/usage: npm run -s lambda:invoke/);
  });
});
