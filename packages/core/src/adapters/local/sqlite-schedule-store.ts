// Schedule store of local mode: one weekly-analysis schedule per user in SQLite, and the enabled ones page by page.
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import type { ScheduleStore, WeeklySchedule } from '../../ports/schedule-store.port';
import type { Database } from './sqlite-database';

export interface SqliteScheduleStoreOptions {
  /** Schedules read per query by `enabled()`. */
  pageSize?: number;
}

interface ScheduleRow {
  user_id: string;
  sheet_id: string;
  sheet_range: string;
  prompt: string;
  timezone: string;
  enabled: 0 | 1;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'user_id, sheet_id, sheet_range, prompt, timezone, enabled, created_at, updated_at';
const DEFAULT_PAGE_SIZE = 100;

export class SqliteScheduleStore implements ScheduleStore {
  readonly name = 'sqlite';

  private readonly pageSize: number;
  private readonly upsertStatement: BetterSqlite3.Statement<ScheduleRow>;
  private readonly getStatement: BetterSqlite3.Statement<[string], ScheduleRow>;
  private readonly deleteStatement: BetterSqlite3.Statement<[string]>;
  private readonly enabledPageStatement: BetterSqlite3.Statement<[string, number], ScheduleRow>;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;

  constructor(db: Database, options: SqliteScheduleStoreOptions = {}) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ValidationError('SCHEDULE.INVALID_PAGE_SIZE', 'pageSize must be a positive integer.', { pageSize });
    }
    this.pageSize = pageSize;
    this.upsertStatement = db.prepare<ScheduleRow>(
      `INSERT INTO weekly_schedules (${COLUMNS})
       VALUES (@user_id, @sheet_id, @sheet_range, @prompt, @timezone, @enabled, @created_at, @updated_at)
       ON CONFLICT (user_id) DO UPDATE SET sheet_id = excluded.sheet_id, sheet_range = excluded.sheet_range,
         prompt = excluded.prompt, timezone = excluded.timezone, enabled = excluded.enabled,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    );
    this.getStatement = db.prepare(`SELECT ${COLUMNS} FROM weekly_schedules WHERE user_id = ?`);
    this.deleteStatement = db.prepare('DELETE FROM weekly_schedules WHERE user_id = ?');
    // Keyset paging over the partial index: each page is its own short query, so the caller may write to the same
    // database (queue jobs) between pages — better-sqlite3 refuses other statements while an iterator is open.
    this.enabledPageStatement = db.prepare(
      `SELECT ${COLUMNS} FROM weekly_schedules WHERE enabled = 1 AND user_id > ? ORDER BY user_id LIMIT ?`,
    );
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM weekly_schedules LIMIT 1').pluck();
  }

  async put(schedule: WeeklySchedule): Promise<void> {
    for (const field of ['user_id', 'sheet_id', 'sheet_range', 'prompt', 'timezone', 'created_at', 'updated_at'] as const) {
      if (typeof schedule[field] !== 'string' || schedule[field].length === 0) {
        throw new ValidationError('SCHEDULE.INVALID', `The schedule field ${field} is missing or invalid.`, { field });
      }
    }
    if (typeof schedule.enabled !== 'boolean') {
      throw new ValidationError('SCHEDULE.INVALID', 'The schedule field enabled is missing or invalid.', { field: 'enabled' });
    }
    this.upsertStatement.run({
      user_id: schedule.user_id,
      sheet_id: schedule.sheet_id,
      sheet_range: schedule.sheet_range,
      prompt: schedule.prompt,
      timezone: schedule.timezone,
      enabled: schedule.enabled ? 1 : 0,
      created_at: schedule.created_at,
      updated_at: schedule.updated_at,
    });
  }

  async get(userId: string): Promise<WeeklySchedule | null> {
    const row = this.getStatement.get(userId);
    return row ? toSchedule(row) : null;
  }

  async delete(userId: string): Promise<boolean> {
    return this.deleteStatement.run(userId).changes > 0;
  }

  async *enabled(): AsyncIterable<WeeklySchedule> {
    // '' sorts before every user id: the first page starts at the beginning.
    let after = '';
    for (;;) {
      const page = this.enabledPageStatement.all(after, this.pageSize);
      for (const row of page) yield toSchedule(row);
      const last = page.at(-1);
      if (!last || page.length < this.pageSize) return;
      after = last.user_id;
    }
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}

function toSchedule(row: ScheduleRow): WeeklySchedule {
  return {
    user_id: row.user_id,
    sheet_id: row.sheet_id,
    sheet_range: row.sheet_range,
    prompt: row.prompt,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
