// Port: the share links of reports (SQLite locally, DynamoDB in AWS): created, found, listed and revoked by job.
import type { ShareLink } from '../domain/share-link';

export type { ShareLink };

export interface ShareLinkStore {
  readonly name: string;
  /** Stores a new link; refuses an invalid one (`SHARE.INVALID`) and a second link with the same id (`SHARE.ALREADY_EXISTS`). */
  create(link: ShareLink): Promise<void>;
  /**
   * The link, revoked or expired ones included, or null. Found by job and id: the signed token names both, so a
   * store may keep a job's links together.
   */
  get(jobId: string, shareId: string): Promise<ShareLink | null>;
  /** The owner's links of one job, newest first; revoked ones included, long-expired ones may have been swept. */
  listForJob(owner: string, jobId: string): Promise<ShareLink[]>;
  /**
   * Revokes one of the owner's links of the job at `at` (an ISO timestamp); a link revoked before keeps its first
   * `revoked_at`. False when the owner has no such link for this job.
   */
  revoke(owner: string, jobId: string, shareId: string, at: string): Promise<boolean>;
  /** Revokes every link of the owner's job not revoked yet; how many it revoked. */
  revokeAll(owner: string, jobId: string, at: string): Promise<number>;
  ready(): Promise<void>;
}
