// The built API: one file (and its analysis thread's) and a package.json naming only its externals, and a server that
// starts from them, is healthy and runs an analysis on its thread.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { API_EXTERNALS, API_THREAD_FILE, buildApi, SWAGGER_UI_FILES, type BuiltApi } from './build-api';

const ROOT = path.resolve(__dirname, '../..');

/** Resolves with the port once the API logs that it listens; rejects if it exits or stays silent first. */
function listeningPort(child: ChildProcess, timeoutMs: number, seen: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "pecunia api listening" within ${timeoutMs} ms:\n${seen.join('\n')}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}) before listening:\n${seen.join('\n')}`));
    });
    child.stderr?.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      seen.push(line);
      // Other lines are for a person (the first start's API key); the log lines are JSON.
      if (!line.startsWith('{')) return;
      const record = JSON.parse(line) as { msg?: string; port?: number };
      if (record.msg === 'pecunia api listening' && typeof record.port === 'number') {
        clearTimeout(timer);
        resolve(record.port);
      }
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // The API closes its stores on SIGTERM; one that hangs is killed rather than left behind the test run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

describe('buildApi', () => {
  const temps: string[] = [];
  let built: BuiltApi;

  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };

  beforeAll(async () => {
    built = await buildApi({ outDir: path.join(await tempDir('pecunia-api-build-'), 'dist/api') });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('writes a package.json that lists only the externals, at the versions core depends on', async () => {
    // Arrange
    const core = JSON.parse(await readFile(path.join(ROOT, 'packages/core/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // Act
    const manifest = JSON.parse(await readFile(built.packageJsonPath, 'utf8')) as { dependencies: Record<string, string>; main: string };
    // Assert
    expect(manifest.main).toBe('main.js');
    expect(manifest.dependencies).toEqual({ 'better-sqlite3': core.dependencies['better-sqlite3'] });
    expect(Object.keys(manifest.dependencies)).toEqual(API_EXTERNALS);
  });

  it.each([
    ['main.js', () => built.mainPath],
    [API_THREAD_FILE, () => built.threadPath],
  ])('%s requires nothing at run time but Node built-ins, the externals and guarded optionals', async (_name, file) => {
    // Arrange
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    // Act
    const code = await readFile(file(), 'utf8');
    const required = [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]!))].filter((name) => !builtins.has(name)).sort();
    // Assert: each optional one sits in a try/catch of its package (the CRT signer, ws' native speed-ups).
    expect(required).toEqual(['@aws-sdk/signature-v4-crt', 'better-sqlite3', 'bufferutil', 'utf-8-validate']);
  });

  it('writes the analysis thread beside main.js, where the bundled API starts it', () => {
    expect(path.dirname(built.threadPath)).toBe(path.dirname(built.mainPath));
    expect(path.basename(built.threadPath)).toBe('analysis-thread.js');
  });

  it('copies the Swagger UI files the docs page loads, with their licence, beside main.js', async () => {
    // Act
    const copied = await readdir(built.swaggerUiDir);
    // Assert
    expect(path.dirname(built.swaggerUiDir)).toBe(path.dirname(built.mainPath));
    expect(copied.sort()).toEqual([...SWAGGER_UI_FILES].sort());
  });

  it('starts from dist/api/main.js in local mode, answers /api/health with 200, serves the docs page with its files and runs an analysis on its thread', async () => {
    // Arrange: the repository's node_modules stand in for the image's `npm install` of the externals.
    const dataDir = await tempDir('pecunia-api-data-');
    const child = spawn(process.execPath, [built.mainPath], {
      cwd: path.dirname(built.mainPath),
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(ROOT, 'node_modules'), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, APP_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    try {
      const port = await listeningPort(child, 20_000, output);
      const api = `http://127.0.0.1:${port}/api`;
      const headers = { Authorization: `Bearer ${(await readFile(path.join(dataDir, 'local-api-key'), 'utf8')).trim()}`, 'Content-Type': 'application/json' };
      // Act
      const response = await fetch(`${api}/health`);
      const docs = await fetch(`${api}/docs`);
      const linked = [...(await docs.text()).matchAll(/\s(?:src|href)="(docs\/[^"]+)"/g)].map((match) => match[1]!);
      const files = await Promise.all(linked.map(async (url) => [url, (await fetch(`${api}/${url}`)).status]));
      const trade = await fetch(`${api}/trades/submit?sheet_id=built`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' }),
      });
      const queued = (await (await fetch(`${api}/analysis/jobs`, { method: 'POST', headers, body: JSON.stringify({ sheet_id: 'built', prompt: 'How did I do?' }) })).json()) as { job_id: string };
      let job: { status: string; trade_count?: number };
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = (await (await fetch(`${api}/analysis/jobs/${queued.job_id}`, { headers })).json()) as typeof job;
      } while (job.status === 'queued' || job.status === 'running');
      // Assert
      expect(response.status).toBe(200);
      expect(docs.status).toBe(200);
      expect(linked).toContain('docs/assets/swagger-ui-bundle.js');
      expect(files).toEqual(linked.map((url) => [url, 200]));
      expect(trade.status).toBe(201);
      expect(job).toMatchObject({ status: 'completed', trade_count: 1 });
      // Analysed by the thread the bundle started from analysis-thread.js, not on the API's own thread.
      expect(output.join('\n')).toMatch(/"component":"analysis-worker"[^\n]*"msg":"analysis thread started"/);
    } finally {
      await stop(child);
    }
  }, 60_000);
});
