// The local stand-in for EventBridge's weekly rule: fires the proactive run in-process on a cron pattern read in UTC.
import { Cron } from 'croner';
import { ValidationError } from '../../errors';
import type { Logger } from '../../ports/logger.port';

/** Sunday 00:00 UTC, the schedule of the deployed EventBridge rule. */
export const DEFAULT_WEEKLY_CRON = '0 0 * * 0';

export interface WeeklyCronOptions {
  logger?: Logger;
}

export class WeeklyCron {
  private readonly cron: Cron;
  private started = false;
  /** The run in progress, so stop() can wait for it (adapters must not close under a half-queued run). */
  private current: Promise<unknown> | null = null;

  /** Throws a ValidationError naming WEEKLY_ANALYSIS_CRON when the pattern is not one croner can run. */
  constructor(
    readonly pattern: string,
    private readonly options: WeeklyCronOptions = {},
  ) {
    const invalid = (reason: string, cause?: unknown) =>
      new ValidationError(
        'SCHEDULE.INVALID_CRON',
        `WEEKLY_ANALYSIS_CRON "${pattern}" ${reason}: use five fields (minute hour day-of-month month day-of-week, read in UTC) such as "${DEFAULT_WEEKLY_CRON}", or @weekly`,
        { field: 'WEEKLY_ANALYSIS_CRON' },
        cause,
      );
    let cron: Cron;
    try {
      // Five fields only: croner would read a sixth as seconds first, where EventBridge's sixth field is a year.
      // Built without a function, so no timer runs until start().
      cron = new Cron(pattern, {
        timezone: 'UTC',
        mode: '5-part',
        // A run still queueing when the next one is due is not started twice.
        protect: () => this.options.logger?.warn('weekly analysis run skipped: the previous one is still running', { pattern }),
        catch: (error) =>
          this.options.logger?.error('weekly analysis run failed', { pattern, error: error instanceof Error ? error.message : String(error) }),
      });
    } catch (error) {
      throw invalid(`is not a valid cron pattern (${error instanceof Error ? error.message : String(error)})`, error);
    }
    if (cron.nextRun() === null) throw invalid('never fires');
    this.cron = cron;
  }

  /** Calls `run` at every time the pattern names, until stop(). Its failures are logged; the next week runs anyway. */
  start(run: () => Promise<unknown>): void {
    if (this.started || this.cron.isStopped()) throw new Error('WeeklyCron: start() was already called, or the cron was stopped');
    this.started = true;
    this.cron.schedule(async () => {
      const running = run();
      this.current = running;
      try {
        await running;
      } finally {
        if (this.current === running) this.current = null;
      }
    });
  }

  /** Clears the timer and resolves once a run in progress has finished. The cron cannot be started again. */
  async stop(): Promise<void> {
    this.cron.stop();
    await this.current?.catch(() => undefined);
  }

  /** When the run fires next; null once stopped. */
  nextRun(): Date | null {
    return this.cron.isStopped() ? null : this.cron.nextRun();
  }
}

/** Why `pattern` cannot be the weekly cron, or null when it can (for the configuration's one list of problems). */
export function cronPatternProblem(pattern: string): string | null {
  try {
    void new WeeklyCron(pattern).stop();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^WEEKLY_ANALYSIS_CRON /, '') : String(error);
  }
}
