import type { QueueMessage } from '../../ports/job-queue.port';
import { appendTrades, createJob, generateTrades, openFixture, OWNER, type AnalysisFixture } from '../../testing/workflow-fixture';
import { createAnalysisMessageHandler } from '../../services/analysis-worker';
import { failJobOfDeadLetter } from '../../services/job-messages';
import { LocalQueueWorker } from './local-queue-worker';
import type { SqliteJobQueue } from './sqlite-job-queue';

const ZONE = 'Asia/Tokyo';

describe('LocalQueueWorker', () => {
  let fx: AnalysisFixture;
  let clock: number;
  let queue: SqliteJobQueue;
  const workers: LocalQueueWorker[] = [];
  const messageHandler = () =>
    createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach, maxReceiveCount: 3 });
  const worker = (options: Partial<ConstructorParameters<typeof LocalQueueWorker>[0]> = {}) => {
    const created = new LocalQueueWorker({ queue, handler: messageHandler(), visibilityTimeoutMs: 30_000, pollIntervalMs: 5, ...options });
    workers.push(created);
    return created;
  };

  beforeEach(async () => {
    clock = Date.parse('2026-04-01T12:00:00Z');
    fx = openFixture();
    queue = fx.queue({ now: () => clock, maxReceiveCount: 3 });
    await appendTrades(fx.journal, generateTrades(12, { timezone: ZONE, firstDay: '2026-03-02' }));
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    fx.close();
  });

  it('hands the worker core a plain message and deletes what succeeded', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const { messageId } = await queue.enqueue({ job_id: job.job_id, user_id: OWNER });
    const seen: QueueMessage[] = [];
    const real = messageHandler();
    const spy = worker({
      handler: (message) => {
        seen.push(message);
        return real(message);
      },
    });

    expect(await spy.runOnce()).toEqual({ received: 1, succeeded: 1, failed: 0 });

    expect(seen).toEqual([{ messageId, body: JSON.stringify({ job_id: job.job_id, user_id: OWNER }), receiveCount: 1, signal: expect.any(AbortSignal) }]);
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 0 });
    expect(await spy.runOnce()).toEqual({ received: 0, succeeded: 0, failed: 0 });
  });

  it('is woken by a message queued in this process instead of waiting for its next poll', async () => {
    let handled!: (message: QueueMessage) => void;
    const delivered = new Promise<QueueMessage>((resolve) => (handled = resolve));
    // An hour between polls: only the wake-up can deliver the message before the test's timeout.
    const idle = worker({ pollIntervalMs: 3_600_000, handler: async (message) => handled(message) });
    idle.start();
    await new Promise((resolve) => setImmediate(resolve));

    const job = await createJob(fx.jobs, { timezone: ZONE });
    const { messageId } = await queue.enqueue({ job_id: job.job_id, user_id: OWNER });

    expect((await delivered).messageId).toBe(messageId);
  });

  it('is woken by a message queued before its first empty poll has gone to sleep', async () => {
    let handled!: (message: QueueMessage) => void;
    const delivered = new Promise<QueueMessage>((resolve) => (handled = resolve));
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const idle = worker({ pollIntervalMs: 3_600_000, handler: async (message) => handled(message) });

    // Queued in the same turn as the start: the first receive has found nothing, the sleep has not begun.
    idle.start();
    const { messageId } = await queue.enqueue({ job_id: job.job_id, user_id: OWNER });

    expect((await delivered).messageId).toBe(messageId);
  });

  it('moves a poison message to the dead letters after maxReceiveCount deliveries', async () => {
    await queue.enqueue({ job_id: '', user_id: OWNER });
    const w = worker({ visibilityTimeoutMs: 0 });

    for (let delivery = 1; delivery <= 3; delivery++) {
      expect(await w.runOnce()).toEqual({ received: 1, succeeded: 0, failed: 1 });
    }
    expect(await w.runOnce()).toEqual({ received: 0, succeeded: 0, failed: 0 });

    expect(await queue.deadLetters()).toEqual([expect.objectContaining({ body: JSON.stringify({ job_id: '', user_id: OWNER }), receiveCount: 3 })]);
  });

  it('finishes, exactly once, a job whose worker died mid-way, after the visibility timeout', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    await queue.enqueue({ job_id: job.job_id, user_id: OWNER });
    // The first worker takes the message, starts the job and dies: no delete, no result.
    const [taken] = await queue.receive({ visibilityTimeoutMs: 30_000 });
    await fx.jobs.start(job.job_id);
    const write = jest.spyOn(fx.coach, 'write');
    const successor = worker();

    expect(await successor.runOnce()).toEqual({ received: 0, succeeded: 0, failed: 0 });
    clock += 30_000;
    expect(await successor.runOnce()).toEqual({ received: 1, succeeded: 1, failed: 0 });

    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'completed', progress: 1 });
    expect(write).toHaveBeenCalledTimes(1);
    // The dead worker's receipt is stale; nothing is left to deliver, now or later.
    expect(await queue.delete(taken!.receiptHandle)).toBe(false);
    clock += 60 * 60_000;
    expect(await successor.runOnce()).toEqual({ received: 0, succeeded: 0, failed: 0 });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('fails the job of a message dead-lettered because every worker died on it', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const crashing = fx.queue({ now: () => clock, maxReceiveCount: 3, onDeadLetter: failJobOfDeadLetter(fx.jobs) });
    await crashing.enqueue({ job_id: job.job_id, user_id: OWNER });
    // Three workers each take the message, start the job and die before answering.
    for (let delivery = 1; delivery <= 3; delivery++) {
      expect(await crashing.receive({ visibilityTimeoutMs: 0 })).toHaveLength(1);
      await fx.jobs.start(job.job_id);
    }

    expect(await crashing.receive({ visibilityTimeoutMs: 0 })).toEqual([]);

    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.ABANDONED' } });
    expect((await crashing.stats()).deadLetter).toBe(1);
  });

  it('deletes the messages of a batch that succeeded and leaves only the failed ones to reappear', async () => {
    await queue.enqueue({ job_id: 'good', user_id: OWNER });
    await queue.enqueue({ job_id: 'bad', user_id: OWNER });
    const w = worker({
      batchSize: 10,
      handler: async (message) => {
        if (message.body.includes('"bad"')) throw new Error('cannot handle it');
      },
    });

    expect(await w.runOnce()).toEqual({ received: 2, succeeded: 1, failed: 1 });
    clock += 30_000;
    const [again, ...rest] = await queue.receive({ max: 10, visibilityTimeoutMs: 30_000 });
    expect(rest).toEqual([]);
    expect(again).toMatchObject({ body: JSON.stringify({ job_id: 'bad', user_id: OWNER }), receiveCount: 2 });
  });

  it('leaves every message of a batch to reappear when the handler throws', async () => {
    await queue.enqueue({ job_id: 'a', user_id: OWNER });
    await queue.enqueue({ job_id: 'b', user_id: OWNER });
    const w = worker({
      batchSize: 10,
      handler: async () => {
        throw new Error('handler crashed');
      },
    });

    expect(await w.runOnce()).toEqual({ received: 2, succeeded: 0, failed: 2 });
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 2, deadLetter: 0 });
    clock += 30_000;
    expect(await queue.stats()).toEqual({ visible: 2, inFlight: 0, deadLetter: 0 });
  });

  it('polls once started, and stop() waits for the batch in flight', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    await queue.enqueue({ job_id: job.job_id, user_id: OWNER });
    const w = worker();

    w.start();
    await w.stop();

    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 0 });
  });

  it('stop({ graceMs }) gives back a message still unfinished, writes nothing more for it, and the next worker finishes it once', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    await queue.enqueue({ job_id: job.job_id, user_id: OWNER });
    const write = fx.coach.write.bind(fx.coach);
    let entered!: () => void;
    const inCoach = new Promise<void>((resolve) => (entered = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const coach = jest.spyOn(fx.coach, 'write').mockImplementationOnce(async (input) => {
      entered();
      await held;
      return write(input);
    });
    const first = worker();
    first.start();
    await inCoach;

    const stopped = await first.stop({ graceMs: 0 });
    letGo();
    // A second stop waits for the abandoned handler to run out: it must have written nothing.
    await first.stop();

    expect(stopped).toEqual({ released: 1 });
    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'running' });
    expect(await queue.stats()).toEqual({ visible: 1, inFlight: 0, deadLetter: 0 });
    expect(await worker().runOnce()).toEqual({ received: 1, succeeded: 1, failed: 0 });
    expect(await fx.jobs.getById(job.job_id)).toMatchObject({ status: 'completed', progress: 1 });
    expect(coach).toHaveBeenCalledTimes(2);
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 0 });
  });

  it('stop({ graceMs }) releases nothing when the batch in flight finishes in time', async () => {
    const job = await createJob(fx.jobs, { timezone: ZONE });
    await queue.enqueue({ job_id: job.job_id, user_id: OWNER });
    const w = worker();

    w.start();
    const stopped = await w.stop({ graceMs: 60_000 });

    expect(stopped).toEqual({ released: 0 });
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
  });
});
