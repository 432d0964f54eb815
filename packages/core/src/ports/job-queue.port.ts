// Port: hands an analysis job to the asynchronous worker (SQS in AWS, a SQLite-backed queue locally).

export interface AnalysisJobMessage {
  job_id: string;
  user_id: string;
}

/**
 * Deliveries of one message before the queue gives up on it (SQS redrive `maxReceiveCount`). The worker, the local
 * queue and the deployed queue all read this one number: on the last delivery a failing job is marked failed.
 */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;

/** A message as a queue delivers it to a worker, whatever the queue (SQS, SQLite): its id, body and delivery count. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** 1 on the first delivery; compared with the queue's maxReceiveCount to know the last attempt. */
  receiveCount: number;
  /**
   * Aborted when the worker stops before this message is done (a shutdown's grace period ran out): the message has
   * been made visible again for the next worker, so the handler must write nothing more for it.
   */
  signal?: AbortSignal;
}

/** What a worker does with one message: resolves when it is done with, throws when it should be delivered again. */
export type QueueMessageHandler = (message: QueueMessage) => Promise<void>;

export interface JobQueue {
  readonly name: string;
  enqueue(message: AnalysisJobMessage): Promise<{ messageId: string }>;
  /**
   * The job ids of every message waiting or in flight (dead letters excluded). Only a queue that can list its messages
   * has it — the local one; SQS cannot — and the reconciliation then knows which unfinished jobs lost theirs.
   */
  pendingJobIds?(): Promise<ReadonlySet<string>>;
  ready(): Promise<void>;
}
