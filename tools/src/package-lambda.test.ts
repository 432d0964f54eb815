// The Lambda zip: under its budget, `index.js` alone at its root, and a handler that answers in a bare `node` process.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';
import { lambdaTrialEnv } from './lambda-trial-env';
import { LAMBDA_ZIP_BUDGET_BYTES, packageLambda, zipEntryTime, type PackagedLambda } from './package-lambda';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** Loads the bundle as Lambda's runtime does and prints the handler's answer, or what it rejected with, as JSON. */
const INVOKE_SCRIPT = `
const { handler } = require('./index.js');
const context = { functionName: 'analysis', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60000 };
handler(JSON.parse(process.argv[2]), context).then(
  (result) => process.stdout.write(JSON.stringify(result) + '\\n'),
  (error) => process.stdout.write(JSON.stringify({ rejected: error.message }) + '\\n'),
);
`;

/** The zip's entries as its central directory records them (their contents unread). */
async function entriesOf(zipPath: string): Promise<yauzl.Entry[]> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  try {
    const entries: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) entries.push(entry);
    return entries;
  } finally {
    zip.close();
  }
}

async function unzipInto(zipPath: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  try {
    for await (const entry of zip.eachEntry()) {
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(path.join(dir, entry.fileName)));
    }
  } finally {
    zip.close();
  }
}

/** Runs the invoke script in `dir` with exactly `env` (nothing inherited) and returns its last line, parsed. */
async function invoke(dir: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['invoke.cjs', JSON.stringify(event)], { cwd: dir, env, timeout: 20_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
}

/** Every folder from `dir` up to the file system's root: a bare `require` would search each one's node_modules. */
function ancestorsOf(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestorsOf(parent)];
}

describe('packageLambda', () => {
  const temps: string[] = [];
  let packaged: PackagedLambda;
  let unzipped: string;

  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };

  beforeAll(async () => {
    packaged = await packageLambda({ outDir: await tempDir('pecunia-lambda-out-') });
    unzipped = await tempDir('pecunia-lambda-run-');
    await unzipInto(packaged.zipPath, unzipped);
    await writeFile(path.join(unzipped, 'invoke.cjs'), INVOKE_SCRIPT);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('stays under the size budget, with index.js alone at the zip root and its map beside the zip', async () => {
    // Arrange: the build above.
    // Act
    const names = (await entriesOf(packaged.zipPath)).map((entry) => entry.fileName);
    // Assert
    expect(packaged.bytes).toBeLessThan(LAMBDA_ZIP_BUDGET_BYTES);
    expect(names).toEqual(['index.js']);
    expect(path.dirname(packaged.mapPath)).toBe(path.dirname(packaged.zipPath));
    expect(existsSync(packaged.mapPath)).toBe(true);
  });

  it('bundles no dev dependency and requires nothing at run time but Node built-ins, better-sqlite3 and guarded optionals', async () => {
    // Arrange
    const devDependencies = Object.keys((JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    // Act
    const code = await readFile(path.join(unzipped, 'index.js'), 'utf8');
    const required = [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]!))].filter((name) => !builtins.has(name)).sort();
    // Assert
    expect(packaged.packages.filter((name) => devDependencies.includes(name))).toEqual([]);
    expect(packaged.packages).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs']));
    // Each optional one is inside a try/catch of its package: the CRT signer (SigV4a only) and ws' native speed-ups.
    expect(required).toEqual(['@aws-sdk/signature-v4-crt', 'better-sqlite3', 'bufferutil', 'utf-8-validate']);
  });

  it('answers an SQS event in a bare node process, with no node_modules on the path', async () => {
    // Arrange: a record the worker core refuses without calling AWS (not a job message), beside an empty batch.
    const withModules = ancestorsOf(unzipped).filter((dir) => existsSync(path.join(dir, 'node_modules')));
    const record = {
      messageId: 'm-1',
      receiptHandle: 'r-1',
      body: 'not a job',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
      awsRegion: 'us-east-1',
    };
    // Act
    const empty = await invoke(unzipped, { Records: [] }, lambdaTrialEnv());
    const poison = await invoke(unzipped, { Records: [record] }, lambdaTrialEnv());
    // Assert
    expect(withModules).toEqual([]);
    expect(empty).toEqual({ batchItemFailures: [] });
    expect(poison).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  }, 60_000);

  it('loads with a malformed configuration and rejects each invocation with the config message', async () => {
    // Arrange: no table, no Google client, a short secret.
    const { DYNAMODB_TABLE_NAME: _table, GOOGLE_CLIENT_ID: _id, ...rest } = lambdaTrialEnv();
    const env = { ...rest, TOKEN_ENCRYPTION_SECRET: 'short' };
    // Act
    const answer = (await invoke(unzipped, { Records: [] }, env)) as { rejected?: string };
    // Assert
    expect(answer.rejected).toMatch(/^Invalid configuration/);
    expect(answer.rejected).toContain('TOKEN_ENCRYPTION_SECRET');
    expect(answer.rejected).toContain('DYNAMODB_TABLE_NAME');
    expect(answer.rejected).toContain('GOOGLE_CLIENT_ID');
  }, 30_000);

  it('records nothing of when or by whom it was built: a fixed time, a fixed mode, no extra fields', async () => {
    // Arrange: the build above.
    // Act
    const [entry] = await entriesOf(packaged.zipPath);
    // Assert
    expect(entry!.getLastModDate({ timezone: 'local' })).toEqual(zipEntryTime());
    expect(entry!.extraFields).toEqual([]);
    expect((entry!.externalFileAttributes >>> 16) & 0o777).toBe(0o644);
  });
});
