// Graceful shutdown of a real server: requests in flight finish (or are cut without leaving anything half-written),
// the worker finishes or gives back its job, and the database closes last.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SHEET_COLUMNS, tradeToRow, type StoredTrade } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';
import { pngBytes, toBase64 } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from './testing/test-server';

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await condition()) return;
    await tick();
  }
  throw new Error(`never happened: ${what}`);
}

/** A POST whose body is sent in two parts, the second only when the test says so (or never). */
function slowPost(api: TestServer, pathAndQuery: string, body: string, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const request = http.request(`${api.url}${pathAndQuery}`, {
    method: 'POST',
    agent: false,
    headers: { Authorization: `Bearer ${api.key}`, 'Content-Type': 'application/json', 'Content-Length': String(bytes.length), ...headers },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', reject);
    });
  });
  request.write(bytes.subarray(0, half));
  return { response, finish: () => request.end(bytes.subarray(half)) };
}

const tradeBody = (ticker: string) =>
  JSON.stringify({
    ticker,
    position_type: 'long',
    pnl: 185,
    entry_timestamp: '2026-03-02T09:41:00Z',
    exit_timestamp: '2026-03-02T10:15:00Z',
    // A chart makes the capture store a blob before the row: what a cut request must not leave behind.
    attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }],
  });

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

