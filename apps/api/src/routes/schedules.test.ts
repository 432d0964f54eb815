import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULT_WEEKLY_PROMPT, TradeCaptureService, WeeklyScheduleService, weeklyScheduleSchema } from '@pecunia/core';
import {
  FsMediaStore,
  openDatabase,
  RuleBasedExtractor,
  SqliteApiKeyStore,
  SqliteIdempotencyStore,
  SqliteJournal,
  SqliteScheduleStore,
  type Database,
} from '@pecunia/core/local';
import { createApp } from '../app';
import { createLogger } from '../logger';
import { scheduleRoutes } from './schedules';
import { listenOnLoopback } from '../testing/listen';

// A small app of real local parts with only these routes mounted: the test does not depend on how server.ts wires them.
interface ScheduleApi {
  keyFor(userId: string): Promise<string>;
  request(key: string | null, init?: { method?: string; json?: unknown; body?: string; contentType?: string }): Promise<Response>;
  close(): Promise<void>;
}

async function startScheduleApi(): Promise<ScheduleApi> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-schedules-'));
  const db: Database = openDatabase(path.join(dir, 'pecunia.sqlite'));
  const apiKeys = new SqliteApiKeyStore(db);
  const media = new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `/api/media/${id}` });
  const schedules = new WeeklyScheduleService({ schedules: new SqliteScheduleStore(db), defaultTimezone: 'Europe/Berlin' });
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const app = createApp({
    logger: createLogger('silent', quiet),
    apiKeys,
    idempotency: new SqliteIdempotencyStore(db),
    media,
    trades: new TradeCaptureService({ journal: new SqliteJournal(db), media, extractor: new RuleBasedExtractor() }),
    readiness: [],
    defaultTimezone: 'Europe/Berlin',
    maxBodyBytes: 1024 * 1024,
    info: { version: 'test', mode: 'local' },
    routers: [scheduleRoutes(schedules)],
  });
  const listening = await listenOnLoopback(app);
  const url = `${listening.base}/api/schedules/weekly`;
  return {
    keyFor: async (userId) => (await apiKeys.create(userId)).key,
    request: (key, init = {}) => {
      const body = init.json === undefined ? init.body : JSON.stringify(init.json);
      const headers: Record<string, string> = {
        ...(key === null ? {} : { Authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'Content-Type': init.contentType ?? 'application/json' }),
      };
      return fetch(url, { method: init.method ?? 'GET', headers, body });
    },
    close: async () => {
      await listening.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('/api/schedules/weekly', () => {
  let api: ScheduleApi;
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    api = await startScheduleApi();
    alice = await api.keyFor('alice');
    bob = await api.keyFor('bob');
  });
  afterEach(async () => {
    await api.close();
  });

  it('sets a schedule with defaults, reads it back and answers the stored schedule', async () => {
    const put = await api.request(alice, { method: 'PUT', json: { sheet_id: 'my-journal', enabled: true } });

    expect(put.status).toBe(200);
    const stored = weeklyScheduleSchema.parse(await put.json());
    expect(stored).toMatchObject({
      user_id: 'alice',
      sheet_id: 'my-journal',
      sheet_range: 'Journal!A1',
      prompt: DEFAULT_WEEKLY_PROMPT,
      timezone: 'Europe/Berlin',
      enabled: true,
    });
    const get = await api.request(alice);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(stored);
  });

  it('replaces the schedule on a second PUT, keeping when it was created', async () => {
    const first = weeklyScheduleSchema.parse(await (await api.request(alice, { method: 'PUT', json: { sheet_id: 'my-journal', enabled: true } })).json());

    const second = await api.request(alice, {
      method: 'PUT',
      json: { sheet_id: 'other', sheet_range: 'Trades!A1', prompt: ' Why Mondays? ', timezone: 'america/new_york', enabled: false },
    });

    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      sheet_id: 'other',
      sheet_range: 'Trades!A1',
      prompt: 'Why Mondays?',
      timezone: 'America/New_York',
      enabled: false,
      created_at: first.created_at,
    });
  });

  it('deletes the schedule with 204, then answers 404 SCHEDULE.NOT_FOUND', async () => {
    await api.request(alice, { method: 'PUT', json: { sheet_id: 'my-journal', enabled: true } });

    const deleted = await api.request(alice, { method: 'DELETE' });

    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const get = await api.request(alice);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ code: 'SCHEDULE.NOT_FOUND' });
    expect((await api.request(alice, { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps each user to their own schedule', async () => {
    await api.request(alice, { method: 'PUT', json: { sheet_id: 'alice-journal', enabled: true } });

    const bobReads = await api.request(bob);
    const bobDeletes = await api.request(bob, { method: 'DELETE' });
    await api.request(bob, { method: 'PUT', json: { sheet_id: 'bob-journal', enabled: false } });

    expect(bobReads.status).toBe(404);
    expect(bobDeletes.status).toBe(404);
    expect(await (await api.request(alice)).json()).toMatchObject({ user_id: 'alice', sheet_id: 'alice-journal', enabled: true });
    expect(await (await api.request(bob)).json()).toMatchObject({ user_id: 'bob', sheet_id: 'bob-journal', enabled: false });
  });

  it.each([
    ['without enabled', { sheet_id: 'j' }, 'enabled'],
    ['with enabled as text', { sheet_id: 'j', enabled: 'true' }, 'enabled'],
    ['without sheet_id', { enabled: true }, 'sheet_id'],
    ['with an unknown field', { sheet_id: 'j', enabled: true, cron: '0 0 * * 1' }, '(root)'],
    ['with an empty prompt', { sheet_id: 'j', enabled: true, prompt: '  ' }, 'prompt'],
    ['with a prompt over 4000 characters', { sheet_id: 'j', enabled: true, prompt: 'x'.repeat(4001) }, 'prompt'],
    ['with an unknown zone', { sheet_id: 'j', enabled: true, timezone: 'Mars/Olympus' }, 'timezone'],
  ])('refuses a body %s with 400 SCHEDULE.INVALID_REQUEST', async (_label, json, field) => {
    const res = await api.request(alice, { method: 'PUT', json });

    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; issues: { field: string }[] };
    expect(problem).toMatchObject({ code: 'SCHEDULE.INVALID_REQUEST' });
    expect(problem.issues.map((issue) => issue.field)).toContain(field);
    expect((await api.request(alice)).status).toBe(404);
  });

  it('refuses what the core refuses: a sheet id or range it could not read', async () => {
    const badId = await api.request(alice, { method: 'PUT', json: { sheet_id: 'no spaces allowed', enabled: true } });
    const badRange = await api.request(alice, { method: 'PUT', json: { sheet_id: 'j', sheet_range: 'Journal!1A', enabled: true } });

    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ code: 'SHEET.INVALID_ID' });
    expect(badRange.status).toBe(400);
    expect(await badRange.json()).toMatchObject({ code: 'SHEET.INVALID_RANGE' });
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await api.request(alice, { method: 'PUT', body: 'sheet_id=j', contentType: 'text/plain' });

    expect(res.status).toBe(415);
  });

  it('answers 401 without a key, on every method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await api.request(null, { method, ...(method === 'PUT' ? { json: { sheet_id: 'j', enabled: true } } : {}) });
      expect(res.status).toBe(401);
    }
  });
});
