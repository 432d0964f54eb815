// Port: stores a new job and queues its message as one change, where the job store and the queue share a database.
import type { AnalysisJob } from '../domain/job';
import type { AnalysisJobMessage } from './job-queue.port';

export interface JobIntake {
  readonly name: string;
  /**
   * Stores `job` and queues `message` in one transaction: both or neither, so no crash leaves a queued job without its
   * message. `JOB.ALREADY_EXISTS` when the id is taken (nothing is queued then).
   */
  submit(job: AnalysisJob, message: AnalysisJobMessage): Promise<void>;
}
