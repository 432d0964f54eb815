// `npm run start:aws-local`: the AWS topology on loopback for a person to try — moto (SQS, DynamoDB), the bootstrap,
// the API in AWS mode and the SQS worker — stopped cleanly, all of it, by Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isSkipped, startMoto } from '@pecunia/core/testing';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const moto = await startMoto({ ci: false });
  if (isSkipped(moto)) throw new Error(`moto_server is needed (pip install 'moto[server]'): ${moto.skipped}`);
  const env = {
    ...process.env,
    AWS_REGION: moto.region,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    DYNAMODB_TABLE_NAME: process.env.DYNAMODB_TABLE_NAME ?? 'pecunia',
    ANALYSIS_QUEUE_URL: `${moto.endpoint}/123456789012/pecunia-analysis`,
    DATA_DIR: process.env.DATA_DIR ?? path.join(ROOT, '.data-aws-local'),
    // The SQS worker below runs the analyses, as Lambda would in AWS.
    WORKER_ENABLED: 'false',
    // AWS mode requires one; a try-out's share links may die with it.
    SHARE_LINK_SECRET: process.env.SHARE_LINK_SECRET ?? randomBytes(32).toString('base64url'),
  };
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // npm runs the real process as its child: signal each whole process group, or the API and worker outlive us.
    for (const child of children) if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))));
    await moto.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const bootstrap = spawnSync('npm', ['run', '-s', 'aws:bootstrap'], { cwd: ROOT, env, stdio: 'inherit' });
  if (bootstrap.status !== 0) return stop(1);
  // The table is new and shared: its first key is made here, as an operator would.
  const created = spawnSync('npm', ['run', '-s', 'api-key', '--', 'create', '--user', 'local'], { cwd: ROOT, env, encoding: 'utf8' });
  if (created.status !== 0) {
    process.stderr.write(created.stderr);
    return stop(1);
  }
  const key = created.stdout.trim().split('\n').at(-1);
  for (const script of [['start'], ['run', '-s', 'worker:sqs']]) {
    const child = spawn('npm', script, { cwd: ROOT, env, stdio: 'inherit', detached: true });
    child.once('exit', (code) => void stop(code ?? 1));
    children.push(child);
  }
  process.stdout.write(
    `\nAWS mode on loopback: moto at ${moto.endpoint}, queue ${env.ANALYSIS_QUEUE_URL}, table ${env.DYNAMODB_TABLE_NAME}.\n` +
      `API key of user "local": ${key}\nCtrl-C stops everything.\n\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
