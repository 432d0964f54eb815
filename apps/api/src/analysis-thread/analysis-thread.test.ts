// The supervisor of the analysis thread, over a stand-in thread script (testing/fake-analysis-thread.mjs) that crashes,
// fails to start or ignores a stop on cue: logs relayed, crashes logged and restarted with a bounded doubling delay,
// readiness while it is down, a stuck thread terminated at the end of the grace period. The real thread:
// thread-mode.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { isPecuniaError } from '@pecunia/core';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { AnalysisThread, THREAD_DOWN, type AnalysisThreadOptions } from './analysis-thread';

const FAKE_THREAD = path.join(__dirname, '../testing/fake-analysis-thread.mjs');

type LogLine = { level: number; msg: string; [field: string]: unknown };

/** A logger whose lines a test reads, and awaits: a waiter is resolved while the line is written, before any timer. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const waiters: { test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (!waiter.test(line)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      callback();
    },
  });
  const logger = createLogger('info', sink).child({ component: 'analysis-worker' });
  return { logger, lines, next: (test: (line: LogLine) => boolean) => new Promise<LogLine>((resolve) => waiters.push({ test, resolve })) };
}

describe('AnalysisThread', () => {
  let dataDir: string;
  let thread: AnalysisThread | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-thread-'));
  });
  afterEach(async () => {
    await thread?.stop({ graceMs: 0 });
    thread = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The supervisor over the stand-in, which does `plan[n]` on its n-th start. */
  const options = (plan: Record<number, string>, logger: AnalysisThreadOptions['logger']): AnalysisThreadOptions => {
    writeFileSync(path.join(dataDir, 'plan.json'), JSON.stringify(plan));
    return { config: loadConfig({ DATA_DIR: dataDir }), logger, publicBaseUrl: 'http://localhost:8000', entry: FAKE_THREAD, restartDelayMs: { first: 20, max: 30 } };
  };

  it("writes the thread's log lines with the API's logger, under the analysis-worker component", async () => {
    // Arrange
    const log = capturedLogger();
    // Act
    thread = await AnalysisThread.start(options({}, log.logger));
    const woken = log.next((line) => line.msg === 'fake thread woken');
    thread.wake();
    // Assert
    expect(await woken).toMatchObject({ level: 30, component: 'analysis-worker', service: 'pecunia-api', run: 1 });
    expect(log.lines.find((line) => line.msg === 'fake thread running')).toMatchObject({ public_base_url: 'http://localhost:8000' });
  });

  it('restarts a crashed thread after a doubling delay (bounded), logging each crash as an error; readiness fails until it is back', async () => {
    // Arrange: the first three starts crash when woken, the fourth does not.
    const log = capturedLogger();
    thread = await AnalysisThread.start(options({ 1: 'crash-on-wake', 2: 'crash-on-wake', 3: 'crash-on-wake' }, log.logger));
    const readiness = thread.readiness('local');
    const crashes: LogLine[] = [];
    for (let run = 1; run <= 3; run++) {
      // Act
      const crashed = log.next((line) => line.msg === 'analysis thread crashed; restarting it');
      const restarted = log.next((line) => line.msg === 'analysis thread started');
      thread.wake();
      crashes.push(await crashed);
      // Assert: down from the crash to the restart.
      const down = await readiness.check().then(() => undefined, (error: unknown) => error);
      expect(isPecuniaError(down) && down.code).toBe(THREAD_DOWN);
      await restarted;
    }
    await expect(readiness.check()).resolves.toBeUndefined();
    expect(crashes.map((line) => ({ level: line.level, exit_code: line.exit_code, restart_in_ms: line.restart_in_ms }))).toEqual([
      { level: 50, exit_code: 1, restart_in_ms: 20 },
      { level: 50, exit_code: 1, restart_in_ms: 30 },
      { level: 50, exit_code: 1, restart_in_ms: 30 },
    ]);
    expect(crashes[0]).toMatchObject({ err: { message: 'fake thread crashed (run 1)' } });
    // Stopped as usual after the restarts.
    await expect(thread.stop({ graceMs: 0 })).resolves.toEqual({ released: 0 });
  });

  it('fails to start with the error the thread failed with, or when its script is missing', async () => {
    // Arrange
    const log = capturedLogger();
    // Act
    const starting = AnalysisThread.start(options({ 1: 'fail-start' }, log.logger));
    // Assert
    await expect(starting).rejects.toThrow('fake thread could not start (run 1)');
    await expect(AnalysisThread.start({ ...options({}, log.logger), entry: path.join(dataDir, 'analysis-thread.js') })).rejects.toThrow(/analysis-thread\.js is missing/);
  });

  it('terminates a thread that has not stopped by the end of the grace period and gives back what it held', async () => {
    // Arrange: a job in hand, and deaf to the stop (deep in synchronous work).
    const log = capturedLogger();
    const releaseInFlight = jest.fn(async () => 1);
    thread = await AnalysisThread.start({ ...options({ 1: 'hold-job' }, log.logger), releaseInFlight });
    // Act
    const outcome = await thread.stop({ graceMs: 0 });
    // Assert
    expect(outcome).toEqual({ released: 1 });
    expect(releaseInFlight).toHaveBeenCalledTimes(1);
    expect(log.lines.find((line) => line.msg.startsWith('analysis thread did not stop within the grace period'))).toMatchObject({ level: 40, jobs_in_hand: 1, released: 1 });
  });
});
