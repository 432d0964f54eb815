// A trader's weekly proactive analysis as the API sees it: validated, stored one per user, read and removed by its owner.
import { DEFAULT_WEEKLY_PROMPT, type WeeklySchedule } from '../domain/schedule';
import { DEFAULT_SHEET_RANGE, parseSheetId, parseSheetRange } from '../domain/sheet-range';
import { canonicalTimezone, DEFAULT_TIMEZONE, isValidTimezone } from '../domain/timestamps';
import { NotFoundError, ValidationError } from '../errors';
import type { ScheduleStore } from '../ports/schedule-store.port';

/** Same bound as an analysis job's prompt: the weekly run queues exactly such a job. */
export const MAX_WEEKLY_PROMPT_LENGTH = 4000;

/** What a trader sends: a PUT replaces the schedule, so an optional field left out takes its default again. */
export interface WeeklyScheduleInput {
  sheet_id: string;
  sheet_range?: string;
  prompt?: string;
  timezone?: string;
  enabled: boolean;
}

export interface WeeklyScheduleDeps {
  schedules: ScheduleStore;
  /** The zone of a schedule that names none (the server's DEFAULT_TIMEZONE). */
  defaultTimezone?: string;
  now?: () => Date;
}

export class WeeklyScheduleService {
  private readonly now: () => Date;

  constructor(private readonly deps: WeeklyScheduleDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Creates or replaces the owner's schedule; `created_at` survives a replacement. */
  async set(owner: string, input: WeeklyScheduleInput): Promise<WeeklySchedule> {
    const sheetId = parseSheetId(input.sheet_id);
    const sheetRange = input.sheet_range === undefined || input.sheet_range === '' ? DEFAULT_SHEET_RANGE : input.sheet_range;
    parseSheetRange(sheetRange);
    const prompt = parsePrompt(input.prompt);
    const requested = input.timezone ?? this.deps.defaultTimezone ?? DEFAULT_TIMEZONE;
    if (typeof requested !== 'string' || !isValidTimezone(requested)) {
      throw new ValidationError('SCHEDULE.INVALID_TIMEZONE', 'timezone must be an IANA time zone such as UTC or America/New_York', { field: 'timezone' });
    }
    if (typeof input.enabled !== 'boolean') {
      throw new ValidationError('SCHEDULE.INVALID_ENABLED', 'enabled must be true or false', { field: 'enabled' });
    }

    const at = this.now().toISOString();
    const previous = await this.deps.schedules.get(owner);
    const schedule: WeeklySchedule = {
      user_id: owner,
      sheet_id: sheetId,
      sheet_range: sheetRange,
      prompt,
      // Canonical spelling, so the weekly run and the job it queues agree on the zone whoever called.
      timezone: canonicalTimezone(requested),
      enabled: input.enabled,
      created_at: previous?.created_at ?? at,
      updated_at: at,
    };
    await this.deps.schedules.put(schedule);
    return schedule;
  }

  async get(owner: string): Promise<WeeklySchedule> {
    const schedule = await this.deps.schedules.get(owner);
    if (!schedule) throw notFound();
    return schedule;
  }

  async delete(owner: string): Promise<void> {
    if (!(await this.deps.schedules.delete(owner))) throw notFound();
  }
}

function parsePrompt(value: unknown): string {
  if (value === undefined) return DEFAULT_WEEKLY_PROMPT;
  const prompt = typeof value === 'string' ? value.trim() : '';
  if (prompt.length === 0 || prompt.length > MAX_WEEKLY_PROMPT_LENGTH) {
    throw new ValidationError('SCHEDULE.INVALID_PROMPT', `prompt must be 1–${MAX_WEEKLY_PROMPT_LENGTH} characters, or left out for the default question`, {
      field: 'prompt',
    });
  }
  return prompt;
}

const notFound = () => new NotFoundError('SCHEDULE.NOT_FOUND', 'No weekly analysis is scheduled: set one with PUT /api/schedules/weekly');
