// A report to its owner, and to whoever holds a signed share link of it until the link expires or its owner revokes it.
import { randomBytes } from 'node:crypto';
import type { AnalysisResult } from '../domain/analysis-result';
import type { AnalysisJob } from '../domain/job';
import { DEFAULT_SHARE_LINK_SECONDS, MAX_SHARE_LINK_SECONDS, MIN_SHARE_LINK_SECONDS, type ShareLink } from '../domain/share-link';
import { ConflictError, NotFoundError, ValidationError, isPecuniaError } from '../errors';
import type { ShareLinkStore } from '../ports/share-link-store.port';
import type { ShareTokenSigner } from '../security/share-token';
import type { AnalysisJobService } from './analysis-jobs';

/** A completed job and its result: what a report page is drawn from. */
export interface CompletedReport {
  job: AnalysisJob;
  result: AnalysisResult;
}

/** A share link and the token that opens it (the last segment of its URL). */
export interface IssuedShare {
  link: ShareLink;
  token: string;
}

export interface ReportSharingDeps {
  /** The owner-scoped job lookup: an unknown job and another user's answer alike (`ANALYSIS.JOB_NOT_FOUND`). */
  jobs: Pick<AnalysisJobService, 'get'>;
  links: ShareLinkStore;
  signer: ShareTokenSigner;
  now?: () => Date;
  /** 128 random bits, URL-safe base64 (22 characters). */
  newShareId?: () => string;
}

/** The one answer to a link that does not open, whatever the reason: it must not tell a guesser anything. */
export const SHARE_NOT_FOUND_CODE = 'SHARE.NOT_FOUND';
const notFound = () => new NotFoundError(SHARE_NOT_FOUND_CODE, 'not found');

/** The job's result, or 409 `ANALYSIS.JOB_NOT_COMPLETED` while it is queued or running, or when it failed. */
export function completedReport(job: AnalysisJob): CompletedReport {
  if (job.status !== 'completed' || !job.result) {
    // `job_status`, not `status`: details become problem members, where `status` is the HTTP status.
    throw new ConflictError('ANALYSIS.JOB_NOT_COMPLETED', `The job is ${job.status}: a report exists once the job has completed.`, { job_status: job.status });
  }
  return { job, result: job.result };
}

export class ReportSharingService {
  private readonly now: () => Date;
  private readonly newShareId: () => string;

  constructor(private readonly deps: ReportSharingDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newShareId = deps.newShareId ?? (() => randomBytes(16).toString('base64url'));
  }

  /** The owner's completed report: 404 for another user's job or an unknown one, 409 before it has completed. */
  async report(owner: string, jobId: string): Promise<CompletedReport> {
    return completedReport(await this.deps.jobs.get(owner, jobId));
  }

  /** A new link to the owner's completed report, open for `expiresInSeconds` (60 s to 30 days; 7 days by default). */
  async share(owner: string, jobId: string, expiresInSeconds: number = DEFAULT_SHARE_LINK_SECONDS): Promise<IssuedShare> {
    if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < MIN_SHARE_LINK_SECONDS || expiresInSeconds > MAX_SHARE_LINK_SECONDS) {
      throw new ValidationError(
        'SHARE.INVALID_EXPIRY',
        `expires_in must be a whole number of seconds from ${MIN_SHARE_LINK_SECONDS} to ${MAX_SHARE_LINK_SECONDS} (30 days)`,
        { field: 'expires_in' },
      );
    }
    const { job } = await this.report(owner, jobId);
    const nowMs = this.now().getTime();
    // Whole seconds, so that the token's expiry and the stored one are the same instant.
    const expiresAt = Math.floor(nowMs / 1000) + expiresInSeconds;
    const link: ShareLink = {
      share_id: this.newShareId(),
      job_id: job.job_id,
      owner,
      created_at: new Date(nowMs).toISOString(),
      expires_at: new Date(expiresAt * 1000).toISOString(),
    };
    await this.deps.links.create(link);
    return { link, token: this.tokenOf(link) };
  }

  /** The job's links that still open (neither revoked nor expired), newest first, each with its token. */
  async list(owner: string, jobId: string): Promise<IssuedShare[]> {
    const { job_id } = await this.deps.jobs.get(owner, jobId);
    const nowMs = this.now().getTime();
    const links = await this.deps.links.listForJob(owner, job_id);
    return links.filter((link) => isOpen(link, nowMs)).map((link) => ({ link, token: this.tokenOf(link) }));
  }

  /** Revokes one link of the owner's job (again is fine); 404 `SHARE.NOT_FOUND` when the job has no link with this id. */
  async revoke(owner: string, jobId: string, shareId: string): Promise<void> {
    const { job_id } = await this.deps.jobs.get(owner, jobId);
    if (!(await this.deps.links.revoke(owner, job_id, shareId, this.now().toISOString()))) {
      throw new NotFoundError(SHARE_NOT_FOUND_CODE, 'This job has no share link with this id');
    }
  }

  /** Revokes every link of the owner's job; how many were still unrevoked. */
  async revokeAll(owner: string, jobId: string): Promise<number> {
    const { job_id } = await this.deps.jobs.get(owner, jobId);
    return this.deps.links.revokeAll(owner, job_id, this.now().toISOString());
  }

  /**
   * The report a token opens, to anyone holding it. Refusals are one NotFound (`not found`), whatever the reason:
   * the signature is checked first, in constant time, so a forged token never reaches the store; then the stored link
   * (same job and expiry, not revoked, not expired), then that its owner still owns a completed job.
   */
  async open(token: string): Promise<CompletedReport & { link: ShareLink }> {
    const claims = this.deps.signer.verify(token);
    const nowMs = this.now().getTime();
    if (!claims || claims.expiresAt * 1000 <= nowMs) throw notFound();
    const link = await this.deps.links.get(claims.jobId, claims.shareId);
    if (!link || link.job_id !== claims.jobId || Date.parse(link.expires_at) !== claims.expiresAt * 1000 || !isOpen(link, nowMs)) throw notFound();
    let job: AnalysisJob;
    try {
      job = await this.deps.jobs.get(link.owner, link.job_id);
    } catch (error) {
      if (isPecuniaError(error) && error.status === 404) throw notFound();
      throw error;
    }
    if (job.status !== 'completed' || !job.result) throw notFound();
    return { job, result: job.result, link };
  }

  /** The token of a stored link, signed with the newest secret (a link listed after a rotation gets a fresh token). */
  private tokenOf(link: ShareLink): string {
    return this.deps.signer.sign({ shareId: link.share_id, jobId: link.job_id, expiresAt: Math.floor(Date.parse(link.expires_at) / 1000) });
  }
}

const isOpen = (link: ShareLink, nowMs: number): boolean => link.revoked_at === undefined && Date.parse(link.expires_at) > nowMs;
