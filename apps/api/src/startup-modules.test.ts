// What `npm start` loads: a local start must not pull in any cloud SDK, nor the workflow engine on the API's thread
// unless the worker runs there.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'apps/api/src/main.ts');
const TRACE = path.join(__dirname, 'testing/module-trace.mjs');

const CLOUD_SDKS = /[\\/]node_modules[\\/](@aws-sdk|@smithy|googleapis|@googleapis|google-auth-library|gaxios|@google[\\/]genai|@aws-lambda-powertools)[\\/]/;
// Our own cloud families: their barrels and adapters stay unloaded too, whatever their SDKs' install state.
const CLOUD_FAMILIES = /packages[\\/]core[\\/]src[\\/]((aws|google|serpapi)\.ts|adapters[\\/](aws|google|serpapi)[\\/])/;
const WORKFLOW_ENGINE = /[\\/]node_modules[\\/]@langchain[\\/]|packages[\\/]core[\\/]src[\\/]worker\.ts/;
const cloudModules = (modules: readonly string[]) => modules.filter((m) => CLOUD_SDKS.test(m) || CLOUD_FAMILIES.test(m));

/** Starts the API exactly as `npm start` does (tsx on main.ts), uses it, and lists every module it loaded. */
async function modulesLoadedByStart(env: Record<string, string>): Promise<string[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-start-'));
  try {
    const child: ChildProcess = fork(MAIN, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--import', TRACE],
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', APP_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await listeningUrl(child, exited);
      await useTheApi(url, readFileSync(path.join(dataDir, 'local-api-key'), 'utf8').trim(), env.WORKER_ENABLED !== 'false');
      return await new Promise<string[]>((resolve) => {
        child.once('message', (message) => resolve((message as { modules: string[] }).modules));
        child.send('loaded-modules');
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Resolves with the API's address once it logs that it listens; rejects at once, with its output, if it exits. */
function listeningUrl(child: ChildProcess, exited: Promise<void>): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start within 60 s:\n${output}`)), 60_000);
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
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the API exited with ${child.exitCode ?? child.signalCode}:\n${output}`));
    });
  });
}

/** Through the key check and every adapter: a trade captured, a job queued and (with the worker) analysed. */
async function useTheApi(url: string, key: string, worker: boolean): Promise<void> {
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const submitted = await fetch(`${url}/api/trades/submit?sheet_id=startup`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' }),
  });
  expect(submitted.status).toBe(201);
  const queued = await fetch(`${url}/api/analysis/jobs`, { method: 'POST', headers, body: JSON.stringify({ sheet_id: 'startup', prompt: 'How did I do?' }) });
  expect(queued.status).toBe(202);
  const { job_id: jobId } = (await queued.json()) as { job_id: string };
  // With a worker the job completes (the workflow ran in this process); without one it stays queued.
  for (let i = 0; i < 200; i++) {
    const job = (await (await fetch(`${url}/api/analysis/jobs/${jobId}`, { headers })).json()) as { status: string };
    if (!worker || (job.status !== 'queued' && job.status !== 'running')) {
      expect(job.status).toBe(worker ? 'completed' : 'queued');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} did not complete`);
}

jest.setTimeout(90_000);

describe('a local npm start', () => {
  it('loads no AWS, Google or Gemini SDK; its worker on the API thread (ANALYSIS_WORKER=inline) loads the workflow engine', async () => {
    const modules = await modulesLoadedByStart({ ANALYSIS_WORKER: 'inline' });

    expect(cloudModules(modules)).toEqual([]);
    // The trace sees what the worker loads lazily (by import()): proof that an empty list above means something.
    expect(modules.some((m) => WORKFLOW_ENGINE.test(m))).toBe(true);
    expect(modules.some((m) => /better-sqlite3/.test(m))).toBe(true);
  });

  it('loads no @langchain module on the API thread when the worker runs on its own thread (the default)', async () => {
    // The job completes all the same (useTheApi waits for it): the workflow engine was loaded by the worker's thread.
    const modules = await modulesLoadedByStart({});

    expect(cloudModules(modules)).toEqual([]);
    expect(modules.filter((m) => WORKFLOW_ENGINE.test(m))).toEqual([]);
    expect(modules.some((m) => /better-sqlite3/.test(m))).toBe(true);
  });
});
