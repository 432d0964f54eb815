// The weekly proactive run: one analysis job per enabled schedule for the trader's last full week, at most one per week.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { WeeklySchedule } from '../domain/schedule';
import { isPecuniaError } from '../errors';
import type { Logger } from '../ports/logger.port';
import type { ScheduleStore } from '../ports/schedule-store.port';
import type { AnalysisJobService } from './analysis-jobs';

export interface ProactiveRunDeps {
  schedules: ScheduleStore;
  jobs: AnalysisJobService;
  now?: () => Date;
  logger?: Logger;
  /** Schedules queued at once: a large trader base must fit in one Lambda invocation. Default 8. */
  concurrency?: number;
}

export interface ProactiveRunResult {
  /** Jobs this run queued. */
  queued: number;
  /** Schedules whose job for that week an earlier run had already queued (the event fired twice). */
  already_queued: number;
  /** Schedules that got no job, with the error code; the others were queued regardless. */
  failed: { user_id: string; code: string }[];
}

/** The days a run covers, as inclusive calendar dates in the trader's zone, and the ISO week the run belongs to. */
export interface CoveredWeek {
  start_date: string;
  end_date: string;
  /** `2026-W10`: the ISO week (year and number) of the run's own date in that zone — one job per user per week. */
  iso_week: string;
}

const DEFAULT_CONCURRENCY = 8;

/**
 * The previous 7 days before `now` (today excluded), as the calendar reads in `timezone`, and the run's ISO week in
 * UTC — one week for every trader, so a retry of the same run hours later (the event delivered twice, a Lambda
 * retry) names the same week wherever the trader is, and finds the job already there.
 */
export function coveredWeek(now: Date, timezone: string): CoveredWeek {
  // Luxon weeks are ISO weeks (Monday first) unless locale weeks are asked for.
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  const week = DateTime.fromJSDate(now, { zone: 'UTC' });
  return {
    start_date: today.minus({ days: 7 }).toISODate() ?? '',
    end_date: today.minus({ days: 1 }).toISODate() ?? '',
    iso_week: `${week.weekYear}-W${String(week.weekNumber).padStart(2, '0')}`,
  };
}

/**
 * The id of a user's weekly job for one ISO week: the same on every run, so the job store's `JOB.ALREADY_EXISTS`
 * keeps a second firing of the event from queueing a second job. Hashed so the user id does not show in job ids.
 */
export function weeklyJobId(userId: string, isoWeek: string): string {
  const digest = createHash('sha256').update(`weekly|${userId}|${isoWeek}`, 'utf8').digest('hex');
  return `weekly-${isoWeek}-${digest.slice(0, 32)}`;
}

/** Queues the week's job of every enabled schedule. One schedule failing is recorded, never stops the others. */
export async function runProactiveAnalyses(deps: ProactiveRunDeps): Promise<ProactiveRunResult> {
  const now = (deps.now ?? (() => new Date()))();
  const concurrency = Math.max(1, Math.floor(deps.concurrency ?? DEFAULT_CONCURRENCY));
  const result: ProactiveRunResult = { queued: 0, already_queued: 0, failed: [] };

  const queueOne = async (listed: WeeklySchedule): Promise<void> => {
    // Read again, consistently: the list of enabled schedules may come from an index a moment behind a change.
    const schedule = await deps.schedules.get(listed.user_id).catch(() => listed);
    if (!schedule?.enabled) return;
    const outcome = await queueWeek(deps.jobs, schedule, now).catch((error: unknown) => {
      const code = isPecuniaError(error) ? error.code : 'PROACTIVE.UNEXPECTED';
      deps.logger?.error('weekly analysis not queued', { user_id: schedule.user_id, code, error: error instanceof Error ? error.message : String(error) });
      return { failed: code };
    });
    if (outcome === 'queued') result.queued++;
    else if (outcome === 'already_queued') result.already_queued++;
    else result.failed.push({ user_id: schedule.user_id, code: outcome.failed });
  };

  const inFlight = new Set<Promise<void>>();
  try {
    // A failure to read the schedules themselves is not one trader's problem: it rejects the run (a Lambda retries,
    // and the derived job ids keep the retry from queueing twice).
    for await (const schedule of deps.schedules.enabled()) {
      if (!schedule.enabled) continue;
      const task: Promise<void> = queueOne(schedule).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } finally {
    // queueOne never rejects; waiting here means the run never returns (or throws) with jobs still being queued.
    await Promise.all(inFlight);
  }

  deps.logger?.info('weekly analyses queued', { ...result, failed: result.failed.length, at: now.toISOString() });
  return result;
}

type QueueOutcome = 'queued' | 'already_queued' | { failed: string };

async function queueWeek(jobs: AnalysisJobService, schedule: WeeklySchedule, now: Date): Promise<QueueOutcome> {
  const week = coveredWeek(now, schedule.timezone);
  const jobId = weeklyJobId(schedule.user_id, week.iso_week);
  const request = {
    sheet_id: schedule.sheet_id,
    sheet_range: schedule.sheet_range,
    prompt: schedule.prompt,
    timezone: schedule.timezone,
    start_date: week.start_date,
    end_date: week.end_date,
  };
  try {
    // Exempt from the per-user cap on waiting jobs: at most one weekly job per user and week, and a trader who has
    // many jobs of their own waiting still gets the report they scheduled (queued behind theirs).
    await jobs.create(schedule.user_id, request, { jobId, exemptFromQueueCap: true });
    return 'queued';
  } catch (error) {
    if (!isPecuniaError(error) || error.code !== 'JOB.ALREADY_EXISTS') throw error;
    // A job stored but never queued (the queue was down on an earlier run) is sent now: the week is not lost.
    return (await jobs.requeue(schedule.user_id, jobId)) ? 'queued' : 'already_queued';
  }
}
