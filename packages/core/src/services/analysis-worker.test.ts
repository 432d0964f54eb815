import { appendTrades, createJob, generateTrades, openFixture, OWNER, type AnalysisFixture } from '../testing/workflow-fixture';
import type { Coach } from '../ports/coach.port';
import type { QueueMessage } from '../ports/job-queue.port';
import { createAnalysisMessageHandler, type AnalysisWorkerDeps } from './analysis-worker';
import { parseJobMessage, PoisonMessageError } from './job-messages';

const ZONE = 'Europe/Berlin';
let sequence = 0;

/** A delivery as any queue hands it over: id, body, receive count — nothing of SQS. */
function delivery(body: unknown, options: { receiveCount?: number; messageId?: string } = {}): QueueMessage {
  return {
    messageId: options.messageId ?? `msg-${++sequence}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    receiveCount: options.receiveCount ?? 1,
  };
}

const unavailableCoach: Coach = {
  name: 'overloaded',
  write: async () => {
    throw new Error('model overloaded');
  },
};

describe('analysis message handler (the worker core)', () => {
  let fx: AnalysisFixture;
  let clock: number;
  const handlerFor = (extra: Partial<AnalysisWorkerDeps> = {}) =>
    createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach, maxReceiveCount: 3, ...extra });
  const message = (jobId: string, userId = OWNER) => ({ job_id: jobId, user_id: userId });

  beforeEach(async () => {
    clock = Date.parse('2026-04-01T12:00:00Z');
    fx = openFixture({ now: () => clock });
    await appendTrades(fx.journal, generateTrades(30, { timezone: ZONE, firstDay: '2026-03-02' }));
  });
  afterEach(() => fx.close());

  it('completes the job a message names', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });

    await handlerFor()(delivery(message(job.job_id)));

    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'completed', progress: 1 });
  });

  it('throws on a poison message so that the queue dead-letters it', async () => {
    await expect(handlerFor()(delivery('{"job_id": '))).rejects.toBeInstanceOf(PoisonMessageError);
  });

  it('treats a body without a usable job id or user id as poison', () => {
    expect(() => parseJobMessage(delivery('not json'))).toThrow(PoisonMessageError);
    expect(() => parseJobMessage(delivery({ job_id: '', user_id: OWNER }))).toThrow(expect.objectContaining({ code: 'QUEUE.POISON_MESSAGE' }));
    expect(() => parseJobMessage(delivery({ job_id: 'j' }))).toThrow(/user_id/);
    expect(parseJobMessage(delivery(message('j1')))).toEqual(message('j1'));
  });

  it('does not write a second report when a completed job is delivered again', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');
    const handler = handlerFor();
    await handler(delivery(message(job.job_id)));
    const first = await fx.jobs.getById(job.job_id);
    clock += 60_000;

    await handler(delivery(message(job.job_id), { receiveCount: 2 }));

    expect(write).toHaveBeenCalledTimes(1);
    const second = await fx.jobs.getById(job.job_id);
    expect(second!.result).toEqual(first!.result);
    expect(second!.updated_at).toBe(first!.updated_at);
  });

  it('writes one report for two deliveries of one job handled at the same time', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');
    const complete = jest.spyOn(fx.jobs, 'complete');
    const handler = handlerFor();

    await Promise.all([handler(delivery(message(job.job_id))), handler(delivery(message(job.job_id)))]);

    expect(write).toHaveBeenCalledTimes(1);
    expect(complete).toHaveBeenCalledTimes(1);
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
  });

  it("ignores a message naming another user's job", async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');

    await handlerFor()(delivery(message(job.job_id, 'mallory')));

    expect(write).not.toHaveBeenCalled();
    expect(await fx.jobs.getById(job.job_id)).toEqual(job);
  });

  it('drops a message whose job does not exist', async () => {
    await expect(handlerFor()(delivery(message('no-such-job')))).resolves.toBeUndefined();
  });

  it('fails the job, without a retry, when the job itself is at fault', async () => {
    const job = await createJob(fx.jobs, { sheet_id: 'missing-sheet', timezone: ZONE });

    await expect(handlerFor()(delivery(message(job.job_id)))).resolves.toBeUndefined();

    expect(await fx.jobs.getById(job.job_id)).toMatchObject({
      status: 'failed',
      error: { code: 'SHEET.NOT_FOUND', message: expect.stringContaining('missing-sheet') },
    });
  });

  it('lets a transient failure be redelivered, and marks the job failed on the last allowed delivery', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const handler = handlerFor({ coach: unavailableCoach });

    await expect(handler(delivery(message(job.job_id), { receiveCount: 1 }))).rejects.toThrow('model overloaded');
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('running');

    await expect(handler(delivery(message(job.job_id), { receiveCount: 3 }))).rejects.toThrow('model overloaded');
    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.FAILED' } });
    // The internal error text stays in the logs, not in what the trader reads.
    expect((await fx.jobs.getById(job.job_id))!.error!.message).not.toMatch(/overloaded/);
  });
});
