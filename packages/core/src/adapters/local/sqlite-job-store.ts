// Job store of local mode: analysis jobs in SQLite, owner-scoped reads and write-once completion like the DynamoDB store.
import type BetterSqlite3 from 'better-sqlite3';
import { ConflictError, ValidationError } from '../../errors';
import type { AnalysisResult } from '../../domain/analysis-result';
import { assertStorableJob, clampJobListLimit, MAX_JOB_LIST, type AnalysisJob, type AnalysisJobRequest, type JobError, type JobStatus } from '../../domain/job';
import type { JobStore } from '../../ports/job-store.port';
import type { Database } from './sqlite-database';

export { MAX_JOB_LIST as MAX_LIST_LIMIT };

export interface SqliteJobStoreOptions {
  now?: () => number;
}

interface JobRow {
  job_id: string;
  user_id: string;
  status: JobStatus;
  stage: string;
  progress: number;
  created_at: string;
  updated_at: string;
  request: string;
  error: string | null;
  result: string | null;
}

const COLUMNS = 'job_id, user_id, status, stage, progress, created_at, updated_at, request, error, result';

export { clampJobListLimit as clampListLimit };

export class SqliteJobStore implements JobStore {
  readonly name = 'sqlite';

  private readonly now: () => number;
  private readonly insertStatement: BetterSqlite3.Statement<[JobRow]>;
  private readonly getStatement: BetterSqlite3.Statement<[string, string], JobRow>;
  private readonly getByIdStatement: BetterSqlite3.Statement<[string], JobRow>;
  private readonly listStatement: BetterSqlite3.Statement<[string, number], JobRow>;
  private readonly startStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly progressStatement: BetterSqlite3.Statement<[string, number, string, string]>;
  private readonly completeStatement: BetterSqlite3.Statement<[string, string, string]>;
  private readonly failStatement: BetterSqlite3.Statement<[string, string, string]>;
  private readonly reopenStatement: BetterSqlite3.Statement<[string, string, string]>;
  private readonly failUnfinishedStatement: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly unfinishedStatement: BetterSqlite3.Statement<[string, number], JobRow>;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly countUnfinishedStatement: BetterSqlite3.Statement<[string, number], number>;

