// The analysis worker on a worker thread of its own, seen from the API's main thread: started from the configuration,
// its logs written here, woken when a job is queued, restarted when it crashes, stopped within the grace period.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { PecuniaError } from '@pecunia/core';
import type { PecuniaConfig, ReadinessCheck } from '@pecunia/core/composition';
import type { FromThread, ThreadData, ToThread } from './thread-protocol';

/** The bundle's file for the thread, beside main.js (tools/src/build-api.ts writes it). */
export const ANALYSIS_THREAD_BUNDLE = 'analysis-thread.js';

/** Readiness code while the thread is down (between a crash and its restart). */
export const THREAD_DOWN = 'WORKER.THREAD_DOWN';

export interface AnalysisThreadOptions {
  config: PecuniaConfig;
  /** Where the thread's log lines are written (the `analysis-worker` child of the API's logger). */
  logger: Logger;
  publicBaseUrl: string;
  /** Wait between polls of an empty local queue (the composition's default when unset). */
  queuePollIntervalMs?: number;
  /** The thread's script (default: the bundle's analysis-thread.js, or from source the TypeScript entry through tsx). */
  entry?: string;
  /** Wait before restarting a crashed thread: `first`, doubling with each crash in a row, at most `max`. */
  restartDelayMs?: { first: number; max: number };
  /** A thread that ran this long before it crashed starts the doubling over. */
  stableAfterMs?: number;
  /**
   * After terminating a thread that did not stop in time: gives its jobs' messages back to the queue at once (the local
   * queue; without it they come back when their visibility timeout runs out, or at the next start). Returns how many.
   */
  releaseInFlight?: () => Promise<number>;
}

const DEFAULT_RESTART_DELAY_MS = { first: 1_000, max: 30_000 };
const DEFAULT_STABLE_AFTER_MS = 60_000;
/**
 * Past the grace period, how long the thread gets to give its jobs back and close its database (milliseconds of work)
 * before it is terminated: a thread deep in synchronous work (a big journal's metrics) reads the stop message only
 * when that work yields. Small, so the whole shutdown stays under the 30 s ECS allows after SIGTERM.
 */
const STOP_MARGIN_MS = 1_000;

/** The thread's script and the Node options it needs: the bundle beside main.js, or the source through tsx. */
function defaultEntry(): { file: string; execArgv?: string[] } {
  // Bundled, this module is part of dist/api/main.js; from source (tsx, Jest) it is this .ts file.
  if (path.extname(__filename) !== '.ts') return { file: path.join(__dirname, ANALYSIS_THREAD_BUNDLE) };
  // No inherited flags: tsx's own loader flags (from `tsx main.ts`) do not work in a thread, and the entry registers tsx.
  return { file: path.join(__dirname, 'typescript-entry.mjs'), execArgv: [] };
}

export class AnalysisThread {
  private thread: Worker | null = null;
  /** Between the thread's `started` and its exit. */
  private running = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private crashesInARow = 0;
  private startedAt = 0;
  private inHand = 0;
  private publicBaseUrl: string;
  private stopping: Promise<{ released: number }> | null = null;
  private onStopped: ((released: number) => void) | null = null;

  private constructor(private readonly options: AnalysisThreadOptions) {
    this.publicBaseUrl = options.publicBaseUrl;
  }

  /** Resolves once the thread's consumer polls (what a crash left has been put right); rejects with its start-up error. */
  static async start(options: AnalysisThreadOptions): Promise<AnalysisThread> {
    const supervisor = new AnalysisThread(options);
    await supervisor.spawn();
    return supervisor;
  }

  /** Readiness of the consumer: unavailable while the thread is down, between a crash and its restart. */
  readiness(family: ReadinessCheck['family']): ReadinessCheck {
    return {
      port: 'queue',
      family,
      adapter: 'analysis-thread',
      check: async () => {
        if (!this.running && !this.stopping) throw new PecuniaError(THREAD_DOWN, 'The analysis thread is down; it is being restarted.', { status: 503 });
      },
    };
  }

  /** A job was queued on this thread: the consumer takes it now, not at its next poll. */
  wake(): void {
    this.post({ type: 'wake' });
  }

  setPublicBaseUrl(url: string): void {
    this.publicBaseUrl = url;
    this.post({ type: 'public-base-url', url });
  }

  /** A trader reconnected Google: the thread's cached client for them is dropped too. */
  forgetUser(userId: string): void {
    this.post({ type: 'forget-user', userId });
  }

  /**
   * Asks the thread to finish its jobs — with `graceMs`, to give back those unfinished then — close its adapters and
   * end; resolves with how many it gave back. A thread that does not end within `graceMs` plus a small margin is
   * terminated, and what it held is given back from here (`releaseInFlight`).
   */
  stop(options: { graceMs?: number } = {}): Promise<{ released: number }> {
    return (this.stopping ??= this.shutDown(options.graceMs));
  }

  private post(message: ToThread): void {
    this.thread?.postMessage(message);
  }

