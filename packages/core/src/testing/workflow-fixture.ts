// Test fixture of the analysis tests: real local adapters in a temp dir, and journals of generated trades.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { LocalCoach } from '../adapters/local/local-coach';
import { FsMediaStore } from '../adapters/local/fs-media-store';
import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJobQueue, type SqliteJobQueueOptions } from '../adapters/local/sqlite-job-queue';
import { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import { SqliteJournal } from '../adapters/local/sqlite-journal';
import { seededRandom } from './make-trade';
import { SHEET_COLUMNS, tradeToRow } from '../domain/sheet-layout';
import { formatTimestamp } from '../domain/timestamps';
import type { StoredTrade } from '../domain/trade';
import type { AnalysisJob, AnalysisJobRequest } from '../domain/job';
import type { JobStore } from '../ports/job-store.port';
import type { Journal } from '../ports/journal.port';

export interface AnalysisFixture {
  dir: string;
  db: Database;
  journal: SqliteJournal;
  media: FsMediaStore;
  jobs: SqliteJobStore;
  coach: LocalCoach;
  queue(options?: SqliteJobQueueOptions): SqliteJobQueue;
  close(): void;
}

/** `now` drives the job store's clock, so tests can tell whether a job row was written again. */
export function openFixture(options: { now?: () => number } = {}): AnalysisFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-analysis-'));
  const db = openDatabase(path.join(dir, 'pecunia.sqlite'));
  return {
    dir,
    db,
    journal: new SqliteJournal(db),
    media: new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `http://localhost/api/media/${id}` }),
    jobs: new SqliteJobStore(db, options.now ? { now: options.now } : {}),
    coach: new LocalCoach(),
    queue: (options) => new SqliteJobQueue(db, options),
    close: () => {
      if (db.open) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const OWNER = 'alice';
export const SHEET = { sheetId: 'journal-1', tab: 'Journal' };

const TICKERS = ['AAPL', 'TSLA', 'ES', 'BTC-USD', 'MSFT'] as const;

/**
 * `count` trades on consecutive days from `firstDay` in `timezone`, each exiting at a distinct minute (so the order is
 * unambiguous), about one in ten at exactly 0 P&L, and some exiting late in the evening (another UTC date).
 */
export function generateTrades(count: number, options: { seed?: number; timezone: string; firstDay: string; owner?: string }): StoredTrade[] {
  const random = seededRandom(options.seed ?? 42);
  const start = DateTime.fromISO(options.firstDay, { zone: options.timezone });
  return Array.from({ length: count }, (_, i) => {
    const late = i % 7 === 3;
    const entry = start.plus({ days: Math.floor(i / 2) }).set({ hour: late ? 22 : 9 + (i % 2) * 4, minute: Math.floor(random() * 30) });
    const exit = entry.plus({ minutes: 5 + Math.floor(random() * 25) + (late ? 60 : 0) });
    const roll = random();
    const pnl = roll < 0.1 ? 0 : Math.round((random() * 1100 - 500) * 100) / 100;
    return {
      ticker: TICKERS[i % TICKERS.length]!,
      position_type: i % 3 === 0 ? 'short' : 'long',
      pnl,
      entry_timestamp: formatTimestamp(entry),
      exit_timestamp: formatTimestamp(exit),
      notes: `generated trade ${i}`,
      trade_id: `t-${String(i).padStart(4, '0')}`,
      user_id: options.owner ?? OWNER,
      file_links: '',
    };
  });
}

export async function appendTrades(
  journal: Journal,
  trades: readonly StoredTrade[],
  options: { owner?: string; sheet?: typeof SHEET } = {},
): Promise<void> {
  await journal.append(options.owner ?? OWNER, options.sheet ?? SHEET, { header: SHEET_COLUMNS, rows: trades.map(tradeToRow) });
}

let jobCounter = 0;

export async function createJob(
  jobs: JobStore,
  request: Partial<AnalysisJobRequest> = {},
  options: { owner?: string; jobId?: string } = {},
): Promise<AnalysisJob> {
  const at = new Date().toISOString();
  const job: AnalysisJob = {
    job_id: options.jobId ?? `job-${++jobCounter}-${Date.now().toString(36)}`,
    user_id: options.owner ?? OWNER,
    status: 'queued',
    stage: 'queued',
    progress: 0,
    created_at: at,
    updated_at: at,
    request: {
      sheet_id: SHEET.sheetId,
      sheet_range: `${SHEET.tab}!A1`,
      prompt: 'What should I change?',
      timezone: 'America/New_York',
      ...request,
    },
  };
  await jobs.create(job);
  return job;
}
