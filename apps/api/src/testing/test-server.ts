// Test helper: a real API server in local mode on a loopback port, with its own temporary DATA_DIR.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startServer, type RunningServer } from '../server';

/** Responses in tests are read loosely: the assertions say what the body must hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface TestServer extends RunningServer {
  dataDir: string;
  key: string;
  /** Every log line the server wrote. */
  logs: string[];
  /** A new API key for another user of the same server, for isolation tests. */
  keyFor(userId: string): Promise<string>;
  request(pathAndQuery: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<TestResponse>;
}

/** `now`: the clock share links expire by (a test moves it by hand); `queuePollIntervalMs`: the worker's idle poll. */
export async function startTestServer(env: Record<string, string> = {}, options: { now?: () => Date; queuePollIntervalMs?: number } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-api-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  // Request quotas off unless a test sets them: a suite sends hundreds of requests a minute from one address.
  const quotasOff = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0' };
  // A short shutdown grace period unless a test sets one: close() need not wait 25 s for a download a client abandoned.
  const quickClose = { SHUTDOWN_GRACE_SECONDS: '2' };
  // The analysis worker on the server's own thread unless a test asks for the thread: a thread costs a second or two to
  // start from source, and tests reach into the worker's adapters (a coach held at its door). The thread's own tests
  // are analysis-thread/*.test.ts.
  const inlineWorker = { ANALYSIS_WORKER: 'inline' };
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', APP_LOG_LEVEL: 'info', ...quotasOff, ...quickClose, ...inlineWorker, ...env });
  const running = await startServer(config, { logger: createLogger('info', sink), now: options.now, queuePollIntervalMs: options.queuePollIntervalMs });
  // Local key stores create the first key on start; a shared one (DynamoDB) is the operator's to fill, as here.
  const key = running.createdLocalKey?.key ?? (await running.composition.apiKeys.create('local')).key;
  return {
    ...running,
    dataDir,
    key,
    logs,
    keyFor: async (userId) => (await running.composition.apiKeys.create(userId)).key,
    close: async () => {
      const outcome = await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      return outcome;
    },
    request: (pathAndQuery, init = {}) => {
      const { json, key: keyOverride, headers, ...rest } = init;
      const auth: Record<string, string> = keyOverride === null ? {} : { Authorization: `Bearer ${keyOverride ?? key}` };
      const body = json === undefined ? rest.body : JSON.stringify(json);
      const contentType: Record<string, string> = json === undefined ? {} : { 'Content-Type': 'application/json' };
      return fetch(`${running.url}${pathAndQuery}`, {
        ...rest,
        method: rest.method ?? (body === undefined ? 'GET' : 'POST'),
        body,
        headers: { ...auth, ...contentType, ...(headers as Record<string, string> | undefined) },
      }) as Promise<TestResponse>;
    },
  };
}
