// Fernet tokens (https://github.com/fernet/spec) on node:crypto, readable by and from Python's `cryptography` Fernet.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors';

export const FERNET_INVALID_TOKEN = 'CIPHER.INVALID_TOKEN';
export const FERNET_INVALID_KEY = 'CIPHER.INVALID_KEY';

/** Why a token was refused; goes into `details.reason`, never into anything derived from the key or plaintext. */
export type FernetFailure = 'malformed' | 'unsupported-version' | 'bad-signature' | 'expired' | 'issued-in-future' | 'bad-padding' | 'not-utf8';

export interface FernetEncryptOptions {
  /** Issue time in epoch seconds; the current time when omitted. */
  now?: number;
  /** The 16-byte IV; random when omitted. Only the spec vectors have a reason to fix it. */
  iv?: Uint8Array;
}

export interface FernetDecryptOptions {
  /** Refuse tokens older than this; without it the token's age is not checked (as in Python's `decrypt(token)`). */
  ttlSeconds?: number;
  /** The current time in epoch seconds; the clock when omitted. */
  now?: number;
}

const VERSION = 0x80;
const BLOCK = 16;
const HMAC_BYTES = 32;
const HEADER_BYTES = 1 + 8 + BLOCK; // version ‖ timestamp ‖ IV
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK + HMAC_BYTES; // PKCS7 always adds at least one block
/** The spec's allowance for a sealing host whose clock runs ahead of ours. */
export const FERNET_MAX_CLOCK_SKEW_SECONDS = 60;

// Buffer.from(…, 'base64url') skips characters outside the alphabet, so "%%%%…" would decode to something; the
// spec's "invalid base64" vector must fail, hence this strict shape check first.
const PADDED_BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

function invalidToken(reason: FernetFailure): ValidationError {
  return new ValidationError(FERNET_INVALID_TOKEN, `The Fernet token is invalid (${reason}).`, { reason });
}

interface FernetKey {
  signing: Buffer;
  encryption: Buffer;
}

/** A key is 32 bytes as URL-safe base64 (what Python's `Fernet.generate_key()` prints); padding is optional. */
function parseKey(key: string): FernetKey {
  const padded = key.length % 4 === 0 ? key : key + '='.repeat(4 - (key.length % 4));
  const bytes = PADDED_BASE64URL.test(padded) ? Buffer.from(padded, 'base64url') : undefined;
  if (!bytes || bytes.length !== 32) {
    // Deliberately silent about the value: a key in an error message ends up in a log.
    throw new ValidationError(FERNET_INVALID_KEY, 'A Fernet key must be 32 bytes encoded as URL-safe base64.');
  }
  return { signing: bytes.subarray(0, 16), encryption: bytes.subarray(16) };
}

// Node's 'base64url' drops the padding that the spec and Python keep.
const toPaddedBase64Url = (bytes: Buffer): string => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const mac = (key: FernetKey, signed: Uint8Array): Buffer => createHmac('sha256', key.signing).update(signed).digest();
const clock = (): number => Math.floor(Date.now() / 1000);

/** A new random key in the form `fernetEncrypt` takes. */
export function generateFernetKey(): string {
  return toPaddedBase64Url(randomBytes(32));
}

/** Seals `plaintext` (strings as UTF-8) into a token: URL-safe base64 with padding, like Python's `Fernet.encrypt`. */
export function fernetEncrypt(key: string, plaintext: string | Uint8Array, options: FernetEncryptOptions = {}): string {
  const parsed = parseKey(key);
  const iv = options.iv ?? randomBytes(BLOCK);
  if (iv.length !== BLOCK) throw new RangeError(`A Fernet IV is ${BLOCK} bytes, got ${iv.length}.`);
  const now = options.now ?? clock();
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError('A Fernet timestamp is a non-negative whole number of seconds.');

  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  header.writeBigUInt64BE(BigInt(now), 1);
  header.set(iv, 9);
  const cipher = createCipheriv('aes-128-cbc', parsed.encryption, iv);
  const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const signed = Buffer.concat([header, cipher.update(body), cipher.final()]);
  return toPaddedBase64Url(Buffer.concat([signed, mac(parsed, signed)]));
}

/**
 * Opens a token and returns its bytes, or throws a ValidationError `CIPHER.INVALID_TOKEN` whose `details.reason` says
 * why. The MAC is checked (in constant time) before anything else in the token is trusted: the timestamp, then the
 * decryption. As in the reference implementations (Python, Go, Ruby), the future-skew check goes with the TTL check:
 * without a TTL the caller has said the token's age does not matter.
 */
export function fernetDecrypt(key: string, token: string, options: FernetDecryptOptions = {}): Uint8Array {
  const parsed = parseKey(key);
  if (options.ttlSeconds !== undefined && !(options.ttlSeconds >= 0)) throw new RangeError('ttlSeconds must be a non-negative number of seconds.');
  if (!PADDED_BASE64URL.test(token)) throw invalidToken('malformed');
  const data = Buffer.from(token, 'base64url');
  if (data.length < 1 || data[0] !== VERSION) throw invalidToken(data.length < 1 ? 'malformed' : 'unsupported-version');
  if (data.length < MIN_TOKEN_BYTES || (data.length - HEADER_BYTES - HMAC_BYTES) % BLOCK !== 0) throw invalidToken('malformed');

  const signed = data.subarray(0, data.length - HMAC_BYTES);
  if (!timingSafeEqual(mac(parsed, signed), data.subarray(data.length - HMAC_BYTES))) throw invalidToken('bad-signature');

  if (options.ttlSeconds !== undefined) {
    const now = options.now ?? clock();
    // Beyond 2^53 seconds precision is lost, but such a timestamp is in the far future either way.
    const issuedAt = Number(data.readBigUInt64BE(1));
    if (issuedAt + options.ttlSeconds < now) throw invalidToken('expired');
    if (issuedAt > now + FERNET_MAX_CLOCK_SKEW_SECONDS) throw invalidToken('issued-in-future');
  }

  const decipher = createDecipheriv('aes-128-cbc', parsed.encryption, data.subarray(9, HEADER_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(signed.subarray(HEADER_BYTES)), decipher.final()]));
  } catch {
    // OpenSSL's "bad decrypt": a correctly signed token whose padding is wrong was sealed by a broken implementation.
    throw invalidToken('bad-padding');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `fernetDecrypt` for tokens that hold text: a token holding bytes that are not UTF-8 is refused, not mangled. */
export function fernetDecryptText(key: string, token: string, options: FernetDecryptOptions = {}): string {
  const bytes = fernetDecrypt(key, token, options);
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidToken('not-utf8');
  }
}
