import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteScheduleStore } from '../adapters/local/sqlite-schedule-store';
import { DEFAULT_WEEKLY_PROMPT, weeklyScheduleSchema } from '../domain/schedule';
import { WeeklyScheduleService } from './weekly-schedules';

describe('WeeklyScheduleService', () => {
  let db: Database;
  let clock: Date;
  let service: WeeklyScheduleService;

  beforeEach(() => {
    db = openDatabase(':memory:');
    clock = new Date('2026-03-01T10:00:00Z');
    service = new WeeklyScheduleService({ schedules: new SqliteScheduleStore(db), defaultTimezone: 'Europe/Berlin', now: () => clock });
  });
  afterEach(() => db.close());

  it('stores a schedule with the defaults for what was left out', async () => {
    const stored = await service.set('alice', { sheet_id: 'journal', enabled: true });

    expect(stored).toEqual({
      user_id: 'alice',
      sheet_id: 'journal',
      sheet_range: 'Journal!A1',
      prompt: DEFAULT_WEEKLY_PROMPT,
      timezone: 'Europe/Berlin',
      enabled: true,
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-01T10:00:00.000Z',
    });
    expect(weeklyScheduleSchema.parse(stored)).toEqual(stored);
    expect(await service.get('alice')).toEqual(stored);
  });

  it('keeps created_at when a schedule is replaced, and stores the zone in its canonical spelling', async () => {
    await service.set('alice', { sheet_id: 'journal', enabled: true });
    clock = new Date('2026-03-05T08:00:00Z');

    const replaced = await service.set('alice', { sheet_id: 'other', sheet_range: 'Trades!A1:H', prompt: '  Why do I lose on Mondays?  ', timezone: 'america/new_york', enabled: false });

    expect(replaced).toMatchObject({
      sheet_id: 'other',
      sheet_range: 'Trades!A1:H',
      prompt: 'Why do I lose on Mondays?',
      timezone: 'America/New_York',
      enabled: false,
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-05T08:00:00.000Z',
    });
    expect(await service.get('alice')).toEqual(replaced);
  });

  it.each([
    ['a sheet id with a space', { sheet_id: 'bad id!', enabled: true }, 'SHEET.INVALID_ID'],
    ['a range that is not A1', { sheet_id: 'journal', sheet_range: 'Journal!1A', enabled: true }, 'SHEET.INVALID_RANGE'],
    ['a blank prompt', { sheet_id: 'journal', prompt: '   ', enabled: true }, 'SCHEDULE.INVALID_PROMPT'],
    ['a prompt of 4001 characters', { sheet_id: 'journal', prompt: 'x'.repeat(4001), enabled: true }, 'SCHEDULE.INVALID_PROMPT'],
    ['an unknown zone', { sheet_id: 'journal', timezone: 'Mars/Olympus', enabled: true }, 'SCHEDULE.INVALID_TIMEZONE'],
    ['enabled as text', { sheet_id: 'journal', enabled: 'yes' }, 'SCHEDULE.INVALID_ENABLED'],
  ])('refuses %s, and stores nothing', async (_label, input, code) => {
    await expect(service.set('alice', input as never)).rejects.toMatchObject({ code, status: 400 });

    await expect(service.get('alice')).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND' });
  });

  it('accepts a prompt of exactly 4000 characters', async () => {
    const stored = await service.set('alice', { sheet_id: 'journal', prompt: 'x'.repeat(4000), enabled: true });

    expect(stored.prompt).toHaveLength(4000);
  });

  it('answers 404 for a user without a schedule, on read and on delete', async () => {
    await service.set('alice', { sheet_id: 'journal', enabled: true });

    await expect(service.get('bob')).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND', status: 404 });
    await expect(service.delete('bob')).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND', status: 404 });
    expect(await service.get('alice')).toMatchObject({ user_id: 'alice' });
  });

  it('deletes the owner’s schedule once', async () => {
    await service.set('alice', { sheet_id: 'journal', enabled: true });

    await service.delete('alice');

    await expect(service.get('alice')).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND' });
    await expect(service.delete('alice')).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND' });
  });

  it('falls back to UTC when the server names no default zone', async () => {
    const plain = new WeeklyScheduleService({ schedules: new SqliteScheduleStore(db) });

    expect((await plain.set('carol', { sheet_id: 'journal', enabled: true })).timezone).toBe('UTC');
  });
});