  constructor(db: Database, options: SqliteJobStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.insertStatement = db.prepare(
      `INSERT INTO jobs (${COLUMNS})
       VALUES (@job_id, @user_id, @status, @stage, @progress, @created_at, @updated_at, @request, @error, @result)
       ON CONFLICT (job_id) DO NOTHING`,
    );
    this.getStatement = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE user_id = ? AND job_id = ?`);
    this.getByIdStatement = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE job_id = ?`);
    // rowid breaks ties between jobs created within the same millisecond: the later insert is the newer job.
    this.listStatement = db.prepare(
      `SELECT ${COLUMNS} FROM jobs WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    );
    // A failed job may be retried (the queue redelivers it); its old error no longer describes it.
    this.startStatement = db.prepare(
      `UPDATE jobs SET status = 'running', error = NULL, updated_at = ?
       WHERE job_id = ? AND status IN ('queued', 'running', 'failed')`,
    );
    this.progressStatement = db.prepare(
      "UPDATE jobs SET stage = ?, progress = MAX(progress, ?), updated_at = ? WHERE job_id = ? AND status = 'running'",
    );
    // Conditional so that a redelivered message finishing a second time cannot overwrite the first result.
    this.completeStatement = db.prepare(
      `UPDATE jobs SET status = 'completed', stage = 'completed', progress = 1, result = ?, error = NULL, updated_at = ?
       WHERE job_id = ? AND status != 'completed'`,
    );
    this.reopenStatement = db.prepare(
      `UPDATE jobs SET status = 'queued', stage = 'queued', progress = 0, error = NULL, updated_at = ?
       WHERE job_id = ? AND status = 'failed' AND json_extract(error, '$.code') = ?`,
    );
    this.failStatement = db.prepare(
      "UPDATE jobs SET status = 'failed', error = ?, updated_at = ? WHERE job_id = ? AND status != 'completed'",
    );
    this.failUnfinishedStatement = db.prepare(
      "UPDATE jobs SET status = 'failed', error = ?, updated_at = ? WHERE job_id = ? AND user_id = ? AND status IN ('queued', 'running')",
    );
    this.unfinishedStatement = db.prepare(
      `SELECT ${COLUMNS} FROM jobs WHERE status IN ('queued', 'running') AND updated_at < ? ORDER BY updated_at, rowid LIMIT ?`,
    );
    this.probeStatement = db.prepare<[], number>('SELECT 1').pluck();
    // Stops at the cap: a user with a long history of finished jobs costs no more than one with none.
    this.countUnfinishedStatement = db
      .prepare<[string, number], number>("SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE user_id = ? AND status IN ('queued', 'running') LIMIT ?)")
      .pluck();
  }

  async create(job: AnalysisJob): Promise<void> {
    this.insert(job);
  }

  /** `create`, synchronously: for a transaction that writes the job together with something else (its queue message). */
  insert(job: AnalysisJob): void {
    assertStorableJob(job);
    const inserted = this.insertStatement.run({
      job_id: job.job_id,
      user_id: job.user_id,
      status: job.status,
      stage: job.stage,
      progress: job.progress,
      created_at: job.created_at,
      updated_at: job.updated_at,
      request: JSON.stringify(job.request),
      error: job.error === undefined ? null : JSON.stringify(job.error),
      result: job.result === undefined ? null : JSON.stringify(job.result),
    });
    if (inserted.changes === 0) {
      throw new ConflictError('JOB.ALREADY_EXISTS', `Job ${job.job_id} already exists.`, { job_id: job.job_id });
    }
  }

  async get(userId: string, jobId: string): Promise<AnalysisJob | null> {
    const row = this.getStatement.get(userId, jobId);
    return row ? toJob(row) : null;
  }

  async list(userId: string, limit: number): Promise<AnalysisJob[]> {
    return this.listStatement.all(userId, clampJobListLimit(limit)).map(toJob);
  }

  async getById(jobId: string): Promise<AnalysisJob | null> {
    const row = this.getByIdStatement.get(jobId);
    return row ? toJob(row) : null;
  }

  async start(jobId: string): Promise<boolean> {
    return this.startStatement.run(this.timestamp(), jobId).changes > 0;
  }

  async progress(jobId: string, stage: string, progress: number): Promise<void> {
    if (!Number.isFinite(progress)) {
      throw new ValidationError('JOB.INVALID_PROGRESS', 'Job progress must be a number between 0 and 1.', { progress });
    }
    this.progressStatement.run(stage, Math.min(1, Math.max(0, progress)), this.timestamp(), jobId);
  }

  async complete(jobId: string, result: AnalysisResult): Promise<boolean> {
    return this.completeStatement.run(JSON.stringify(result), this.timestamp(), jobId).changes > 0;
  }

  async fail(jobId: string, error: JobError): Promise<void> {
    this.failStatement.run(JSON.stringify({ code: error.code, message: error.message }), this.timestamp(), jobId);
  }

  async reopen(jobId: string, errorCode: string): Promise<boolean> {
    return this.reopenStatement.run(this.timestamp(), jobId, errorCode).changes > 0;
  }

  async listUnfinished(updatedBefore: string, limit: number): Promise<AnalysisJob[]> {
    return this.unfinishedStatement.all(updatedBefore, Math.max(1, Math.trunc(limit))).map(toJob);
  }

  async countUnfinished(userId: string, atMost: number): Promise<number> {
    return this.countUnfinishedStatement.get(userId, Math.max(0, Math.trunc(atMost))) ?? 0;
  }

  /**
   * Fails `jobId` of `userId` if it is still queued or running, synchronously: for the transaction that dead-letters
   * its message. True when it was failed.
   */
  failIfUnfinished(jobId: string, userId: string, error: JobError): boolean {
    return this.failUnfinishedStatement.run(JSON.stringify({ code: error.code, message: error.message }), this.timestamp(), jobId, userId).changes > 0;
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}


function toJob(row: JobRow): AnalysisJob {
  const job: AnalysisJob = {
    job_id: row.job_id,
    user_id: row.user_id,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    created_at: row.created_at,
    updated_at: row.updated_at,
    request: JSON.parse(row.request) as AnalysisJobRequest,
  };
  if (row.error !== null) job.error = JSON.parse(row.error) as JobError;
  if (row.result !== null) job.result = JSON.parse(row.result) as AnalysisResult;
  return job;
}
