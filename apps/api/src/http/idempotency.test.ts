import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { openDatabase, SqliteIdempotencyStore, type Database } from '@pecunia/core/local';
import { manualClock } from '@pecunia/core/testing';
import { idempotent } from './idempotency';
import { jsonBodyParser } from './body-limits';
import { errorHandler, sendProblem } from './problem';
import { listenOnLoopback, type Listening } from '../testing/listen';

const LEASE_MS = 60_000;

let dir: string;
let db: Database;
let listening: Listening;
let base: string;
const clock = manualClock(Date.parse('2026-03-01T10:00:00Z'));
const calls = { failing: 0, rejected: 0, created: 0, ended: 0, streamed: 0, twice: 0 };
let store: SqliteIdempotencyStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-idem-'));
  db = openDatabase(path.join(dir, 'db.sqlite'));
  store = new SqliteIdempotencyStore(db, { now: clock.now, leaseMs: LEASE_MS });
  const app = express();
  app.use(jsonBodyParser(1024 * 1024));
  app.use((req, _res, next) => {
    req.userId = 'u1';
    next();
  });
  const keyed = idempotent(store, { retryDelayMs: 1 });
  // An upstream failure after the write may have happened: the answer is kept for the key.
  app.post('/upstream', keyed, (_req, res) => {
    calls.failing++;
    sendProblem(res, 502, 'UPSTREAM.SHEETS', 'Sheets did not answer in time');
  });
  // A rejected request wrote nothing: the key is free for a corrected retry.
  app.post('/rejected', keyed, (_req, res) => {
    calls.rejected++;
    sendProblem(res, 400, 'TRADE.INVALID', 'pnl must be a number');
  });
  app.post('/created', keyed, (_req, res) => {
    calls.created++;
    res.status(201).location(`/things/${calls.created}`).json({ id: calls.created });
  });
  // An answer a route writes with res.end itself (as the trade routes do), not through res.send or res.json.
  app.post('/ended', keyed, (_req, res) => {
    calls.ended++;
    const body = Buffer.from(JSON.stringify({ id: calls.ended, note: 'é' }));
    res.statusCode = 201;
    res.setHeader('Location', `/ended/${calls.ended}`);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });
  // A body written in parts: the end alone is not the answer.
  app.post('/streamed', keyed, (_req, res) => {
    calls.streamed++;
    res.status(201).type('application/json');
    res.write('{"id":');
    res.end(`${calls.streamed}}`);
  });
  // A handler that ends its answer twice.
  app.post('/twice', keyed, (_req, res) => {
    calls.twice++;
    res.status(201).json({ id: calls.twice });
    res.end();
  });
  app.use(errorHandler);
  listening = await listenOnLoopback(app);
  base = listening.base;
});

afterAll(async () => {
  await listening.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = async (res: Response): Promise<string> => ((await res.json()) as { code: string }).code;

const post = (route: string, key: string, body = '{"a":1}') =>
  fetch(`${base}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body });

describe('idempotent()', () => {
  it('replays a server error for the same key instead of running the write again', async () => {
    const first = await post('/upstream', 'k-502');
    const second = await post('/upstream', 'k-502');

    expect([first.status, second.status]).toEqual([502, 502]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await second.json()).toEqual(await first.json());
    expect(calls.failing).toBe(1);
  });

  it('keeps and replays an answer the route wrote with res.end, bytes and all', async () => {
    const first = await post('/ended', 'k-end');
    const second = await post('/ended', 'k-end');

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe('/ended/1');
    expect([first.headers.get('etag'), second.headers.get('etag')]).toEqual([null, null]);
    expect(await second.json()).toEqual(await first.json());
    expect(calls.ended).toBe(1);
  });

  it('does not replay a body written in parts: the first answer arrives whole, a retry is told the outcome is unknown', async () => {
    const first = await post('/streamed', 'k-parts');
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ id: 1 });
    const retry = await post('/streamed', 'k-parts');
    expect(retry.status).toBe(409);
    expect(await codeOf(retry)).toBe('IDEMPOTENCY.OUTCOME_UNKNOWN');
    expect(calls.streamed).toBe(1);
  });

  it('sends and keeps the first of two ends, and the process goes on', async () => {
    const first = await post('/twice', 'k-twice');
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ id: 1 });
    const replay = await post('/twice', 'k-twice');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual({ id: 1 });
    expect(calls.twice).toBe(1);
  });

  it('frees the key after a 4xx, so a corrected retry runs', async () => {
    await post('/rejected', 'k-400');
    await post('/rejected', 'k-400');

    expect(calls.rejected).toBe(2);
  });

  it('replays the Location of the created resource', async () => {
    const first = await post('/created', 'k-location');
    const second = await post('/created', 'k-location');

    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await second.json()).toEqual(await first.json());
  });

  it('fingerprints the bytes received: the same key with other bytes is refused, even for equal JSON', async () => {
    await post('/created', 'k-bytes', '{"a":1}');

    const spaced = await post('/created', 'k-bytes', '{ "a": 1 }');

    expect(spaced.status).toBe(422);
    expect(await codeOf(spaced)).toBe('IDEMPOTENCY.KEY_REUSED');
  });

  it('lets a retry run once the claim of a request that never finished has outlived its lease', async () => {
    // A request that died with the process: its claim is taken, nothing ever completes or releases it.
    await store.claim('u1', 'k-crashed', 'fp-of-the-crashed-request');
    const before = calls.created;

    const blocked = await post('/created', 'k-crashed');
    clock.advance(LEASE_MS);
    const retried = await post('/created', 'k-crashed');

    expect(blocked.status).toBe(409);
    expect(await codeOf(blocked)).toBe('IDEMPOTENCY.IN_PROGRESS');
    expect(retried.status).toBe(201);
    expect(calls.created).toBe(before + 1);
  });

  it('answers a retry 409 OUTCOME_UNKNOWN, never a second write, when the first response could not be stored', async () => {
    // A real storage failure: SQLite refuses every stored response from now on (marking the key unknown still works).
    db.exec(`
      CREATE TRIGGER refuse_done_insert BEFORE INSERT ON idempotency_keys WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;
      CREATE TRIGGER refuse_done_update BEFORE UPDATE ON idempotency_keys WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;
    `);
    const before = calls.created;
    try {
      const first = await post('/created', 'k-unknown');
      const retry = await post('/created', 'k-unknown');

      expect(first.status).toBe(201);
      expect(retry.status).toBe(409);
      expect(await codeOf(retry)).toBe('IDEMPOTENCY.OUTCOME_UNKNOWN');
      expect(calls.created).toBe(before + 1);
    } finally {
      db.exec('DROP TRIGGER refuse_done_insert; DROP TRIGGER refuse_done_update;');
    }
  });

  it('refuses JSON nested deeper than 64 levels with 400 before parsing it', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

    const res = await post('/created', 'k-deep', deep);

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await codeOf(res)).toBe('BODY.TOO_DEEP');
  });
});
