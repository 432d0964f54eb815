// Port: the analysis jobs and their results (DynamoDB in AWS, SQLite locally). Reads are always scoped to the owner.

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface AnalysisJobRequest {
  sheet_id: string;
  sheet_range: string;
  prompt: string;
  /** Inclusive calendar dates (yyyy-mm-dd) compared with each trade's exit date in `timezone`. */
  start_date?: string;
  end_date?: string;
  timezone: string;
}

export interface JobError {
  code: string;
  message: string;
}

export interface AnalysisJob {
  job_id: string;
  user_id: string;
  status: JobStatus;
  stage: string;
  progress: number;
  created_at: string;
  updated_at: string;
  request: AnalysisJobRequest;
  error?: JobError;
  /** Completed output: report, report_markdown, metrics, insights (shape owned by the analysis workflow). */
  result?: Record<string, unknown>;
}

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
  complete(jobId: string, result: Record<string, unknown>): Promise<boolean>;
  /** Marks a job failed unless it has completed. */
  fail(jobId: string, error: JobError): Promise<void>;
  ready(): Promise<void>;
}
