import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJobQueue } from '../adapters/local/sqlite-job-queue';
import { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import { SqliteShareLinkStore } from '../adapters/local/sqlite-share-link-store';
import { ShareTokenSigner } from '../security/share-token';
import { analysisResult } from '../testing/analysis-result';
import { queuedJob } from '../testing/contracts/records';
import { AnalysisJobService } from './analysis-jobs';
import { ReportSharingService } from './report-sharing';

const SECRET = 'share-link-secret-0123456789abcdefghij';
const START = Date.parse('2026-03-10T12:00:00.000Z');
const DAY = 86_400;

describe('ReportSharingService', () => {
  let db: Database;
  let jobs: SqliteJobStore;
  let links: SqliteShareLinkStore;
  let nowMs: number;
  let ids: number;
  let sharing: ReportSharingService;

  const serviceWith = (secrets: string[]) =>
    new ReportSharingService({
      jobs: new AnalysisJobService({ jobs, queue: new SqliteJobQueue(db), defaultTimezone: 'UTC' }),
      links,
      signer: new ShareTokenSigner(secrets),
      now: () => new Date(nowMs),
      newShareId: () => `share-${String(++ids).padStart(16, '0')}`,
    });

  async function completedJob(jobId: string, owner: string): Promise<void> {
    await jobs.create(queuedJob(jobId, owner));
    await jobs.start(jobId);
    await jobs.complete(jobId, analysisResult(`Report of ${jobId}.`));
  }

  beforeEach(async () => {
    db = openDatabase(':memory:');
    jobs = new SqliteJobStore(db);
    links = new SqliteShareLinkStore(db);
    nowMs = START;
    ids = 0;
    sharing = serviceWith([SECRET]);
    await completedJob('job-1', 'alice');
  });
  afterEach(() => db.close());

  it('shares a completed report for 7 days by default, and the token opens it without its owner', async () => {
    // Act
    const { link, token } = await sharing.share('alice', 'job-1');
    const opened = await sharing.open(token);

    // Assert
    expect(link).toEqual({
      share_id: 'share-0000000000000001',
      job_id: 'job-1',
      owner: 'alice',
      created_at: '2026-03-10T12:00:00.000Z',
      expires_at: '2026-03-17T12:00:00.000Z',
    });
    expect(opened.job.job_id).toBe('job-1');
    expect(opened.result.report.performance_overview.summary).toBe('Report of job-1.');
  });

  it('opens a link until its last second and not from the second it expires', async () => {
    const { token } = await sharing.share('alice', 'job-1', 60);

    nowMs = START + 59_999;
    await expect(sharing.open(token)).resolves.toMatchObject({ job: { job_id: 'job-1' } });
    nowMs = START + 60_000;
    await expect(sharing.open(token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND', status: 404, message: 'not found' });
  });

  it.each([
    ['0 seconds', 0],
    ['59 seconds', 59],
    ['30 days and a second', 30 * DAY + 1],
    ['a fraction', 90.5],
    ['not a number', Number.NaN],
    ['text', '3600' as unknown as number],
  ])('refuses to share for %s (400 SHARE.INVALID_EXPIRY) and stores nothing', async (_label, seconds) => {
    await expect(sharing.share('alice', 'job-1', seconds)).rejects.toMatchObject({ code: 'SHARE.INVALID_EXPIRY', status: 400 });

    expect(await links.listForJob('alice', 'job-1')).toEqual([]);
  });

  it('accepts the bounds: 60 seconds and 30 days', async () => {
    await expect(sharing.share('alice', 'job-1', 60)).resolves.toMatchObject({ link: { expires_at: '2026-03-10T12:01:00.000Z' } });
    await expect(sharing.share('alice', 'job-1', 30 * DAY)).resolves.toMatchObject({ link: { expires_at: '2026-04-09T12:00:00.000Z' } });
  });

  it('answers another user, and an unknown job, as the job routes do: 404 ANALYSIS.JOB_NOT_FOUND', async () => {
    await expect(sharing.share('mallory', 'job-1')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_FOUND', status: 404 });
    await expect(sharing.list('mallory', 'job-1')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_FOUND' });
    await expect(sharing.revokeAll('mallory', 'job-1')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_FOUND' });
    await expect(sharing.report('alice', 'no-such-job')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_FOUND' });
  });

  it('refuses to share, or show, a report that is not there yet: 409 ANALYSIS.JOB_NOT_COMPLETED', async () => {
    await jobs.create(queuedJob('job-2', 'alice'));

    await expect(sharing.share('alice', 'job-2')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_COMPLETED', status: 409, details: { job_status: 'queued' } });
    await expect(sharing.report('alice', 'job-2')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_COMPLETED', status: 409 });
  });

  it('lists the links that still open, newest first, with tokens that open them', async () => {
    const first = await sharing.share('alice', 'job-1', 3600);
    nowMs += 1000;
    const second = await sharing.share('alice', 'job-1');
    const revoked = await sharing.share('alice', 'job-1');
    await sharing.revoke('alice', 'job-1', revoked.link.share_id);

    expect((await sharing.list('alice', 'job-1')).map((s) => s.link.share_id)).toEqual([second.link.share_id, first.link.share_id]);
    nowMs += 3600_000;
    const listed = await sharing.list('alice', 'job-1');
    expect(listed).toEqual([second]);
    await expect(sharing.open(listed[0]!.token)).resolves.toMatchObject({ job: { job_id: 'job-1' } });
  });

  it('revokes one link, says 404 SHARE.NOT_FOUND for a link the job does not have, and revokes all', async () => {
    const one = await sharing.share('alice', 'job-1');
    const two = await sharing.share('alice', 'job-1');
    const three = await sharing.share('alice', 'job-1');

    await sharing.revoke('alice', 'job-1', one.link.share_id);
    await sharing.revoke('alice', 'job-1', one.link.share_id);
    await expect(sharing.revoke('alice', 'job-1', 'unknown-share-id-00000')).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND', status: 404 });

    await expect(sharing.open(one.token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND' });
    expect(await sharing.revokeAll('alice', 'job-1')).toBe(2);
    for (const token of [two.token, three.token]) await expect(sharing.open(token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND' });
  });

  it('answers every token that does not open with the same error', async () => {
    // Arrange
    await completedJob('job-2', 'alice');
    const good = await sharing.share('alice', 'job-1', 60);
    const ofOtherJob = await sharing.share('alice', 'job-2');
    const [payload, mac] = good.token.split('.') as [string, string];
    const otherJobPayload = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('job-1', 'job-2')).toString('base64url');
    const revoked = await sharing.share('alice', 'job-1');
    await sharing.revoke('alice', 'job-1', revoked.link.share_id);
    const foreign = await serviceWith(['someone-elses-secret-0123456789abcdefgh']).share('alice', 'job-1');
    nowMs += 60_000;

    // Act
    const refusals = await Promise.all(
      [
        `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
        `${otherJobPayload}.${mac}`,
        good.token.slice(0, -5),
        good.token,
        revoked.token,
        foreign.token,
        'not-a-token',
      ].map((token) => sharing.open(token).then(() => 'opened', (error: Error & { code: string }) => `${error.code} ${error.message}`)),
    );

    // Assert
    expect(refusals).toEqual(Array(7).fill('SHARE.NOT_FOUND not found'));
    await expect(sharing.open(ofOtherJob.token)).resolves.toMatchObject({ job: { job_id: 'job-2' } });
  });

  it('keeps links made before a rotation open, and signs new ones with the newest secret', async () => {
    const before = await sharing.share('alice', 'job-1');
    const rotated = serviceWith(['new-share-link-secret-0123456789abcdefghij', SECRET]);

    const after = await rotated.share('alice', 'job-1');

    await expect(rotated.open(before.token)).resolves.toMatchObject({ job: { job_id: 'job-1' } });
    await expect(rotated.open(after.token)).resolves.toMatchObject({ job: { job_id: 'job-1' } });
    await expect(sharing.open(after.token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND' });
  });

  it('closes a link whose job no longer belongs to its owner, or that the store does not know', async () => {
    const { token, link } = await sharing.share('alice', 'job-1');
    db.prepare("UPDATE jobs SET user_id = 'bob' WHERE job_id = 'job-1'").run();

    await expect(sharing.open(token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND' });
    db.prepare('DELETE FROM share_links WHERE share_id = ?').run(link.share_id);
    await expect(sharing.open(token)).rejects.toMatchObject({ code: 'SHARE.NOT_FOUND' });
  });
});
