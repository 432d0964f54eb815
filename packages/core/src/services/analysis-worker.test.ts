import type { SQSRecord } from 'aws-lambda';
import { createSqsBatchHandler } from '../adapters/aws/sqs-batch-handler';
import { lambdaContext, sqsRecord } from '../testing/aws-events';
import { appendTrades, createJob, generateTrades, openFixture, OWNER, type AnalysisFixture } from '../testing/workflow-fixture';
import type { Coach } from '../ports/coach.port';
import { createAnalysisMessageHandler, type AnalysisWorkerDeps } from './analysis-worker';
import { parseJobMessage, PoisonMessageError } from './job-messages';

const ZONE = 'Europe/Berlin';
let sequence = 0;

function record(body: unknown, options: { receiveCount?: number; messageId?: string } = {}): SQSRecord {
  return sqsRecord(typeof body === 'string' ? body : JSON.stringify(body), {
    messageId: options.messageId ?? `msg-${++sequence}`,
    receiveCount: options.receiveCount ?? 1,
  });
}

const unavailableCoach: Coach = {
  name: 'overloaded',
  write: async () => {
    throw new Error('model overloaded');
  },
};

describe('analysis message handler behind the SQS batch handler', () => {
  let fx: AnalysisFixture;
  let clock: number;
  const context = lambdaContext();
  const handlerFor = (extra: Partial<AnalysisWorkerDeps> = {}) =>
    createSqsBatchHandler(
      createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach, maxReceiveCount: 3, ...extra }),
    );
  const message = (jobId: string, userId = OWNER) => ({ job_id: jobId, user_id: userId });

  beforeEach(async () => {
    clock = Date.parse('2026-04-01T12:00:00Z');
    fx = openFixture({ now: () => clock });
    await appendTrades(fx.journal, generateTrades(30, { timezone: ZONE, firstDay: '2026-03-02' }));
  });
  afterEach(() => fx.close());

  it('reports only the poison message of a batch as failed', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const good = record(message(job.job_id));
    const poison = record('{"job_id": ');

    const response = await handlerFor()({ Records: [good, poison] }, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
  });

  it('treats a body without a usable job id or user id as poison', () => {
    expect(() => parseJobMessage(record('not json'))).toThrow(PoisonMessageError);
    expect(() => parseJobMessage(record({ job_id: '', user_id: OWNER }))).toThrow(expect.objectContaining({ code: 'QUEUE.POISON_MESSAGE' }));
    expect(() => parseJobMessage(record({ job_id: 'j' }))).toThrow(/user_id/);
    expect(parseJobMessage(record(message('j1')))).toEqual(message('j1'));
  });

  it('does not write a second report when a completed job is delivered again', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');
    const handler = handlerFor();
    await handler({ Records: [record(message(job.job_id))] }, context);
    const first = await fx.jobs.getById(job.job_id);
    clock += 60_000;

    const response = await handler({ Records: [record(message(job.job_id), { receiveCount: 2 })] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(write).toHaveBeenCalledTimes(1);
    const second = await fx.jobs.getById(job.job_id);
    expect(second!.result).toEqual(first!.result);
    expect(second!.updated_at).toBe(first!.updated_at);
  });

  it('writes one report for duplicate messages of one job in the same batch', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');
    const complete = jest.spyOn(fx.jobs, 'complete');

    const response = await handlerFor()({ Records: [record(message(job.job_id)), record(message(job.job_id))] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(write).toHaveBeenCalledTimes(1);
    expect(complete).toHaveBeenCalledTimes(1);
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
  });

  it("ignores a message naming another user's job", async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const write = jest.spyOn(fx.coach, 'write');

    const response = await handlerFor()({ Records: [record(message(job.job_id, 'mallory'))] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(write).not.toHaveBeenCalled();
    expect(await fx.jobs.getById(job.job_id)).toEqual(job);
  });

  it('drops a message whose job does not exist', async () => {
    const response = await handlerFor()({ Records: [record(message('no-such-job'))] }, context);
    expect(response.batchItemFailures).toEqual([]);
  });

  it('fails the job, without a retry, when the job itself is at fault', async () => {
    const job = await createJob(fx.jobs, { sheet_id: 'missing-sheet', timezone: ZONE });

    const response = await handlerFor()({ Records: [record(message(job.job_id))] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(await fx.jobs.getById(job.job_id)).toMatchObject({
      status: 'failed',
      error: { code: 'SHEET.NOT_FOUND', message: expect.stringContaining('missing-sheet') },
    });
  });

  it('lets a transient failure be redelivered, and marks the job failed on the last allowed delivery', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const handler = handlerFor({ coach: unavailableCoach });

    const first = record(message(job.job_id), { receiveCount: 1 });
    expect(await handler({ Records: [first] }, context)).toEqual({ batchItemFailures: [{ itemIdentifier: first.messageId }] });
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('running');

    const last = record(message(job.job_id), { receiveCount: 3 });
    expect(await handler({ Records: [last] }, context)).toEqual({ batchItemFailures: [{ itemIdentifier: last.messageId }] });
    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.FAILED' } });
    // The internal error text stays in the logs, not in what the trader reads.
    expect((await fx.jobs.getById(job.job_id))!.error!.message).not.toMatch(/overloaded/);
  });
});
