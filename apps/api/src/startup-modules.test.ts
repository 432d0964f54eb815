// What `npm start` loads: a local start must not pull in any cloud SDK, nor the workflow engine when no worker runs.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'apps/api/src/main.ts');
const TRACE = path.join(__dirname, 'testing/module-trace.mjs');

const CLOUD_SDKS = /[\\/]node_modules[\\/](@aws-sdk|@smithy|googleapis|@googleapis|google-auth-library|@google[\\/]genai|@aws-lambda-powertools)[\\/]/;
const WORKFLOW_ENGINE = /[\\/]node_modules[\\/]@langchain[\\/]/;

/** Starts the API exactly as `npm start` does (tsx on main.ts), waits until it listens, and lists what it loaded. */
async function modulesLoadedByStart(env: Record<string, string>): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-start-'));
  const child: ChildProcess = fork(MAIN, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', TRACE],
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', APP_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /"port":(\d+)[^\n]*pecunia api listening/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the API exited with ${code}:\n${output}`));
      });
    });
    // A request through the key check and the adapters, so that lazily loaded code had its chance to load.
    expect((await fetch(`${url}/api/health/ready`)).status).toBe(200);
    return await new Promise<string[]>((resolve) => {
      child.once('message', (message) => resolve((message as { modules: string[] }).modules));
      child.send('loaded-modules');
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

jest.setTimeout(90_000);

describe('a local npm start', () => {
  it('loads no AWS, Google or Gemini SDK; its worker loads the workflow engine', async () => {
    const modules = await modulesLoadedByStart({});

    expect(modules.filter((m) => CLOUD_SDKS.test(m))).toEqual([]);
    // The trace sees what the worker loads lazily: proof that an empty list above means something.
    expect(modules.some((m) => WORKFLOW_ENGINE.test(m))).toBe(true);
    expect(modules.some((m) => /better-sqlite3/.test(m))).toBe(true);
  });

  it('loads no @langchain module either when the worker is disabled', async () => {
    const modules = await modulesLoadedByStart({ WORKER_ENABLED: 'false' });

    expect(modules.filter((m) => CLOUD_SDKS.test(m) || WORKFLOW_ENGINE.test(m))).toEqual([]);
  });
});