/** Reads the database file after the server closed it, the way the next start would. */
function inDatabase<T>(dataDir: string, read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

jest.setTimeout(60_000);

describe('shutdown of a running server', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-shutdown-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets an upload in flight finish, refuses new connections meanwhile, and closes the database after it', async () => {
    const api = await startTestServer({ DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: '60' });
    const upload = slowPost(api, '/api/trades?sheet_id=drain', tradeBody('AAPL'), { 'Idempotency-Key': 'k-drain' });
    await eventually(() => api.inFlightRequests() === 1, 'the upload is in flight');

    let closed = false;
    const closing = api.close().then((outcome) => {
      closed = true;
      return outcome;
    });
    await expect(fetch(`${api.url}/api/health`)).rejects.toThrow();
    expect(closed).toBe(false);
    upload.finish();

    const answer = await upload.response;
    expect(answer.status).toBe(201);
    expect(await closing).toEqual({ inFlight: 1, cut: 0, releasedJobs: 0, clean: true });
    // Stopping twice (a second signal, a test's afterAll) is the same stop.
    expect(await api.close()).toEqual(await closing);
    const tradeId = (JSON.parse(answer.body) as { trade: { trade_id: string } }).trade.trade_id;
    const rows = inDatabase(dataDir, (db) => db.prepare<[], string>("SELECT cells FROM journal_rows WHERE sheet_id = 'drain'").pluck().all());
    expect(rows.some((cells) => cells.includes(tradeId))).toBe(true);
    expect(filesUnder(path.join(dataDir, 'media'))).not.toHaveLength(0);
    expect(api.logs.join('')).not.toMatch(/not open|"level":50/);
  });

  it('cuts a request that outlasts SHUTDOWN_GRACE_SECONDS, leaving no blob, no row and no claim behind', async () => {
    const api = await startTestServer({ DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: '1' });
    const upload = slowPost(api, '/api/trades?sheet_id=cut', tradeBody('TSLA'), { 'Idempotency-Key': 'k-cut' });
    await eventually(() => api.inFlightRequests() === 1, 'the upload is in flight');

    const outcome = await api.close();

    expect(outcome).toEqual({ inFlight: 1, cut: 1, releasedJobs: 0, clean: false });
    await expect(upload.response).rejects.toThrow();
    expect(filesUnder(path.join(dataDir, 'media'))).toEqual([]);
    inDatabase(dataDir, (db) => {
      expect(db.prepare("SELECT count(*) FROM journal_rows WHERE sheet_id = 'cut'").pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM media').pluck().get()).toBe(0);
    });
    // Its key is free again: the same request, sent whole to the next server, is written once.
    const next = await startTestServer({ DATA_DIR: dataDir });
    try {
      const retried = await next.request('/api/trades?sheet_id=cut', { body: tradeBody('TSLA'), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-cut' } });
      expect(retried.status).toBe(201);
    } finally {
      await next.close();
    }
  });

  it('gives back a job still running when the grace period ends; the next start completes it exactly once', async () => {
    const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
    const trades: StoredTrade[] = Array.from({ length: 20 }, (_, i) => ({
      ticker: ['AAPL', 'TSLA', 'MSFT'][i % 3]!,
      position_type: i % 2 ? 'long' : 'short',
      pnl: ((i * 37) % 900) - 400,
      entry_timestamp: new Date(Date.UTC(2026, 0, 5) + i * 3_600_000).toISOString(),
      exit_timestamp: new Date(Date.UTC(2026, 0, 5) + i * 3_600_000 + 600_000).toISOString(),
      notes: `trade ${i}`,
      trade_id: `t-${i}`,
      user_id: 'local',
      file_links: '',
    }));
    await new SqliteJournal(db).append('local', { sheetId: 'big', tab: 'Journal' }, { header: SHEET_COLUMNS, rows: trades.map(tradeToRow) });
    db.close();
    const first = await startTestServer({ DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: '0' });
    // The real coach, held at its door until the shutdown is over: a report that takes longer than the grace period.
    const { coach } = first.composition;
    const write = coach.write.bind(coach);
    let writing!: () => void;
    const inCoach = new Promise<void>((resolve) => (writing = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    jest.spyOn(coach, 'write').mockImplementationOnce(async (input) => {
      writing();
      await held;
      return write(input);
    });
    const queued = await first.request('/api/analysis/jobs', { json: { sheet_id: 'big', prompt: 'How did I do?', start_date: '2026-01-01', end_date: '2026-12-31' } });
    expect(queued.status).toBe(202);
    const { job_id: jobId } = (await queued.json()) as { job_id: string };
    await inCoach;

    const outcome = await first.close();
    letGo();

    expect(outcome).toEqual({ inFlight: 0, cut: 0, releasedJobs: 1, clean: false });
    // Still running, its message waiting: not failed (the reconciliation would fail a running job without one).
    expect(
      inDatabase(dataDir, (d) => ({
        status: d.prepare<[string], string>('SELECT status FROM jobs WHERE job_id = ?').pluck().get(jobId),
        messages: d.prepare('SELECT count(*) FROM queue_messages WHERE dead_lettered_at IS NULL').pluck().get(),
      })),
    ).toEqual({ status: 'running', messages: 1 });

    const second = await startTestServer({ DATA_DIR: dataDir });
    try {
      await eventually(async () => (await second.composition.jobs.getById(jobId))?.status === 'completed', 'the job completes');
      const completions = [...first.logs, ...second.logs].filter((line) => line.includes('"job completed"') && line.includes(jobId));
      expect(completions).toHaveLength(1);
      expect(await (await second.request(`/api/analysis/jobs/${jobId}`)).json()).toMatchObject({ status: 'completed', report: expect.any(Object) });
      expect(inDatabase(dataDir, (d) => d.prepare('SELECT count(*) FROM queue_messages').pluck().get())).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe('npm start on SIGTERM', () => {
  const ROOT = path.resolve(__dirname, '../../..');
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-sigterm-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes the request in flight, then exits 0', async () => {
    const child = fork(path.join(ROOT, 'apps/api/src/main.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', APP_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const seen: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const wait of [...seen]) {
        const match = wait.pattern.exec(output);
        if (match) {
          seen.splice(seen.indexOf(wait), 1);
          wait.resolve(match);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const logged = (pattern: RegExp) =>
      Promise.race([
        new Promise<RegExpExecArray>((resolve) => {
          seen.push({ pattern, resolve });
          onData(Buffer.alloc(0));
        }),
        exited.then((code) => Promise.reject(new Error(`the API exited (${code}) before logging ${pattern}:\n${output}`))),
      ]);
    try {
      const port = (await logged(/"port":(\d+)[^\n]*pecunia api listening/))[1];
      const key = readFileSync(path.join(dataDir, 'local-api-key'), 'utf8').trim();
      const body = Buffer.from(tradeBody('MSFT'));
      const request = http.request(`http://127.0.0.1:${port}/api/trades?sheet_id=sigterm`, {
        method: 'POST',
        agent: false,
        // 100-continue: once the server says go on, the request is in its hands (in flight) before the signal.
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length), Expect: '100-continue' },
      });
      const response = new Promise<number>((resolve, reject) => {
        request.once('error', reject);
        request.once('response', (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        });
      });
      await new Promise<void>((resolve) => request.once('continue', resolve));
      request.write(body.subarray(0, body.length >> 1));

      child.kill('SIGTERM');
      await logged(/"in_flight":1[^\n]*"shutting down"/);
      request.end(body.subarray(body.length >> 1));

      expect(await response).toBe(201);
      expect(await exited).toBe(0);
      expect(output).toMatch(/"in_flight":1,"cut":0,"released_jobs":0,"clean":true[^\n]*"shut down"/);
      expect(output).not.toMatch(/not open/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
