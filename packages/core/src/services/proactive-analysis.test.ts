import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJobQueue } from '../adapters/local/sqlite-job-queue';
import { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import { SqliteScheduleStore } from '../adapters/local/sqlite-schedule-store';
import type { WeeklySchedule } from '../domain/schedule';
import type { JobQueue } from '../ports/job-queue.port';
import type { LogFields, Logger } from '../ports/logger.port';
import type { ScheduleStore } from '../ports/schedule-store.port';
import { AnalysisJobService } from './analysis-jobs';
import { coveredWeek, runProactiveAnalyses, weeklyJobId } from './proactive-analysis';

// March 2026: Monday the 2nd to Sunday the 8th is ISO week 10; Monday the 9th starts week 11.

function schedule(userId: string, overrides: Partial<WeeklySchedule> = {}): WeeklySchedule {
  return {
    user_id: userId,
    sheet_id: 'journal',
    sheet_range: 'Journal!A1',
    prompt: 'How did my week go?',
    timezone: 'UTC',
    enabled: true,
    created_at: '2026-02-01T10:00:00.000Z',
    updated_at: '2026-02-01T10:00:00.000Z',
    ...overrides,
  };
}

/** The logger port, writing to an array the test reads. */
function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const write = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}

const downQueue: JobQueue = {
  name: 'down',
  enqueue: async () => {
    throw new Error('connect ECONNREFUSED');
  },
  ready: async () => undefined,
};

describe('coveredWeek', () => {
  it('covers the 7 days before today, and names the ISO week of today', () => {
    expect(coveredWeek(new Date('2026-03-15T12:00:00Z'), 'UTC')).toEqual({ start_date: '2026-03-08', end_date: '2026-03-14', iso_week: '2026-W11' });
    expect(coveredWeek(new Date('2026-03-09T12:00:00Z'), 'UTC')).toEqual({ start_date: '2026-03-02', end_date: '2026-03-08', iso_week: '2026-W11' });
    // The default run, Sunday 00:00 UTC: Sunday to Saturday, in the week that Sunday ends.
    expect(coveredWeek(new Date('2026-03-15T00:00:00Z'), 'UTC')).toEqual({ start_date: '2026-03-08', end_date: '2026-03-14', iso_week: '2026-W11' });
  });

  it('reads the 7 days in the trader’s zone (far east already on Monday, far west still on Sunday), the week in UTC', () => {
    const sundayNoonUtc = new Date('2026-03-08T12:30:00Z');

    const kiritimati = coveredWeek(sundayNoonUtc, 'Pacific/Kiritimati'); // UTC+14: Monday 02:30
    const pagoPago = coveredWeek(sundayNoonUtc, 'Pacific/Pago_Pago'); // UTC-11: Sunday 01:30

    // Each trader's own 7 days; one week id for the run, wherever they are (a retry hours later names the same).
    expect(kiritimati).toEqual({ start_date: '2026-03-02', end_date: '2026-03-08', iso_week: '2026-W10' });
    expect(pagoPago).toEqual({ start_date: '2026-03-01', end_date: '2026-03-07', iso_week: '2026-W10' });
    expect(coveredWeek(new Date('2026-03-08T23:30:00Z'), 'Pacific/Auckland').iso_week).toBe('2026-W10');
  });

  it('names the ISO week-numbering year across New Year', () => {
    expect(coveredWeek(new Date('2026-01-05T12:00:00Z'), 'UTC')).toEqual({ start_date: '2025-12-29', end_date: '2026-01-04', iso_week: '2026-W02' });
    expect(coveredWeek(new Date('2027-01-03T12:00:00Z'), 'UTC')).toEqual({ start_date: '2026-12-27', end_date: '2027-01-02', iso_week: '2026-W53' });
  });
});

