// Small valid records for the store contracts and the adapter tests beside them: a job, a Google connection, a
// schedule, a share link.
import { createHash } from 'node:crypto';
import type { AnalysisJob } from '../../domain/job';
import type { WeeklySchedule } from '../../domain/schedule';
import type { ShareLink } from '../../domain/share-link';
import type { GoogleConnection } from '../../ports/token-store.port';

/** A queued job of `userId`, created (and last updated) at `createdAt`. */
export const queuedJob = (jobId: string, userId: string, createdAt = '2026-03-01T10:00:00.000Z'): AnalysisJob => ({
  job_id: jobId,
  user_id: userId,
  status: 'queued',
  stage: 'queued',
  progress: 0,
  created_at: createdAt,
  updated_at: createdAt,
  request: { sheet_id: 's1', sheet_range: 'Journal!A1:O', prompt: 'How did I do?', timezone: 'Europe/Paris', start_date: '2026-01-01' },
});

/** A connected Google account; `updated_at` is left for the store to stamp. */
export const googleConnection = (userId: string, subject: string, ciphertext = `cipher-${userId}`): GoogleConnection => ({
  user_id: userId,
  subject,
  email: `${userId}@example.com`,
  ciphertext,
  status: 'connected',
  updated_at: '',
});

/** An enabled weekly schedule of `userId`. */
export const weeklySchedule = (userId: string, overrides: Partial<WeeklySchedule> = {}): WeeklySchedule => ({
  user_id: userId,
  sheet_id: `sheet-${userId}`,
  sheet_range: 'Journal!A1:O',
  prompt: 'How did my week go?',
  timezone: 'Europe/Berlin',
  enabled: true,
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

/** A 22-character share id derived from `label`: the shape of a real one (128 random bits, URL-safe base64). */
export const shareId = (label: string): string => createHash('sha256').update(label).digest('base64url').slice(0, 22);

/** An active share link `label` of `jobId`, owned by `owner`, created at 10:00 on 1 March 2026 for 7 days. */
export const shareLink = (label: string, jobId: string, owner: string, overrides: Partial<ShareLink> = {}): ShareLink => ({
  share_id: shareId(label),
  job_id: jobId,
  owner,
  created_at: '2026-03-01T10:00:00.000Z',
  expires_at: '2026-03-08T10:00:00.000Z',
  ...overrides,
});
