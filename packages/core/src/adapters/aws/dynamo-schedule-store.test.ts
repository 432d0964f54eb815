import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import type { WeeklySchedule } from '../../domain/schedule';
import { DynamoScheduleStore } from './dynamo-schedule-store';

const schedule = (userId: string, enabled = true, overrides: Partial<WeeklySchedule> = {}): WeeklySchedule => ({
  user_id: userId,
  sheet_id: `sheet-${userId}`,
  sheet_range: 'Journal!A1:O',
  prompt: '',
  timezone: 'Europe/Paris',
  enabled,
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('DynamoScheduleStore', () => {
  let dynamo: DynamoStandIn;
  let tableName: string;
  let store: DynamoScheduleStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = await dynamo.newTable();
    store = new DynamoScheduleStore(dynamo.doc, tableName);
  });

  it('is named dynamodb and ready', async () => {
    expect(store.name).toBe('dynamodb');
    await expect(store.ready()).resolves.toBeUndefined();
  });

  it('puts, replaces, reads and deletes a user’s schedule', async () => {
    expect(await store.get('alice')).toBeNull();
    await store.put(schedule('alice'));
    await store.put(schedule('alice', true, { prompt: 'Why do I lose on Fridays?', updated_at: '2026-03-02T10:00:00.000Z' }));

    expect(await store.get('alice')).toEqual(schedule('alice', true, { prompt: 'Why do I lose on Fridays?', updated_at: '2026-03-02T10:00:00.000Z' }));
    expect(await store.delete('alice')).toBe(true);
    expect(await store.delete('alice')).toBe(false);
    expect(await store.get('alice')).toBeNull();
  });

  it('lists only enabled schedules, following a user who turns theirs off and on', async () => {
    await store.put(schedule('alice'));
    await store.put(schedule('bob', false));
    await store.put(schedule('carol'));
    await store.put(schedule('carol', false));
    await store.put(schedule('dave', false));
    await store.put(schedule('dave'));
    await store.put(schedule('erin'));
    await store.delete('erin');

    const enabled = await collect(store.enabled());

    expect(enabled.map((s) => s.user_id).sort()).toEqual(['alice', 'dave']);
    expect(enabled.find((s) => s.user_id === 'alice')).toEqual(schedule('alice'));
  });

  it('pages through every enabled schedule', async () => {
    const paged = new DynamoScheduleStore(dynamo.doc, tableName, { pageSize: 7 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => paged.put(schedule(`user-${String(i).padStart(2, '0')}`, i % 3 !== 0))));

    const enabled = await collect(paged.enabled());

    expect(enabled).toHaveLength(20);
    expect(new Set(enabled.map((s) => s.user_id)).size).toBe(20);
  });

  it('yields nothing when no schedule is enabled', async () => {
    await store.put(schedule('bob', false));
    expect(await collect(store.enabled())).toEqual([]);
  });

  it('refuses an invalid schedule', async () => {
    await expect(store.put(schedule(''))).rejects.toMatchObject({ code: 'SCHEDULE.INVALID', details: { field: 'user_id' } });
    await expect(store.put({ ...schedule('alice'), enabled: 'yes' } as unknown as WeeklySchedule)).rejects.toMatchObject({
      code: 'SCHEDULE.INVALID',
      details: { field: 'enabled' },
    });
    expect(await store.get('alice')).toBeNull();
  });
});
