import { createClient, PecuniaClientError, PecuniaJobFailedError, type Job, type JobProgress } from './index';
import { waitForJob } from './wait-for-job';
import { fakeFetch, fakeSleep, json, type Answer, jobBody } from './testing/fake-fetch';

const job = jobBody;

const done = job('completed', 'completed', 1, { report: { summary: 'ok' }, report_markdown: '# Report', metrics: { trade_count: 3 } });

function clientAnswering(...answers: Answer[]) {
  const fetch = fakeFetch(...answers);
  const sleep = fakeSleep();
  return { client: createClient({ baseUrl: 'http://api.test', apiKey: 'k', fetch, sleep }), fetch, sleep };
}

describe('waitForJob', () => {
  it('reports each change of status, stage and progress, then resolves with the completed job', async () => {
    const { client, sleep, fetch } = clientAnswering(
      json(200, job('queued', 'queued', 0)),
      json(200, job('running', 'load_journal', 0.05)),
      json(200, job('running', 'load_journal', 0.05)),
      json(200, job('running', 'compute_metrics', 0.2)),
      json(200, done),
    );
    const seen: JobProgress[] = [];

    const completed = await client.waitForJob('job-1', { intervalMs: 250, onProgress: (p) => seen.push(p) });

    expect(completed.report_markdown).toBe('# Report');
    expect(seen.map(({ status, stage, progress }) => [status, stage, progress])).toEqual([
      ['queued', 'queued', 0],
      ['running', 'load_journal', 0.05],
      ['running', 'compute_metrics', 0.2],
      ['completed', 'completed', 1],
    ]);
    expect(fetch.seen).toHaveLength(5);
    expect(fetch.seen[0]!.url.pathname).toBe('/api/analysis/jobs/job-1');
    expect(sleep.waits).toEqual([250, 250, 250, 250]);
  });

  it('waits without a deadline for an infinite or very long timeout, and never polls faster than 100 ms', async () => {
    for (const timeoutMs of [Infinity, 3_000_000_000]) {
      const { client, sleep } = clientAnswering(json(200, job('running', 'load_journal', 0.05)), json(200, done));

      const completed = await client.waitForJob('job-1', { timeoutMs, intervalMs: 0 });

      expect(completed.status).toBe('completed');
      expect(sleep.waits).toEqual([100]);
    }
  });

  it('refuses a timeout that is not a number of milliseconds', async () => {
    const { client } = clientAnswering(json(200, done));
    await expect(client.waitForJob('job-1', { timeoutMs: Number.NaN })).rejects.toMatchObject({ code: 'CLIENT.INVALID_OPTIONS' });
  });

  it('rejects with the job’s error code when the job fails', async () => {
    const { client } = clientAnswering(json(200, job('failed', 'load_journal', 0.05, { error: { code: 'SHEET.NOT_FOUND', message: 'No journal' } })));

    const error = await client.waitForJob('job-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PecuniaJobFailedError);
    expect(error).toMatchObject({ code: 'SHEET.NOT_FOUND', job: { job_id: 'job-1', status: 'failed' } });
  });

  it('rejects with CLIENT.ABORTED when the caller aborts, and stops polling', async () => {
    const controller = new AbortController();
    const { client, fetch } = clientAnswering(json(200, job('running', 'load_journal', 0.05)));
    let calls = 0;

    const error = await client
      .waitForJob('job-1', {
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 1) controller.abort(new Error('user pressed Ctrl-C'));
        },
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PecuniaClientError);
    expect(error).toMatchObject({ code: 'CLIENT.ABORTED' });
    expect(fetch.seen).toHaveLength(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { client, fetch } = clientAnswering(json(200, done));
    await expect(client.waitForJob('job-1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CLIENT.ABORTED' });
    expect(fetch.seen).toHaveLength(0);
  });

  it('rejects with CLIENT.TIMEOUT once the time is up', async () => {
    let clock = 0;
    let polls = 0;
    const getJob = async () => {
      polls++;
      return job('running', 'synthesize', 0.8) as unknown as Job;
    };
    const deps = { sleep: async (ms: number) => void (clock += ms), now: () => clock };

    await expect(waitForJob(getJob, 'job-1', { intervalMs: 1000, timeoutMs: 3500 }, deps)).rejects.toMatchObject({ code: 'CLIENT.TIMEOUT' });
    expect(polls).toBe(5);
    expect(clock).toBe(3500);
  });
});
