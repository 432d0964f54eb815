// Encryption of stored OAuth tokens: Fernet under keys derived from the configured secrets, newest first, for rotation.
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { FERNET_INVALID_TOKEN, fernetDecryptText, fernetEncrypt } from './fernet';

export interface OpenedToken {
  plaintext: string;
  /** Sealed under an older key: the caller re-encrypts it with `encrypt` and stores the new token. */
  stale: boolean;
}

export class TokenCipher {
  // Private fields stay out of JSON.stringify and util.inspect, so logging the cipher does not log the keys.
  readonly #keys: readonly string[];

  /**
   * `secrets` newest first: TOKEN_ENCRYPTION_SECRET split on commas, or `[GOOGLE_CLIENT_SECRET]` when it is unset.
   * Length rules belong to the configuration, which knows which variable the secret came from.
   */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
      throw new TypeError('TokenCipher needs at least one non-empty secret (TOKEN_ENCRYPTION_SECRET or GOOGLE_CLIENT_SECRET).');
    }
    this.#keys = secrets.map((secret) => TokenCipher.deriveKey(secret));
  }

  /**
   * The Fernet key of a secret, derived as the earlier Python service did, so that its stored tokens stay readable:
   * `base64.urlsafe_b64encode(hashlib.sha256(secret.encode('utf-8')).digest())`.
   */
  static deriveKey(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }

  /** Seals under the newest key. */
  encrypt(plaintext: string): string {
    return fernetEncrypt(this.#keys[0]!, plaintext);
  }

  /**
   * Opens a token sealed under any configured key; throws ValidationError `CIPHER.INVALID_TOKEN` when none opens it.
   * No TTL: a stored refresh token is valid for as long as Google says, whatever its Fernet timestamp.
   */
  decrypt(token: string): OpenedToken {
    for (const [index, key] of this.#keys.entries()) {
      try {
        return { plaintext: fernetDecryptText(key, token), stale: index > 0 };
      } catch (error) {
        // Only a signature mismatch depends on the key; a malformed token, or one a key opened, is final.
        if (!(error instanceof ValidationError && error.code === FERNET_INVALID_TOKEN && error.details?.reason === 'bad-signature')) throw error;
      }
    }
    throw new ValidationError(FERNET_INVALID_TOKEN, 'The token was not sealed under any configured key.', { reason: 'bad-signature' });
  }
}