describe('weeklyJobId', () => {
  it('is stable per user and week, distinct otherwise, and a job id the API can read back', () => {
    const id = weeklyJobId('alice', '2026-W10');

    expect(weeklyJobId('alice', '2026-W10')).toBe(id);
    expect(weeklyJobId('alice', '2026-W11')).not.toBe(id);
    expect(weeklyJobId('bob', '2026-W10')).not.toBe(id);
    expect(id).toMatch(/^weekly-2026-W10-[0-9a-f]{32}$/);
    expect(id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    expect(id).not.toContain('alice');
  });
});

describe('runProactiveAnalyses', () => {
  let db: Database;
  let schedules: SqliteScheduleStore;
  let jobStore: SqliteJobStore;
  let queue: SqliteJobQueue;
  let clock: Date;
  const jobsWith = (q: JobQueue = queue) => new AnalysisJobService({ jobs: jobStore, queue: q, defaultTimezone: 'UTC', now: () => clock });
  const run = (extra: { queue?: JobQueue; logger?: Logger } = {}) =>
    runProactiveAnalyses({ schedules, jobs: jobsWith(extra.queue), now: () => clock, logger: extra.logger });

  beforeEach(() => {
    db = openDatabase(':memory:');
    schedules = new SqliteScheduleStore(db, { pageSize: 2 });
    jobStore = new SqliteJobStore(db);
    queue = new SqliteJobQueue(db);
    clock = new Date('2026-03-11T09:00:00Z');
  });
  afterEach(() => db.close());

  it('queues one job per enabled schedule for the previous 7 days, with the schedule’s sheet, range, prompt and zone', async () => {
    await schedules.put(schedule('alice', { sheet_id: 'alice-journal', sheet_range: 'Trades!A1:P', prompt: 'Why Mondays?', timezone: 'Europe/Berlin' }));
    await schedules.put(schedule('bob'));

    const result = await run();

    expect(result).toEqual({ queued: 2, already_queued: 0, failed: [] });
    const [job] = await jobStore.list('alice', 10);
    expect(job).toMatchObject({
      job_id: weeklyJobId('alice', '2026-W11'),
      status: 'queued',
      request: { sheet_id: 'alice-journal', sheet_range: 'Trades!A1:P', prompt: 'Why Mondays?', timezone: 'Europe/Berlin', start_date: '2026-03-04', end_date: '2026-03-10' },
    });
    expect(await queue.stats()).toMatchObject({ visible: 2 });
  });

  it('queues the weekly job of a trader who already has the most jobs waiting the per-user cap allows', async () => {
    await schedules.put(schedule('alice'));
    const capped = new AnalysisJobService({ jobs: jobStore, queue, defaultTimezone: 'UTC', maxQueuedPerUser: 1, now: () => clock });
    await capped.create('alice', { sheet_id: 'journal', prompt: 'mine' });

    const result = await runProactiveAnalyses({ schedules, jobs: capped, now: () => clock });

    expect(result).toEqual({ queued: 1, already_queued: 0, failed: [] });
    expect(await jobStore.countUnfinished('alice', 10)).toBe(2);
  });

  it('queues nothing more when the event fires twice in one week', async () => {
    await schedules.put(schedule('alice'));
    await schedules.put(schedule('bob'));
    await schedules.put(schedule('carol'));
    await run();
    clock = new Date('2026-03-11T09:05:00Z');

    const second = await run();

    expect(second).toEqual({ queued: 0, already_queued: 3, failed: [] });
    for (const user of ['alice', 'bob', 'carol']) expect(await jobStore.list(user, 10)).toHaveLength(1);
    expect(await queue.stats()).toMatchObject({ visible: 3 });
  });

  it('queues one job per user when two firings run at the same time', async () => {
    for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) await schedules.put(schedule(user));

    const [a, b] = await Promise.all([run(), run()]);

    expect(a.queued + b.queued).toBe(5);
    expect(a.already_queued + b.already_queued).toBe(5);
    expect(await queue.stats()).toMatchObject({ visible: 5 });
  });

  it('queues a new job the next week', async () => {
    await schedules.put(schedule('alice'));
    await run();
    clock = new Date('2026-03-18T09:00:00Z');

    const next = await run();

    expect(next).toEqual({ queued: 1, already_queued: 0, failed: [] });
    const weeks = (await jobStore.list('alice', 10)).map((job) => [job.request.start_date, job.request.end_date]);
    expect(weeks).toEqual([
      ['2026-03-11', '2026-03-17'],
      ['2026-03-04', '2026-03-10'],
    ]);
  });

  it('gives a far-east and a far-west trader the 7 days their own calendar has finished', async () => {
    await schedules.put(schedule('east', { timezone: 'Pacific/Kiritimati' }));
    await schedules.put(schedule('west', { timezone: 'Pacific/Pago_Pago' }));
    clock = new Date('2026-03-08T12:30:00Z');

    await run();

    const [east] = await jobStore.list('east', 10);
    const [west] = await jobStore.list('west', 10);
    expect(east!.request).toMatchObject({ start_date: '2026-03-02', end_date: '2026-03-08', timezone: 'Pacific/Kiritimati' });
    expect(west!.request).toMatchObject({ start_date: '2026-03-01', end_date: '2026-03-07', timezone: 'Pacific/Pago_Pago' });
  });

  it('skips a disabled schedule', async () => {
    await schedules.put(schedule('alice'));
    await schedules.put(schedule('bob', { enabled: false }));

    const result = await run();

    expect(result.queued).toBe(1);
    expect(await jobStore.list('bob', 10)).toEqual([]);
  });

  it('records one trader’s failure and still queues everyone else’s job', async () => {
    for (const user of ['alice', 'carol', 'dave']) await schedules.put(schedule(user));
    // Stored by an older build that checked less: the run must not trip over it.
    await schedules.put(schedule('bob', { sheet_id: 'not a sheet id' }));
    const logger = recordingLogger();

    const result = await run({ logger });

    expect(result).toEqual({ queued: 3, already_queued: 0, failed: [{ user_id: 'bob', code: 'SHEET.INVALID_ID' }] });
    for (const user of ['alice', 'carol', 'dave']) expect(await jobStore.list(user, 10)).toHaveLength(1);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', fields: expect.objectContaining({ user_id: 'bob', code: 'SHEET.INVALID_ID' }) }));
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', fields: { queued: 3, already_queued: 0, failed: 1 } });
  });

  it('rejects when the schedules cannot be read, after finishing the jobs it had started', async () => {
    await schedules.put(schedule('alice'));
    const breaksAfterOne: ScheduleStore = {
      name: 'breaks-after-one',
      put: (item) => schedules.put(item),
      get: (userId) => schedules.get(userId),
      delete: (userId) => schedules.delete(userId),
      ready: () => schedules.ready(),
      async *enabled() {
        yield* schedules.enabled();
        throw new Error('ProvisionedThroughputExceeded');
      },
    };

    const outcome = runProactiveAnalyses({ schedules: breaksAfterOne, jobs: jobsWith(), now: () => clock });

    await expect(outcome).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(await jobStore.list('alice', 10)).toHaveLength(1);
  });

  it('reports a week whose job could not be queued, and queues it on a later run once the queue is back', async () => {
    await schedules.put(schedule('alice'));

    const first = await run({ queue: downQueue });
    const second = await run({ queue: downQueue });
    const third = await run();

    expect(first).toEqual({ queued: 0, already_queued: 0, failed: [{ user_id: 'alice', code: 'QUEUE.UNAVAILABLE' }] });
    expect(second).toEqual(first);
    expect(third).toEqual({ queued: 1, already_queued: 0, failed: [] });
    expect(await queue.stats()).toMatchObject({ visible: 1 });
    // Once queued, a further firing leaves it alone.
    expect(await run()).toEqual({ queued: 0, already_queued: 1, failed: [] });
  });
});
