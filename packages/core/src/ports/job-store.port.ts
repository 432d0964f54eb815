// Port: the analysis jobs and their results (DynamoDB in AWS, SQLite locally). Reads are always scoped to the owner.
import type { AnalysisResult } from '../domain/analysis-result';
import type { AnalysisJob, JobError } from '../domain/job';

export type { AnalysisJob, JobError };

export interface JobStore {
  readonly name: string;
  create(job: AnalysisJob): Promise<void>;
  /** The job if `userId` owns it, else null (another user's job is indistinguishable from a missing one). */
  get(userId: string, jobId: string): Promise<AnalysisJob | null>;
  /** The owner's most recent jobs, newest first. */
  list(userId: string, limit: number): Promise<AnalysisJob[]>;
  /** Worker-side read by id alone (the queue message carries the owner too, and the worker checks it). */
  getById(jobId: string): Promise<AnalysisJob | null>;
  /** Marks a queued or running job running; returns false when it is already completed (or missing). */
  start(jobId: string): Promise<boolean>;
  /** Records the current stage and progress (0–1) of a running job; progress never moves back (a redelivered job re-runs its stages). */
  progress(jobId: string, stage: string, progress: number): Promise<void>;
  /** Stores the result once: returns false and changes nothing when the job was already completed. */
  complete(jobId: string, result: AnalysisResult): Promise<boolean>;
  /** Marks a job failed unless it has completed. */
  fail(jobId: string, error: JobError): Promise<void>;
  /** Puts a job that failed with `errorCode` back to `queued` (its error cleared); false when it is not such a job. */
  reopen(jobId: string, errorCode: string): Promise<boolean>;
  /**
   * Jobs still `queued` or `running` whose `updated_at` is before `updatedBefore` (ISO 8601), least recently updated
   * first, at most `limit`: what a crash may have left behind, for the reconciliation. Without results.
   */
  listUnfinished(updatedBefore: string, limit: number): Promise<AnalysisJob[]>;
  /**
   * How many of the owner's jobs are `queued` or `running`, counted up to `atMost` (the caller's cap: counting past it
   * would change nothing). Eventually consistent where the store's index is (DynamoDB).
   */
  countUnfinished(userId: string, atMost: number): Promise<number>;
  ready(): Promise<void>;
}
