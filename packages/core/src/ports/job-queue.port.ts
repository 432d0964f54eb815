// Port: hands an analysis job to the asynchronous worker (SQS in AWS, a SQLite-backed queue locally).

export interface AnalysisJobMessage {
  job_id: string;
  user_id: string;
}

export interface JobQueue {
  readonly name: string;
  enqueue(message: AnalysisJobMessage): Promise<{ messageId: string }>;
  ready(): Promise<void>;
}
