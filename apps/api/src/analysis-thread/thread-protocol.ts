// The messages between the API's main thread and its analysis thread, both ways; every one is structured-cloneable.
import type { PecuniaConfig } from '@pecunia/core/composition';

/** What the thread starts from (`workerData`): the configuration main read, never process.env again. */
export interface ThreadData {
  config: PecuniaConfig;
  /** Base of local media links; the listening port may be known only later (`public-base-url`). */
  publicBaseUrl: string;
  /** Wait between polls of an empty local queue; unset: the composition's default. */
  queuePollIntervalMs?: number;
}

export type ToThread =
  /** A message was queued on the main thread: the local consumer need not wait for its next poll. */
  | { type: 'wake' }
  | { type: 'public-base-url'; url: string }
  /** A trader reconnected Google: the thread's cached client for them holds their old tokens. */
  | { type: 'forget-user'; userId: string }
  /** Finish (or, after `graceMs`, give back) the jobs in hand, close the adapters, report `stopped`, end. */
  | { type: 'stop'; graceMs?: number };

export type LogLevel = 'info' | 'warn' | 'error';

export type FromThread =
  | { type: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  /** The consumer is polling: what a crash left in the queue has been put right. */
  | { type: 'started' }
  /** Queue messages being handled now (sent as the count changes): what a thread cut off mid-job leaves in flight. */
  | { type: 'jobs'; inHand: number }
  | { type: 'stopped'; released: number };
