import { openEach } from '../../testing/contracts/contract-suite';
import { describeScheduleStoreContract } from '../../testing/contracts/schedule-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { SqliteScheduleStore } from './sqlite-schedule-store';

async function open() {
  const sqlite = openTempDatabase();
  return {
    ...sqlite,
    store: new SqliteScheduleStore(sqlite.db),
    paged: (pageSize: number) => new SqliteScheduleStore(sqlite.db, { pageSize }),
    rawRecords: async () => sqlite.db.prepare('SELECT * FROM weekly_schedules').all(),
  };
}

describe('SqliteScheduleStore', () => {
  describeScheduleStoreContract('keeps the ScheduleStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('reads the enabled schedules through the partial index', () => {
      const { db } = subject();
      const plan = db
        .prepare<[], { detail: string }>("EXPLAIN QUERY PLAN SELECT user_id FROM weekly_schedules WHERE enabled = 1 AND user_id > '' ORDER BY user_id LIMIT 10")
        .all()
        .map((step) => step.detail)
        .join('\n');

      expect(plan).toContain('weekly_schedules_enabled');
    });
  });
});
