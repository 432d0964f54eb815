import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { openDatabase, SqliteIdempotencyStore, type Database } from '@pecunia/core/local';
import { idempotent } from './idempotency';
import { sendProblem } from './problem';

let dir: string;
let db: Database;
let server: Server;
let base: string;
const calls = { failing: 0, rejected: 0 };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-idem-'));
  db = openDatabase(path.join(dir, 'db.sqlite'));
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    req.userId = 'u1';
    next();
  });
  const keyed = idempotent(new SqliteIdempotencyStore(db));
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
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (route: string, key: string) =>
  fetch(`${base}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: '{"a":1}' });

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

  it('frees the key after a 4xx, so a corrected retry runs', async () => {
    await post('/rejected', 'k-400');
    await post('/rejected', 'k-400');

    expect(calls.rejected).toBe(2);
  });
});
