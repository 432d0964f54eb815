import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WeeklyScheduleService } from '@pecunia/core';
import { compose, loadConfig } from '@pecunia/core/composition';
import { runWeeklyCommand } from './weekly-run';

describe('npm run -s weekly:run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-weekly-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('queues the week of every enabled schedule once, however often it is run, and prints what it did', async () => {
    const adapters = await compose(loadConfig({ DATA_DIR: dir }, 'cli'));
    const schedules = new WeeklyScheduleService({ schedules: adapters.schedules, defaultTimezone: 'UTC' });
    await schedules.set('alice', { sheet_id: 'journal', enabled: true });
    await schedules.set('bob', { sheet_id: 'journal', enabled: false });
    await adapters.close();
    const lines: string[] = [];

    expect(await runWeeklyCommand({ DATA_DIR: dir }, (line) => lines.push(line))).toBe(0);
    expect(await runWeeklyCommand({ DATA_DIR: dir }, (line) => lines.push(line))).toBe(0);

    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { queued: 1, already_queued: 0, failed: [] },
      { queued: 0, already_queued: 1, failed: [] },
    ]);
  });
});
