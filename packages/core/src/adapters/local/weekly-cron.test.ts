import type { LogFields, Logger } from '../../ports/logger.port';
import { DEFAULT_WEEKLY_CRON, WeeklyCron } from './weekly-cron';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const write = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('WeeklyCron pattern', () => {
  it.each([['0 0 * * 0'], ['30 6 * * 1'], ['@weekly']])('accepts %s', (pattern) => {
    const cron = new WeeklyCron(pattern);

    expect(cron.nextRun()).toBeInstanceOf(Date);
  });

  it('reads the default pattern as Sunday 00:00 UTC', () => {
    const next = new WeeklyCron(DEFAULT_WEEKLY_CRON).nextRun();

    expect(next?.getUTCDay()).toBe(0);
    expect(next?.toISOString()).toMatch(/T00:00:00\.000Z$/);
  });

  it.each([
    ['not a pattern', 'bogus'],
    ['an empty pattern', ''],
    ['a minute out of range', '61 0 * * 0'],
    ['six fields (croner would read seconds, EventBridge a year)', '0 0 0 * * 0'],
    ['a date that never comes', '0 0 30 2 *'],
  ])('refuses %s with a ValidationError naming WEEKLY_ANALYSIS_CRON', (_label, pattern) => {
    let caught: unknown;
    try {
      new WeeklyCron(pattern);
    } catch (error) {
      caught = error;
    }

    expect(caught).toMatchObject({ name: 'ValidationError', code: 'SCHEDULE.INVALID_CRON', details: { field: 'WEEKLY_ANALYSIS_CRON' } });
    expect((caught as Error).message).toContain('WEEKLY_ANALYSIS_CRON');
  });
});

describe('WeeklyCron timer', () => {
  afterEach(() => jest.useRealTimers());

  it('holds one timer while started and none after stop(), so the process can exit', async () => {
    const before = timers();
    const cron = new WeeklyCron(DEFAULT_WEEKLY_CRON);
    expect(timers()).toBe(before);

    cron.start(async () => undefined);
    expect(timers()).toBe(before + 1);
    await cron.stop();

    expect(timers()).toBe(before);
    expect(cron.nextRun()).toBeNull();
    expect(() => cron.start(async () => undefined)).toThrow(/stopped/);
  });

  it('fires at Sunday 00:00 UTC, logs a failed run and fires again the next week', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-07T23:59:30Z') });
    const logger = recordingLogger();
    const cron = new WeeklyCron(DEFAULT_WEEKLY_CRON, { logger });
    const fired: string[] = [];
    cron.start(async () => {
      fired.push(new Date().toISOString());
      if (fired.length === 1) throw new Error('queue down');
    });

    await jest.advanceTimersByTimeAsync(31_000);
    // croner wakes at least every 30 s to re-check the clock, so jumping the clock to just before next Sunday is enough.
    jest.setSystemTime(new Date('2026-03-14T23:59:30Z'));
    await jest.advanceTimersByTimeAsync(61_000);
    await cron.stop();

    expect(fired.map((at) => at.slice(0, 16))).toEqual(['2026-03-08T00:00', '2026-03-15T00:00']);
    expect(logger.lines).toEqual([{ level: 'error', message: 'weekly analysis run failed', fields: { pattern: DEFAULT_WEEKLY_CRON, error: 'queue down' } }]);
  });

  it('skips a firing while the previous run is still going', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-09T00:00:30Z') });
    const logger = recordingLogger();
    const cron = new WeeklyCron('* * * * *', { logger });
    let calls = 0;
    let finish: () => void = () => undefined;
    cron.start(() => {
      calls++;
      return new Promise<void>((resolve) => (finish = resolve)); // the run is "still queueing"
    });

    await jest.advanceTimersByTimeAsync(3 * 60_000);
    let stopped = false;
    const stopping = cron.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);

    expect(calls).toBe(1);
    expect(logger.lines.filter((line) => line.level === 'warn').length).toBeGreaterThanOrEqual(2);
    // stop() waits for the run in progress, so adapters are not closed under it.
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
