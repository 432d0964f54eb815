// Port: each user's weekly analysis schedule (SQLite locally, DynamoDB in AWS), and the enabled ones for the weekly run.
import type { WeeklySchedule } from '../domain/schedule';

export type { WeeklySchedule };

export interface ScheduleStore {
  readonly name: string;
  /** Creates or replaces the user's schedule. */
  put(schedule: WeeklySchedule): Promise<void>;
  get(userId: string): Promise<WeeklySchedule | null>;
  /** True when there was one to delete. */
  delete(userId: string): Promise<boolean>;
  /** Every enabled schedule, page by page underneath: the weekly run reads them all. */
  enabled(): AsyncIterable<WeeklySchedule>;
  ready(): Promise<void>;
}
