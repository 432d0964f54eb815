// No secret leaks: the API with every secret configured (SQLite state in DATA_DIR, Google, Gemini and SerpAPI on loopback
// stand-ins) serves successful and failing requests and a Google connection; then every log line, anything written to
// stdout or stderr, and every byte under DATA_DIR are searched for each secret and each raw key or token.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  pngBytes,
  scriptedGeminiAnswers,
  startGeminiStandIn,
  startGoogleStandIn,
  startSerpApiStandIn,
  toBase64,
  type GeminiStandIn,
  type GoogleStandIn,
  type SerpApiStandIn,
} from '@pecunia/core/testing';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer, type RunningServer } from './server';
import { pollJob } from './testing/poll-job';

jest.setTimeout(60_000);

const ACCOUNT = { sub: '108555000111222333999', email: 'secrets@example.com' };
const secret = (label: string) => `${label}-${randomBytes(24).toString('base64url')}`;
const SECRETS = {
  GOOGLE_CLIENT_SECRET: secret('gcs'),
  TOKEN_ENCRYPTION_SECRET: secret('token-encryption-secret'),
  GEMINI_API_KEY: secret('gemini'),
  SERPAPI_API_KEY: secret('serpapi'),
  SHARE_LINK_SECRET: secret('share-link-secret'),
};

// Chart reviews fail: the secrets must not leak through an upstream error either.
const gemini = scriptedGeminiAnswers({ charts: { status: 500, body: { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } } } });

