// Signed share-link tokens: `base64url(payload).base64url(HMAC-SHA256)`, naming a share, its job and its expiry.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a token names. The store's record is still checked after: a valid signature only makes the lookup worth doing. */
export interface ShareClaims {
  /** 22 URL-safe base64 characters (128 random bits). */
  shareId: string;
  jobId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Longer than any token we sign; anything longer is refused before any work is done on it. */
export const MAX_SHARE_TOKEN_LENGTH = 512;
/** Each secret, like TOKEN_ENCRYPTION_SECRET's, is at least this long. */
export const MIN_SHARE_SECRET_LENGTH = 32;

const VERSION = '1';
const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;
const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;
const EXPIRES_AT = /^[1-9]\d{0,11}$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const MAC_LENGTH = 43; // HMAC-SHA256 is 32 bytes: 43 base64url characters without padding
const KEY_INFO = 'pecunia share link v1';

/**
 * The token's HMAC key for a secret: HKDF-SHA256 (empty salt, info "pecunia share link v1"), so that an operator who
 * reuses one secret for tokens and share links never has one key serving two purposes.
 */
export function shareKeyFrom(secret: string): Uint8Array {
  if (secret.length < MIN_SHARE_SECRET_LENGTH) throw new TypeError(`A share link secret must be at least ${MIN_SHARE_SECRET_LENGTH} characters.`);
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), KEY_INFO, 32));
}

// The MAC covers the payload exactly as transmitted, so nothing needs canonicalising before it is checked.
const macOf = (key: Uint8Array, encodedPayload: string): Buffer => Buffer.from(createHmac('sha256', key).update(encodedPayload, 'ascii').digest('base64url'), 'ascii');

/** Signs with the newest secret and accepts any of them: put a new secret first, keep the old ones while links made with them live. */
export class ShareTokenSigner {
  private readonly keys: readonly Uint8Array[];

  /** `secrets` newest first, each at least 32 characters. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('A share token signer needs at least one secret.');
    this.keys = secrets.map(shareKeyFrom);
  }

  sign(claims: ShareClaims): string {
    const { shareId, jobId, expiresAt } = claims;
    if (!SHARE_ID.test(shareId) || !JOB_ID.test(jobId) || !Number.isSafeInteger(expiresAt) || !EXPIRES_AT.test(String(expiresAt))) {
      throw new TypeError('Cannot sign a share token with an invalid share id, job id or expiry.');
    }
    const encoded = Buffer.from(`${VERSION}|${shareId}|${jobId}|${expiresAt}`, 'utf8').toString('base64url');
    return `${encoded}.${macOf(this.keys[0]!, encoded).toString('ascii')}`;
  }

  /**
   * The claims of a token one of our secrets signed, or null for anything else — malformed, truncated, altered or
   * signed with another secret alike: a caller must not be able to tell them apart. The MAC is checked in constant
   * time against every key before the payload is decoded; expiry is the caller's to check.
   */
  verify(token: unknown): ShareClaims | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_SHARE_TOKEN_LENGTH) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [encoded, mac] = parts as [string, string];
    if (!SEGMENT.test(encoded) || !SEGMENT.test(mac) || mac.length !== MAC_LENGTH) return null;

    const given = Buffer.from(mac, 'ascii');
    // Every key is tried, whichever matches: the time taken does not say which secret signed the token.
    let signed = false;
    for (const key of this.keys) signed = timingSafeEqual(macOf(key, encoded), given) || signed;
    if (!signed) return null;

    const fields = Buffer.from(encoded, 'base64url').toString('utf8').split('|');
    if (fields.length !== 4) return null;
    const [version, shareId, jobId, expiresAt] = fields as [string, string, string, string];
    if (version !== VERSION || !SHARE_ID.test(shareId) || !JOB_ID.test(jobId) || !EXPIRES_AT.test(expiresAt)) return null;
    return { shareId, jobId, expiresAt: Number(expiresAt) };
  }
}
