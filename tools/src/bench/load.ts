// Load runs with autocannon on a worker thread: the server under test keeps the main thread's event loop to itself.
import { Worker } from 'node:worker_threads';
import { ROOT } from './options';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds; a run stopped by `until` uses it as an upper bound. */
  seconds: number;
  /** Total requests: when set, the run ends after this many answers and `seconds` is ignored (slow pages). */
  amount?: number;
  /** Requests per second over all connections (autocannon's overallRate); unset: as fast as answers come. */
  rate?: number;
  /** Seconds before a request counts as a timeout. */
  timeoutSeconds?: number;
}

export interface LoadResult {
  requests_per_sec: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Responses received (any status). */
  responses: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
}

/**
 * The load thread's code, evaluated as a script: no TypeScript loader is needed on the thread (tsx, Jest and plain node
 * alike), and autocannon is required by its resolved path. Loading autocannon takes about a second, so one thread
 * serves every run, one at a time.
 */
const WORKER_SOURCE = `
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const lib = path.dirname(workerData.autocannon) + '/lib/';
const aggregateResult = require(lib + 'aggregateResult.js');
const { decodeHist } = require(lib + 'histUtil.js');
let instance = null;
parentPort.on('message', (message) => {
  if (message.cmd === 'stop') return instance && instance.stop();
  instance = autocannon(message.options, (error, raw) => {
    instance = null;
    if (error) return parentPort.postMessage({ error: String((error && error.stack) || error) });
    // Off the main thread autocannon hands back its histograms encoded, for its own manager to merge: merge them here.
    const r = aggregateResult(raw, message.options, { requests: decodeHist(raw.requests), throughput: decodeHist(raw.throughput) });
    parentPort.postMessage({ result: {
      requests_per_sec: r.duration > 0 ? r.requests.total / r.duration : 0, p50_ms: r.latency.p50, p99_ms: r.latency.p99, max_ms: r.latency.max,
      responses: r.requests.total, non_2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, seconds: r.duration,
    } });
  });
});
`;

let thread: Worker | null = null;
/** Runs queue here: a second run waits for the first, so two never share the thread (or the machine). */
let queue: Promise<unknown> = Promise.resolve();

function loadThread(): Worker {
  if (!thread) {
    thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { autocannon: require.resolve('autocannon', { paths: [ROOT] }) } });
    thread.unref();
  }
  return thread;
}

function runOnThread(options: Record<string, unknown>, until?: Promise<unknown>): Promise<LoadResult> {
  const worker = loadThread();
  // Held while a run is in flight; otherwise an idle thread never keeps the bench process alive.
  worker.ref();
  return new Promise<LoadResult>((resolve, reject) => {
    const onMessage = (message: { error?: string; result?: LoadResult }) => {
      cleanup();
      if (message.error) reject(new Error(`autocannon: ${message.error}`));
      else resolve(message.result!);
    };
    const onError = (error: Error) => {
      cleanup();
      thread = null;
      reject(error);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.unref();
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ cmd: 'run', options });
    until?.then(
      () => worker.postMessage({ cmd: 'stop' }),
      () => worker.postMessage({ cmd: 'stop' }),
    );
  });
}

/**
 * Runs one load test and resolves with its numbers. `until`, when given, stops the run early when it settles (the
 * /api/health probe runs exactly as long as an analysis). Requests/s is answers ÷ the run's duration
 * (autocannon's per-second average reads 0 for a page slower than a second).
 */
export function runLoad(options: LoadOptions, until?: Promise<unknown>): Promise<LoadResult> {
  const autocannonOptions = {
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutSeconds ?? 10,
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(options.amount ? { amount: options.amount } : {}),
  };
  const run = queue.then(() => runOnThread(autocannonOptions, until));
  queue = run.catch(() => undefined);
  return run;
}

/** Starts loading autocannon on its thread now, so the first run does not wait for it. */
export function prepareLoadThread(): void {
  loadThread();
}

/** Ends the load thread (the bench calls this once, at the end). */
export async function stopLoadThread(): Promise<void> {
  const worker = thread;
  thread = null;
  await worker?.terminate();
}

/**
 * A run with any answer other than 2xx measured something else than the route (a quota, a refusal, a timeout page):
 * the bench fails with what came back instead of printing its numbers.
 */
export function assertAnswered(name: string, result: LoadResult): LoadResult {
  if (result.responses === 0 || result.non_2xx > 0) {
    throw new Error(`${name}: ${result.responses} responses, ${result.non_2xx} not 2xx (${result.errors} errors, ${result.timeouts} timeouts)`);
  }
  return result;
}