  private async spawn(): Promise<void> {
    const entry = this.options.entry ? { file: this.options.entry } : defaultEntry();
    try {
      // Also starts libuv's thread pool from this thread if nothing has yet: its threads would otherwise be created by
      // the analysis thread, whose lowered CPU priority they would inherit (Linux), and serve this thread's I/O slowly.
      await access(entry.file);
    } catch (error) {
      throw new Error(`the analysis thread's script ${entry.file} is missing (npm run build:api writes it beside main.js)`, { cause: error });
    }
    const data: ThreadData = { config: this.options.config, publicBaseUrl: this.publicBaseUrl, queuePollIntervalMs: this.options.queuePollIntervalMs };
    const thread = new Worker(entry.file, { workerData: data, execArgv: entry.execArgv });
    this.thread = thread;
    this.inHand = 0;
    const log = this.options.logger;
    let started = false;
    let failure: unknown;
    return new Promise<void>((resolve, reject) => {
      thread.on('message', (message: FromThread) => {
        switch (message.type) {
          case 'log':
            if (message.level === 'info' || message.level === 'warn' || message.level === 'error') log[message.level](message.fields ?? {}, message.message);
            break;
          case 'jobs':
            this.inHand = message.inHand;
            break;
          case 'started':
            started = true;
            this.running = true;
            this.startedAt = Date.now();
            log.info({ thread_id: thread.threadId }, 'analysis thread started');
            resolve();
            break;
          case 'stopped':
            this.onStopped?.(message.released);
            break;
        }
      });
      thread.on('error', (error) => {
        failure = error;
      });
      thread.on('exit', (code) => {
        if (this.thread === thread) this.thread = null;
        this.running = false;
        if (!started) {
          reject(failure ?? new Error(`the analysis thread exited (code ${code}) before it started`));
          return;
        }
        if (this.stopping) return;
        // A thread that ran a while before it crashed starts the doubling over.
        if (Date.now() - this.startedAt >= (this.options.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS)) this.crashesInARow = 0;
        this.crashed(code, failure);
      });
    });
  }

  /** Logged at error level, then a restart after a delay that doubles with each crash in a row (bounded). */
  private crashed(code: number, error: unknown): void {
    const { first, max } = this.options.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS;
    const delay = Math.min(max, first * 2 ** this.crashesInARow);
    this.crashesInARow++;
    // Its jobs' messages stay in flight until the new thread's consumer releases them (it is this host's only one).
    this.options.logger.error(
      { ...(error === undefined ? {} : { err: error }), exit_code: code, jobs_in_hand: this.inHand, restart_in_ms: delay },
      'analysis thread crashed; restarting it',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      // A thread that fails to start again counts as another crash in a row.
      this.spawn().catch((failure: unknown) => {
        if (!this.stopping) this.crashed(1, failure);
      });
    }, delay);
  }

  private async shutDown(graceMs: number | undefined): Promise<{ released: number }> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const thread = this.thread;
    // Down after a crash: what the crashed thread held is still in flight.
    if (!thread) return { released: this.inHand > 0 ? await this.releaseInFlight() : 0 };
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    const reported = new Promise<number>((resolve) => (this.onStopped = resolve));
    thread.postMessage({ type: 'stop', graceMs } satisfies ToThread);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      if (graceMs !== undefined) timer = setTimeout(() => resolve('late'), graceMs + STOP_MARGIN_MS);
    });
    const released = await Promise.race([reported, exited.then(() => 'exited' as const), deadline]);
    clearTimeout(timer);
    if (typeof released === 'number') {
      // Reported: it closes its port next and ends; one that lingers (a timer someone left) is ended here.
      let linger: NodeJS.Timeout | undefined;
      const lingering = new Promise<true>((resolve) => (linger = setTimeout(() => resolve(true), STOP_MARGIN_MS)));
      if (await Promise.race([exited.then(() => false), lingering])) await thread.terminate();
      clearTimeout(linger);
      return { released };
    }
    if (released === 'late') await thread.terminate();
    // What it held is still in flight: given back here, as its own stop would have (still `running` in the job store,
    // the next delivery runs it whole).
    const given = await this.releaseInFlight();
    const fields = { jobs_in_hand: this.inHand, released: given };
    if (released === 'late') this.options.logger.warn(fields, 'analysis thread did not stop within the grace period; terminated it and released its jobs');
    else this.options.logger.error(fields, 'analysis thread ended before it reported stopping; released its jobs');
    return { released: given };
  }

  /** Gives back what a thread that is gone held; counted from its last report where the queue cannot (SQS) or fails. */
  private async releaseInFlight(): Promise<number> {
    if (!this.options.releaseInFlight) return this.inHand;
    try {
      return await this.options.releaseInFlight();
    } catch (error) {
      // Then its messages come back when their visibility timeout runs out, or at the next start.
      this.options.logger.error({ err: error }, 'could not release the messages of a stopped analysis thread');
      return this.inHand;
    }
  }
}
