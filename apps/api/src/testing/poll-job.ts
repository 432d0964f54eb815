// Test helper: polls an analysis job until it leaves `queued` / `running`, for the suites that run one end to end.
import { parseRetryAfter } from '@pecunia/core';

/** A job as its route answers it, read loosely: the assertions say what it must hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PolledJob = { status: string; [field: string]: any };

export interface PollOptions {
  /** Wait between polls. */
  intervalMs?: number;
  /** Give up after this long and return the last state, so the assertion on it fails instead of the test hanging. */
  timeoutMs?: number;
}

/** Longest wait a 429's Retry-After may ask of a test. */
const MAX_RETRY_WAIT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `get()` asks for the job (`GET /api/analysis/jobs/:id` with the caller's key) until its status is neither `queued`
 * nor `running`, or `timeoutMs` has passed; the last job read is returned. On a slow machine the polls can outrun a
 * per-user quota: a 429 is a reason to wait (its Retry-After, at most 2 s), not the job's state. Any other answer that
 * is not a job ends the poll with a `status` naming it, which the caller's assertion then reports.
 */
export async function pollJob(get: () => Promise<Response>, options: PollOptions = {}): Promise<PolledJob> {
  const { intervalMs = 50, timeoutMs = 30_000 } = options;
  const deadline = Date.now() + timeoutMs;
  let job: PolledJob = { status: 'queued' };
  while ((job.status === 'queued' || job.status === 'running') && Date.now() < deadline) {
    await sleep(intervalMs);
    const answer = await get();
    if (answer.status === 429) {
      await answer.text();
      const asked = parseRetryAfter(answer.headers.get('retry-after'));
      // None, unreadable or 0: half a second, so a quota is not asked again at once.
      await sleep(!asked ? 500 : Math.min(asked, MAX_RETRY_WAIT_MS));
      continue;
    }
    if (!answer.ok) return { status: `HTTP ${answer.status}`, body: await answer.text() };
    job = (await answer.json()) as PolledJob;
  }
  return job;
}