/** Every file under `root`, with its bytes. */
function filesUnder(root: string): { file: string; bytes: Buffer }[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

describe('secrets never reach the logs or DATA_DIR', () => {
  let google: GoogleStandIn;
  let models: GeminiStandIn;
  let serp: SerpApiStandIn;
  let running: RunningServer;
  let dataDir: string;
  const logs: string[] = [];
  const printed: string[] = [];
  const originalWrites = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let spreadsheetId: string;

  beforeAll(async () => {
    // Anything printed outside the logger is searched too.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (printed.push(String(chunk)), originalWrites.out(chunk, ...rest))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (printed.push(String(chunk)), originalWrites.err(chunk, ...rest))) as typeof process.stderr.write;
    [google, models, serp] = await Promise.all([
      startGoogleStandIn({ clientSecret: SECRETS.GOOGLE_CLIENT_SECRET }),
      startGeminiStandIn({ apiKey: SECRETS.GEMINI_API_KEY }),
      startSerpApiStandIn({ apiKey: SECRETS.SERPAPI_API_KEY }),
    ]);
    models.respond(gemini);
    // Research fails once (its URL carries the key), then answers.
    let searches = 0;
    serp.respond(() => (++searches === 1 ? { status: 500, body: { error: 'Internal error' } } : { results: [{ title: 'AAPL news', link: 'https://news.example/aapl' }] }));
    spreadsheetId = google.createSpreadsheet(ACCOUNT, { title: 'Journal', tabs: { Journal: [] } });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-secrets-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      APP_LOG_LEVEL: 'trace',
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_REDIRECT_URI: 'http://127.0.0.1:8000/api/auth/google/callback',
      GOOGLE_API_ROOT_URL: google.url,
      GOOGLE_OAUTH_AUTH_URL: google.authUrl,
      GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
      GEMINI_API_BASE_URL: models.url,
      SERPAPI_BASE_URL: serp.url,
      ...SECRETS,
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    });
    // The most talkative level: whatever a debug session would show must be clean too.
    running = await startServer(config, { logger: createLogger('trace', sink) });
  });
  afterAll(async () => {
    process.stdout.write = originalWrites.out;
    process.stderr.write = originalWrites.err;
    await running?.close();
    await Promise.all([google?.close(), models?.close(), serp?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (pathAndQuery: string, init: RequestInit & { json?: unknown; key?: string } = {}) => {
    const { json, key, headers, ...rest } = init;
    return fetch(`${running.url}${pathAndQuery}`, {
      ...rest,
      method: rest.method ?? (json === undefined && rest.body === undefined ? 'GET' : 'POST'),
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...(headers as Record<string, string>) },
    });
  };

  it('holds for successful and failing requests, a Google connection and an analysis', async () => {
    const localKey = running.createdLocalKey!.key;
    // Connect a Google account: the new user's key comes back once.
    const authorize = (await (await call('/api/auth/google/authorize?user_id=trader')).json()) as { state: string };
    google.registerCode('code-secrets', ACCOUNT);
    const connected = await call('/api/auth/google/callback', { json: { code: 'code-secrets', state: authorize.state } });
    expect(connected.status).toBe(200);
    const traderKey = ((await connected.json()) as { api_key: string }).api_key;
    const sheet = `sheet_id=${spreadsheetId}`;

    const answers = [
      await call('/api/health/ready'),
      await call(`/api/trades?${sheet}`, {
        key: traderKey,
        headers: { 'Idempotency-Key': 'secrets-1' },
        json: { ticker: 'AAPL', position_type: 'long', pnl: 185, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15', attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }] },
      }),
      await call(`/api/trades/submit?${sheet}`, { key: traderKey, json: { content: 'Bought 100 AAPL at 189.20, sold at 191.05. +$185' } }),
      await call(`/api/trades?${sheet}`, { key: traderKey }),
      // Failing: a secret sent as the key, no key, the local user (never connected to Google), bad JSON, a replayed
      // OAuth state, a refused code.
      await call(`/api/trades?${sheet}`, { key: SECRETS.GEMINI_API_KEY }),
      await call(`/api/trades?${sheet}`),
      await call(`/api/trades?${sheet}`, { key: localKey }),
      await call(`/api/trades?${sheet}`, { key: traderKey, body: '{"ticker": ', headers: { 'Content-Type': 'application/json' } }),
      await call('/api/auth/google/callback', { json: { code: 'code-secrets', state: authorize.state } }),
      await call(`/api/auth/google/callback?code=bogus&state=${encodeURIComponent(authorize.state)}`),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 201, 200, 401, 401, 401, 400, 400, 400]);

    // An analysis: Gemini (one failing call) and SerpAPI (one failing call) with their keys.
    const created = (await (await call('/api/analysis/jobs', { key: traderKey, json: { sheet_id: spreadsheetId, prompt: 'How did I do?' } })).json()) as { job_id: string };
    // This server keeps its per-user quota: pollJob waits out a 429 rather than taking it for the job's state.
    const job = await pollJob(() => call(`/api/analysis/jobs/${created.job_id}`, { key: traderKey }));
    expect(job.status).toBe('completed');
    // Last, as its faults outlast the request: Google failing (its errors carry the request, bearer token included).
    google.failNext({ pathPattern: /values/, status: 500, times: 5 });
    expect((await call(`/api/trades?${sheet}`, { key: traderKey })).status).toBeGreaterThanOrEqual(500);

    const secrets: Record<string, string> = { ...SECRETS, 'local API key': localKey, "trader's API key": traderKey };
    for (const [i, token] of google.issuedTokens().entries()) secrets[`OAuth token ${i}`] = token;
    expect(Object.keys(secrets).length).toBeGreaterThan(8);
    const text = logs.join('') + printed.join('');
    expect(logs.length).toBeGreaterThan(20);

    const leaks = (files: { file: string; bytes: Buffer }[]) =>
      Object.entries(secrets).flatMap(([name, value]) => [
        ...(text.includes(value) ? [`${name} in the logs`] : []),
        ...files
          // The one file meant to hold a raw key: the first local key, for its owner to read (0600, checked below).
          .filter(({ file, bytes }) => !(path.basename(file) === 'local-api-key' && value === localKey) && bytes.includes(Buffer.from(value, 'utf8')))
          .map(({ file }) => `${name} in ${path.relative(dataDir, file)}`),
      ]);

    const whileRunning = filesUnder(dataDir);
    expect(whileRunning.map(({ file }) => path.basename(file))).toEqual(expect.arrayContaining(['pecunia.sqlite', 'pecunia.sqlite-wal', 'local-api-key']));
    expect(leaks(whileRunning)).toEqual([]);
    expect(statSync(path.join(dataDir, 'local-api-key')).mode & 0o777).toBe(0o600);

    // Closed: the WAL is checkpointed into the database file, which is searched again.
    await running.close();
    expect(leaks(filesUnder(dataDir))).toEqual([]);
  });
});
