// A share link of a report: which job it opens, whose it is, until when, and whether its owner revoked it.
import { z } from 'zod';
import { ValidationError } from '../errors';

/** Shortest life a share link may be given (seconds). */
export const MIN_SHARE_LINK_SECONDS = 60;
/** Longest life a share link may be given: 30 days. */
export const MAX_SHARE_LINK_SECONDS = 30 * 24 * 60 * 60;
/** A share link's life when the owner names none: 7 days. */
export const DEFAULT_SHARE_LINK_SECONDS = 7 * 24 * 60 * 60;

export const shareLinkSchema = z.object({
  /** 128 random bits, URL-safe base64: the id the signed token names. */
  share_id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  job_id: z.string().min(1),
  owner: z.string().min(1),
  /** ISO 8601 timestamps, UTC (`…Z`): they sort as text. */
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  /** Set once, when the owner revokes the link; a revoked link never opens again. */
  revoked_at: z.iso.datetime().optional(),
});

export type ShareLink = z.infer<typeof shareLinkSchema>;

/** The checks every share link store makes before writing, so all of them refuse the same links with the same codes. */
export function assertStorableShareLink(link: ShareLink): void {
  const parsed = shareLinkSchema.safeParse(link);
  if (parsed.success) return;
  const field = String(parsed.error.issues[0]?.path[0] ?? 'link');
  throw new ValidationError('SHARE.INVALID', `The share link field ${field} is missing or invalid.`, { field });
}
