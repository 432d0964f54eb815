import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, type Database } from './sqlite-database';
import { LocalQueueWorker } from './local-queue-worker';
import { SqliteJobQueue } from './sqlite-job-queue';

const run = promisify(execFile);
const message = (n: number) => ({ job_id: `job-${n}`, user_id: 'alice' });

describe('SqliteJobQueue', () => {
  let dir: string;
  let file: string;
  let clock: number;
  const now = () => clock;
  const databases: Database[] = [];
  const open = (): Database => {
    const db = openDatabase(file);
    databases.push(db);
    return db;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    file = path.join(dir, 'pecunia.sqlite');
    clock = Date.parse('2026-03-01T10:00:00Z');
  });
  afterEach(() => {
    for (const db of databases.splice(0)) if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is named sqlite-queue and ready', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    expect(queue.name).toBe('sqlite-queue');
    await expect(queue.ready()).resolves.toBeUndefined();
  });

  it('delivers the JSON body, oldest first, with a fresh message id', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    const ids = [];
    for (let n = 1; n <= 3; n++) ids.push((await queue.enqueue(message(n))).messageId);
    expect(new Set(ids).size).toBe(3);
    ids.forEach((id) => expect(id).toMatch(/^[0-9a-f-]{36}$/));

    const received = await queue.receive({ max: 10, visibilityTimeoutMs: 30_000 });
    expect(received.map((m) => m.messageId)).toEqual(ids);
    expect(received[0]).toEqual({
      messageId: ids[0],
      receiptHandle: expect.any(String),
      body: JSON.stringify(message(1)),
      receiveCount: 1,
      sentAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await queue.receive({ max: 10 })).toEqual([]);
  });

  it('takes turns between users: one user’s 30 queued jobs do not hold back another’s one', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    for (let n = 1; n <= 30; n++) await queue.enqueue({ job_id: `a-${n}`, user_id: 'alice' });
    await queue.enqueue({ job_id: 'b-1', user_id: 'bob' });
    const userOf = (m: { body: string }) => (JSON.parse(m.body) as { job_id: string }).job_id;

    const batch = await queue.receive({ max: 4 });

    // Bob's turn comes right after Alice's first; Alice's own jobs stay first in, first out.
    expect(batch.map(userOf)).toEqual(['a-1', 'b-1', 'a-2', 'a-3']);
  });

  it('counts what a user has in flight: the next receive goes to the user with fewer running', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    for (let n = 1; n <= 3; n++) await queue.enqueue({ job_id: `a-${n}`, user_id: 'alice' });
    const [first] = await queue.receive({ max: 1 });
    await queue.enqueue({ job_id: 'b-1', user_id: 'bob' });
    await queue.enqueue({ job_id: 'b-2', user_id: 'bob' });

    const next = await queue.receive({ max: 1 });

    expect(JSON.parse(first!.body)).toMatchObject({ job_id: 'a-1' });
    expect(JSON.parse(next[0]!.body)).toMatchObject({ job_id: 'b-1' });
    // A newcomer's first message goes before both: it has nothing in flight.
    queue.send({ job_id: 'p', user_id: 'carol' });
    expect((await queue.receive({ max: 10, visibilityTimeoutMs: 0 })).map((m) => JSON.parse(m.body).job_id)).toEqual(['p', 'a-2', 'b-2', 'a-3']);
  });

  it('starts the one job of a second user among the first ANALYSIS_CONCURRENCY + 1 the local worker runs', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    for (let n = 1; n <= 30; n++) await queue.enqueue({ job_id: `a-${n}`, user_id: 'alice' });
    await queue.enqueue({ job_id: 'b-1', user_id: 'bob' });
    const started: string[] = [];
    const concurrency = 4; // ANALYSIS_CONCURRENCY's default
    const worker = new LocalQueueWorker({ queue, batchSize: concurrency, handler: async (m) => void started.push(JSON.parse(m.body).user_id) });

    while (started.length < concurrency + 1) await worker.runOnce();

    expect(started.slice(0, concurrency + 1)).toContain('bob');
  });

  it('respects max', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    for (let n = 1; n <= 5; n++) await queue.enqueue(message(n));
    expect(await queue.receive({ max: 2 })).toHaveLength(2);
    expect(await queue.receive()).toHaveLength(1);
    expect(await queue.stats()).toEqual({ visible: 2, inFlight: 3, deadLetter: 0 });
  });

  it('redelivers a message after its visibility timeout with a higher receive count and a new receipt', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    await queue.enqueue(message(1));
    const [first] = await queue.receive({ max: 1, visibilityTimeoutMs: 10_000 });
    clock += 9_999;
    expect(await queue.receive({ max: 1, visibilityTimeoutMs: 10_000 })).toEqual([]);
    clock += 1;
    const [second] = await queue.receive({ max: 1, visibilityTimeoutMs: 10_000 });
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiveCount).toBe(2);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);

    // The stale receipt of the first delivery can neither delete nor extend the redelivered message.
    expect(await queue.delete(first?.receiptHandle ?? '')).toBe(false);
    expect(await queue.changeVisibility(first?.receiptHandle ?? '', 0)).toBe(false);
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 1, deadLetter: 0 });
    expect(await queue.delete(second?.receiptHandle ?? '')).toBe(true);
    expect(await queue.delete(second?.receiptHandle ?? '')).toBe(false);
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 0 });
  });

  it('changes the visibility of a received message', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    await queue.enqueue(message(1));
    const [received] = await queue.receive({ visibilityTimeoutMs: 10_000 });
    const handle = received?.receiptHandle ?? '';

    expect(await queue.changeVisibility(handle, 60_000)).toBe(true);
    clock += 30_000;
    expect(await queue.receive()).toEqual([]);

    expect(await queue.changeVisibility(handle, 0)).toBe(true);
    expect((await queue.receive())[0]?.receiveCount).toBe(2);
    expect(await queue.changeVisibility('no-such-receipt', 0)).toBe(false);
    await expect(queue.changeVisibility(handle, -1)).rejects.toMatchObject({ code: 'QUEUE.INVALID_VISIBILITY_TIMEOUT' });
  });

  it('never returns the same message twice in one batch, even with a zero visibility timeout', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    await queue.enqueue(message(1));
    await queue.enqueue(message(2));
    const batch = await queue.receive({ max: 10, visibilityTimeoutMs: 0 });
    expect(batch.map((m) => m.body)).toEqual([JSON.stringify(message(1)), JSON.stringify(message(2))]);
    expect((await queue.receive({ max: 10, visibilityTimeoutMs: 0 })).map((m) => m.receiveCount)).toEqual([2, 2]);
  });

  it('moves a message to the dead letters instead of receiving it a (maxReceiveCount+1)-th time, and redrives it', async () => {
    const queue = new SqliteJobQueue(open(), { now, maxReceiveCount: 3 });
    const poison = await queue.enqueue(message(1));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const batch = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
      expect(batch.map((m) => [m.messageId, m.receiveCount])).toEqual([[poison.messageId, attempt]]);
      clock += 1_000; // never deleted: the worker keeps crashing on it
    }
    const later = await queue.enqueue(message(2));
    const fourth = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
    // Message 1 went to the dead letters; message 2 behind it is still delivered in the same call.
    expect(fourth.map((m) => m.messageId)).toEqual([later.messageId]);
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 1, deadLetter: 1 });
    const deadLetters = await queue.deadLetters();
    expect(deadLetters).toEqual([
      {
        messageId: expect.any(String),
        body: JSON.stringify(message(1)),
        receiveCount: 3,
        sentAt: '2026-03-01T10:00:00.000Z',
        deadLetteredAt: new Date(clock).toISOString(),
      },
    ]);

    expect(await queue.redrive()).toBe(1);
    expect(await queue.redrive()).toBe(0);
    expect(await queue.deadLetters()).toEqual([]);
    const [redriven] = await queue.receive({ max: 10 });
    expect(redriven?.messageId).toBe(poison.messageId);
    expect(redriven?.receiveCount).toBe(1);
  });

  it('releases in-flight messages at once for a restarted worker, voiding the old receipts', async () => {
    const queue = new SqliteJobQueue(open(), { now });
    await queue.enqueue({ job_id: 'j1', user_id: 'u1' });
    const [taken] = await queue.receive({ visibilityTimeoutMs: 300_000 });

    expect(await queue.releaseInFlight()).toBe(1);

    const [again] = await queue.receive({ visibilityTimeoutMs: 300_000 });
    expect(again).toMatchObject({ messageId: taken!.messageId, receiveCount: 2 });
    expect(await queue.delete(taken!.receiptHandle)).toBe(false);
    expect(await queue.delete(again!.receiptHandle)).toBe(true);
  });

  it('cannot delete a dead letter with its last receipt', async () => {
    const queue = new SqliteJobQueue(open(), { now, maxReceiveCount: 1 });
    await queue.enqueue(message(1));
    const [only] = await queue.receive({ visibilityTimeoutMs: 1_000 });
    clock += 1_000;
    expect(await queue.receive()).toEqual([]);
    expect(await queue.delete(only?.receiptHandle ?? '')).toBe(false);
    expect(await queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 1 });
  });

  it('survives closing and reopening the database', async () => {
    const db = open();
    const queue = new SqliteJobQueue(db, { now });
    const { messageId } = await queue.enqueue(message(1));
    await queue.enqueue(message(2));
    const [inFlight] = await queue.receive({ visibilityTimeoutMs: 60_000 });
    db.close();

    const reopened = new SqliteJobQueue(open(), { now });
    expect(await reopened.stats()).toEqual({ visible: 1, inFlight: 1, deadLetter: 0 });
    clock += 60_000;
    const batch = await reopened.receive({ max: 10 });
    expect(batch.map((m) => [m.messageId, m.receiveCount])).toEqual([
      [messageId, 2],
      [expect.any(String), 1],
    ]);
    expect(await reopened.delete(inFlight?.receiptHandle ?? '')).toBe(false);
    for (const m of batch) expect(await reopened.delete(m.receiptHandle)).toBe(true);
    expect(await reopened.stats()).toEqual({ visible: 0, inFlight: 0, deadLetter: 0 });
  });

  it('never hands the same message to two queue instances on the same file', async () => {
    const a = new SqliteJobQueue(open(), { now });
    const b = new SqliteJobQueue(open(), { now });
    for (let n = 0; n < 30; n++) await (n % 2 ? a : b).enqueue(message(n));
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const [fromA, fromB] = await Promise.all([a.receive({ max: 2 }), b.receive({ max: 2 })]);
      seen.push(...fromA.map((m) => m.messageId), ...fromB.map((m) => m.messageId));
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('never hands the same message to two processes receiving at the same time', async () => {
    const total = 200;
    const workers = 3;
    const queue = new SqliteJobQueue(open(), { now });
    const ids = new Set<string>();
    for (let n = 0; n < total; n++) ids.add((await queue.enqueue(message(n))).messageId);

    // Each process opens its own connection, then waits for `go` so that all of them receive concurrently.
    const script = path.join(dir, 'receiver.cjs');
    fs.writeFileSync(
      script,
      `
      const fs = require('node:fs');
      const { openDatabase } = require(${JSON.stringify(path.join(__dirname, 'sqlite-database.ts'))});
      const { SqliteJobQueue } = require(${JSON.stringify(path.join(__dirname, 'sqlite-job-queue.ts'))});
      const [file, ready, go] = process.argv.slice(2);
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      (async () => {
        const db = openDatabase(file);
        const queue = new SqliteJobQueue(db);
        fs.writeFileSync(ready, '');
        while (!fs.existsSync(go)) await sleep(2);
        const got = [];
        for (;;) {
          const batch = await queue.receive({ max: 1 + (got.length % 3), visibilityTimeoutMs: 600000 });
          if (batch.length === 0) break;
          got.push(...batch.map((m) => m.messageId));
          await sleep(1); // "work" on the batch, as a worker would, so the receivers overlap
        }
        db.close();
        process.stdout.write(JSON.stringify(got));
      })();
      `,
    );
    const go = path.join(dir, 'go');
    const readyFiles = Array.from({ length: workers }, (_, i) => path.join(dir, `ready-${i}`));
    const children = readyFiles.map((ready) =>
      run(process.execPath, ['--import', 'tsx', script, file, ready, go], { cwd: path.resolve(__dirname, '../../..') }),
    );
    const deadline = Date.now() + 20_000;
    while (!readyFiles.every((ready) => fs.existsSync(ready))) {
      if (Date.now() > deadline) throw new Error('receiver processes did not start');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    fs.writeFileSync(go, '');

    const results = (await Promise.all(children)).map(({ stdout }) => JSON.parse(stdout) as string[]);
    const all = results.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all)).toEqual(ids);
    // Not a requirement, but shows the receives really interleaved rather than one process draining the queue.
    expect(results.filter((got) => got.length > 0).length).toBeGreaterThan(1);
  }, 30_000);

  it('validates its input', async () => {
    expect(() => new SqliteJobQueue(open(), { maxReceiveCount: 0 })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_MAX_RECEIVE_COUNT' }));
    const queue = new SqliteJobQueue(open(), { now });
    await expect(queue.receive({ max: 0 })).rejects.toMatchObject({ code: 'QUEUE.INVALID_MAX' });
    await expect(queue.receive({ max: 11 })).rejects.toMatchObject({ code: 'QUEUE.INVALID_MAX' });
    await expect(queue.receive({ visibilityTimeoutMs: 1.5 })).rejects.toMatchObject({ code: 'QUEUE.INVALID_VISIBILITY_TIMEOUT' });
    await expect(queue.enqueue({ job_id: 'j' } as never)).rejects.toMatchObject({ code: 'QUEUE.INVALID_MESSAGE' });
    expect(await queue.delete(42 as unknown as string)).toBe(false);
  });
});
