// Signed OAuth `state`: binds the Google callback to the user who asked to connect, for a limited time.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors';

/** Longer than any state we sign (see `signState`); anything longer is refused before any work is done on it. */
export const MAX_STATE_LENGTH = 2048;
/** A state issued by a host whose clock runs ahead of ours by up to this much is still accepted. */
export const STATE_MAX_CLOCK_SKEW_SECONDS = 60;

const payloadSchema = z.strictObject({
  user_id: z.string().min(1).max(256),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16–128 URL-safe base64 characters'),
  iat: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Issued to the user themselves (their API key was sent): only such a state may reconnect an existing user. */
  own: z.boolean().optional(),
});

export type OAuthStatePayload = z.infer<typeof payloadSchema>;

export interface VerifyStateOptions {
  ttlSeconds: number;
  /** The current time in epoch seconds; the clock when omitted. */
  now?: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const MAC_LENGTH = 43; // HMAC-SHA256 is 32 bytes: 43 base64url characters without padding
const STATE_KEY_INFO = 'pecunia oauth state v1';

/**
 * The state's HMAC key for a secret. HKDF-SHA256 (RFC 5869; empty salt, info "pecunia oauth state v1") rather than
 * the secret itself: the same secret also yields the Fernet key (SHA-256 of it), and one key serving two purposes
 * lets a value made for one be accepted by the other. The info string names the purpose and its version.
 */
export function stateKeyFrom(secret: string): Uint8Array {
  if (secret.length === 0) throw new TypeError('stateKeyFrom needs a non-empty secret.');
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), STATE_KEY_INFO, 32));
}

/** 128 random bits, URL-safe: the state's single-use token, recorded by the nonce store. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

function keyBytes(secretKey: Uint8Array | string): Uint8Array {
  const key = typeof secretKey === 'string' ? Buffer.from(secretKey, 'utf8') : secretKey;
  // A short key is a wiring bug (the raw secret or stateKeyFrom's 32 bytes are expected), not a bad request.
  if (key.length < 16) throw new TypeError('The OAuth state key must be at least 16 bytes.');
  return key;
}

// The MAC covers the payload exactly as transmitted, so no JSON canonicalisation is needed to check it.
const macOf = (key: Uint8Array, encodedPayload: string): string => createHmac('sha256', key).update(encodedPayload, 'ascii').digest('base64url');

/** `base64url(JSON) + '.' + base64url(HMAC-SHA256)`. The payload is checked first: what cannot be verified is not signed. */
export function signState(secretKey: Uint8Array | string, payload: OAuthStatePayload): string {
  const key = keyBytes(secretKey);
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new TypeError(`Cannot sign an OAuth state with invalid fields: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  const encoded = Buffer.from(JSON.stringify(parsed.data), 'utf8').toString('base64url');
  const state = `${encoded}.${macOf(key, encoded)}`;
  if (state.length > MAX_STATE_LENGTH) throw new TypeError(`A signed OAuth state would exceed ${MAX_STATE_LENGTH} characters.`);
  return state;
}

const malformed = (reason: string) => new ValidationError('OAUTH.STATE_MALFORMED', 'The OAuth state is malformed.', { reason });
const expired = (reason: string) => new ValidationError('OAUTH.STATE_EXPIRED', 'The OAuth state has expired; start the connection again.', { reason });

/**
 * Returns the payload of a state this key signed, or throws ValidationError `OAUTH.STATE_MALFORMED`,
 * `OAUTH.STATE_TAMPERED` or `OAUTH.STATE_EXPIRED`. Order: the shape of the string (size, two segments, alphabet),
 * then the MAC in constant time, and only then is the payload decoded and read — nothing unauthenticated is parsed.
 * A state that is correctly shaped but not ours is therefore TAMPERED whatever its payload holds.
 * Single use is not checked here: the caller records the nonce.
 */
export function verifyState(secretKey: Uint8Array | string, state: string, options: VerifyStateOptions): OAuthStatePayload {
  const key = keyBytes(secretKey);
  if (!(options.ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number of seconds.');
  if (typeof state !== 'string' || state.length === 0) throw malformed('empty');
  if (state.length > MAX_STATE_LENGTH) throw malformed('too-long');
  const parts = state.split('.');
  if (parts.length !== 2) throw malformed('not-two-segments');
  const [encoded, mac] = parts as [string, string];
  if (!SEGMENT.test(encoded) || !SEGMENT.test(mac) || mac.length !== MAC_LENGTH) throw malformed('bad-encoding');

  // Comparing the encoded forms also refuses a MAC that differs only in the unused low bits of its last character.
  if (!timingSafeEqual(Buffer.from(macOf(key, encoded), 'ascii'), Buffer.from(mac, 'ascii'))) {
    throw new ValidationError('OAUTH.STATE_TAMPERED', 'The OAuth state was not issued by this server or was altered.');
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64url')));
  } catch {
    throw malformed('bad-json');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw malformed('bad-fields');

  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (parsed.data.iat > now + STATE_MAX_CLOCK_SKEW_SECONDS) throw expired('issued-in-future');
  if (now - parsed.data.iat > options.ttlSeconds) throw expired('too-old');
  return parsed.data;
}
