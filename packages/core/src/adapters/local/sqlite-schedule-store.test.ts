import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WeeklySchedule } from '../../domain/schedule';
import { openDatabase, type Database } from './sqlite-database';
import { SqliteScheduleStore } from './sqlite-schedule-store';

function schedule(userId: string, overrides: Partial<WeeklySchedule> = {}): WeeklySchedule {
  return {
    user_id: userId,
    sheet_id: 'journal',
    sheet_range: 'Journal!A1',
    prompt: 'How did my week go?',
    timezone: 'Europe/Berlin',
    enabled: true,
    created_at: '2026-03-01T10:00:00.000Z',
    updated_at: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

async function collect(iterable: AsyncIterable<WeeklySchedule>): Promise<string[]> {
  const users: string[] = [];
  for await (const item of iterable) users.push(item.user_id);
  return users;
}

describe('SqliteScheduleStore', () => {
  let dir: string;
  let db: Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a schedule and reads it back as it was given', async () => {
    const store = new SqliteScheduleStore(db);
    const alice = schedule('alice', { enabled: false, sheet_range: "'My tab'!A1:H" });

    await store.put(alice);

    expect(await store.get('alice')).toEqual(alice);
    expect(await store.get('bob')).toBeNull();
  });

  it('replaces the whole schedule on a second put', async () => {
    const store = new SqliteScheduleStore(db);
    await store.put(schedule('alice'));
    const replacement = schedule('alice', { sheet_id: 'other', prompt: 'Why?', timezone: 'UTC', enabled: false, updated_at: '2026-03-02T10:00:00.000Z' });

    await store.put(replacement);

    expect(await store.get('alice')).toEqual(replacement);
    expect(db.prepare('SELECT COUNT(*) FROM weekly_schedules').pluck().get()).toBe(1);
  });

  it('deletes one user’s schedule and says whether there was one', async () => {
    const store = new SqliteScheduleStore(db);
    await store.put(schedule('alice'));
    await store.put(schedule('bob'));

    expect(await store.delete('alice')).toBe(true);
    expect(await store.delete('alice')).toBe(false);

    expect(await store.get('alice')).toBeNull();
    expect(await store.get('bob')).not.toBeNull();
  });

  it('lists every enabled schedule across pages, and only those', async () => {
    const store = new SqliteScheduleStore(db, { pageSize: 2 });
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5']) await store.put(schedule(user));
    await store.put(schedule('u0', { enabled: false }));
    await store.put(schedule('u3', { enabled: false }));

    const users = await collect(store.enabled());

    expect(users).toEqual(['u1', 'u2', 'u4', 'u5']);
  });

  it('lets the caller write to the same database between the schedules it yields', async () => {
    const store = new SqliteScheduleStore(db, { pageSize: 2 });
    for (const user of ['u1', 'u2', 'u3']) await store.put(schedule(user));
    const seen: string[] = [];

    for await (const item of store.enabled()) {
      seen.push(item.user_id);
      await store.put({ ...item, updated_at: '2026-03-09T00:00:00.000Z' });
    }

    expect(seen).toEqual(['u1', 'u2', 'u3']);
    expect((await store.get('u3'))?.updated_at).toBe('2026-03-09T00:00:00.000Z');
  });

  it('answers an empty list when no schedule is enabled', async () => {
    const store = new SqliteScheduleStore(db);
    await store.put(schedule('alice', { enabled: false }));

    expect(await collect(store.enabled())).toEqual([]);
  });

  it('reads the enabled schedules through the partial index', () => {
    const plan = db
      .prepare<[], { detail: string }>("EXPLAIN QUERY PLAN SELECT user_id FROM weekly_schedules WHERE enabled = 1 AND user_id > '' ORDER BY user_id LIMIT 10")
      .all()
      .map((step) => step.detail)
      .join('\n');

    expect(plan).toContain('weekly_schedules_enabled');
  });

  it('refuses a schedule without a user, or with a non-boolean enabled', async () => {
    const store = new SqliteScheduleStore(db);

    await expect(store.put(schedule(''))).rejects.toMatchObject({ code: 'SCHEDULE.INVALID', details: { field: 'user_id' } });
    await expect(store.put({ ...schedule('alice'), enabled: 'yes' as unknown as boolean })).rejects.toMatchObject({ details: { field: 'enabled' } });
    expect(db.prepare('SELECT COUNT(*) FROM weekly_schedules').pluck().get()).toBe(0);
  });

  it('is ready once its table exists', async () => {
    await expect(new SqliteScheduleStore(db).ready()).resolves.toBeUndefined();
  });
});
