// Job intake of local mode: the job row and its queue message written in one SQLite transaction (both live in one file).
import type BetterSqlite3 from 'better-sqlite3';
import type { AnalysisJob } from '../../domain/job';
import type { JobIntake } from '../../ports/job-intake.port';
import type { AnalysisJobMessage } from '../../ports/job-queue.port';
import type { Database } from './sqlite-database';
import type { SqliteJobQueue } from './sqlite-job-queue';
import type { SqliteJobStore } from './sqlite-job-store';

export class SqliteJobIntake implements JobIntake {
  readonly name = 'sqlite';
  private readonly submitTransaction: BetterSqlite3.Transaction<(job: AnalysisJob, message: AnalysisJobMessage) => void>;

  /** `jobs` and `queue` must be built on `db`: a transaction spans one connection. */
  constructor(db: Database, jobs: SqliteJobStore, private readonly queue: SqliteJobQueue) {
    this.submitTransaction = db.transaction((job: AnalysisJob, message: AnalysisJobMessage) => {
      jobs.insert(job);
      queue.send(message);
    });
  }

  async submit(job: AnalysisJob, message: AnalysisJobMessage): Promise<void> {
    // IMMEDIATE: the write lock from the start, so a concurrent writer waits (busy_timeout) rather than failing mid-way.
    this.submitTransaction.immediate(job, message);
    this.queue.notifySent();
  }
}
