// Stage and progress of a running job: only ever moves forward, even when parallel steps report in any order.
import type { JobStore } from '../../ports/job-store.port';
import type { WorkflowLogger } from './deps';

export class ProgressTracker {
  private current = 0;
  // Writes go out one after another so that a slower earlier write can never land after a later one.
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobStore,
    private readonly jobId: string,
    private readonly logger?: WorkflowLogger,
  ) {}

  /** The last value reported. */
  get value(): number {
    return this.current;
  }

  /** Records `stage` at `progress`, or a hair above the last value when a parallel step already went further. */
  report(stage: string, progress: number): Promise<void> {
    return this.write(stage, Math.max(progress, this.current + 0.01));
  }

  /** Records `stage` at `step` above the last value: parallel steps each move the bar without knowing the others. */
  advance(stage: string, step: number): Promise<void> {
    return this.write(stage, this.current + step);
  }

  private write(stage: string, progress: number): Promise<void> {
    // Below 1: only completion itself may say the job is done.
    const value = Math.round(Math.min(progress, 0.99) * 1000) / 1000;
    this.current = value;
    this.chain = this.chain.then(async () => {
      try {
        await this.jobs.progress(this.jobId, stage, value);
      } catch (error) {
        // Progress is for people watching; a lost update must not cost the analysis.
        this.logger?.warn('job progress update failed', { job_id: this.jobId, stage, error: errorMessage(error) });
      }
    });
    return this.chain;
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
