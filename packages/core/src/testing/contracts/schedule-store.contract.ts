// The ScheduleStore port's promises as one suite, run by each adapter's test file against its own storage.
import type { WeeklySchedule } from '../../domain/schedule';
import type { ScheduleStore } from '../../ports/schedule-store.port';
import { describeContract, type StoreSubject } from './contract-suite';
import { weeklySchedule as schedule } from './records';

export interface ScheduleStoreSubject extends StoreSubject<ScheduleStore> {
  /** Another store on the same storage that reads `enabled()` `pageSize` schedules at a time. */
  paged(pageSize: number): ScheduleStore;
  /** Every record the store wrote (rows or items), read around it: a replaced or refused schedule leaves no extra one. */
  rawRecords(): Promise<unknown[]>;
}

async function users(iterable: AsyncIterable<WeeklySchedule>): Promise<string[]> {
  const found: string[] = [];
  for await (const item of iterable) found.push(item.user_id);
  return found;
}

async function collect(iterable: AsyncIterable<WeeklySchedule>): Promise<WeeklySchedule[]> {
  const all: WeeklySchedule[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

export function describeScheduleStoreContract(name: string, open: () => Promise<ScheduleStoreSubject>): void {
  describeContract(name, open, {}, (subject) => {
    it('stores a schedule and reads it back as it was given', async () => {
      const { store } = subject();
      const alice = schedule('alice', { enabled: false, sheet_range: "'My tab'!A1:H" });

      await store.put(alice);

      expect(await store.get('alice')).toEqual(alice);
      expect(await store.get('bob')).toBeNull();
    });

    it('puts, replaces, reads and deletes a user’s schedule', async () => {
      const { store } = subject();
      const replacement = schedule('alice', { prompt: 'Why do I lose on Fridays?', updated_at: '2026-03-02T10:00:00.000Z' });
      expect(await store.get('alice')).toBeNull();
      await store.put(schedule('alice'));
      await store.put(replacement);

      expect(await store.get('alice')).toEqual(replacement);
      expect(await store.delete('alice')).toBe(true);
      expect(await store.delete('alice')).toBe(false);
      expect(await store.get('alice')).toBeNull();
    });

    it('replaces the whole schedule on a second put', async () => {
      const { store, rawRecords } = subject();
      await store.put(schedule('alice'));
      const replacement = schedule('alice', { sheet_id: 'other', prompt: 'Why?', timezone: 'UTC', enabled: false, updated_at: '2026-03-02T10:00:00.000Z' });

      await store.put(replacement);

      expect(await store.get('alice')).toEqual(replacement);
      expect(await rawRecords()).toHaveLength(1);
    });

    it('deletes one user’s schedule and says whether there was one', async () => {
      const { store } = subject();
      await store.put(schedule('alice'));
      await store.put(schedule('bob'));

      expect(await store.delete('alice')).toBe(true);
      expect(await store.delete('alice')).toBe(false);

      expect(await store.get('alice')).toBeNull();
      expect(await store.get('bob')).not.toBeNull();
    });

    it('lists every enabled schedule across pages, and only those, in user order', async () => {
      const store = subject().paged(2);
      for (const user of ['u1', 'u2', 'u3', 'u4', 'u5']) await store.put(schedule(user));
      await store.put(schedule('u0', { enabled: false }));
      await store.put(schedule('u3', { enabled: false }));

      expect(await users(store.enabled())).toEqual(['u1', 'u2', 'u4', 'u5']);
    });

    it('lists only enabled schedules, following a user who turns theirs off and on', async () => {
      const { store } = subject();
      await store.put(schedule('alice'));
      await store.put(schedule('bob', { enabled: false }));
      await store.put(schedule('carol'));
      await store.put(schedule('carol', { enabled: false }));
      await store.put(schedule('dave', { enabled: false }));
      await store.put(schedule('dave'));
      await store.put(schedule('erin'));
      await store.delete('erin');

      const enabled = await collect(store.enabled());

      expect(enabled.map((s) => s.user_id).sort()).toEqual(['alice', 'dave']);
      expect(enabled.find((s) => s.user_id === 'alice')).toEqual(schedule('alice'));
    });

    it('pages through every enabled schedule', async () => {
      const store = subject().paged(7);
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.put(schedule(`user-${String(i).padStart(2, '0')}`, { enabled: i % 3 !== 0 }))));

      const enabled = await users(store.enabled());

      expect(enabled).toHaveLength(20);
      expect(new Set(enabled).size).toBe(20);
    });

    it('lets the caller write to the store between the schedules it yields', async () => {
      const store = subject().paged(2);
      for (const user of ['u1', 'u2', 'u3']) await store.put(schedule(user));
      const seen: string[] = [];

      for await (const item of store.enabled()) {
        seen.push(item.user_id);
        await store.put({ ...item, updated_at: '2026-03-09T00:00:00.000Z' });
      }

      expect(seen).toEqual(['u1', 'u2', 'u3']);
      expect((await store.get('u3'))?.updated_at).toBe('2026-03-09T00:00:00.000Z');
    });

    it('yields nothing when no schedule is enabled', async () => {
      const { store } = subject();
      await store.put(schedule('alice', { enabled: false }));

      expect(await users(store.enabled())).toEqual([]);
    });

    it('refuses a schedule without a user, or with a non-boolean enabled', async () => {
      const { store, rawRecords } = subject();

      await expect(store.put(schedule(''))).rejects.toMatchObject({ code: 'SCHEDULE.INVALID', details: { field: 'user_id' } });
      await expect(store.put({ ...schedule('alice'), enabled: 'yes' as unknown as boolean })).rejects.toMatchObject({
        code: 'SCHEDULE.INVALID',
        details: { field: 'enabled' },
      });
      expect(await store.get('alice')).toBeNull();
      expect(await rawRecords()).toEqual([]);
    });
  });
}
