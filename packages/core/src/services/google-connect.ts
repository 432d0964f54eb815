// Connecting a trader's Google account: a signed, single-use consent request, the code exchanged for tokens that are
// stored encrypted, and the journal user bound to one Google account — no account taken over through the callback.
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../errors';
import type { ApiKeyStore } from '../ports/api-key-store.port';
import type { NonceStore } from '../ports/nonce-store.port';
import type { OAuthProvider } from '../ports/oauth-provider.port';
import type { TokenStore } from '../ports/token-store.port';
import { newNonce, signState, verifyState } from '../security/oauth-state';
import type { TokenCipher } from '../security/token-cipher';

const USER_ID = /^[A-Za-z0-9@._:-]{1,128}$/;

export interface GoogleConnectDeps {
  oauth: OAuthProvider;
  tokens: TokenStore;
  nonces: NonceStore;
  apiKeys: ApiKeyStore;
  cipher: TokenCipher;
  /** HMAC key of the `state` (from `stateKeyFrom`). */
  stateKey: Uint8Array;
  /** OAUTH_STATE_TTL: how long a consent request stays valid. */
  stateTtlSeconds: number;
  /** Told when a user's tokens changed (connected again, or disconnected), so a cached client is dropped. */
  onConnected?: (userId: string) => void;
  now?: () => number;
}

export interface ConnectResult {
  status: 'connected';
  user_id: string;
  email: string | null;
  /** The user's first API key, for a user new to this journal; null when they already had keys. */
  api_key: string | null;
}

export class GoogleConnectService {
  private readonly now: () => number;

  constructor(private readonly deps: GoogleConnectDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * The consent URL for `userId`. A user who already exists (has keys or a connection) must be the caller: otherwise
   * anyone could bind someone else's journal to their own Google account.
   */
  async authorize(userId: unknown, caller: string | null): Promise<{ authorization_url: string; state: string }> {
    if (typeof userId !== 'string' || !USER_ID.test(userId)) {
      throw new ValidationError('OAUTH.INVALID_USER', 'user_id must be 1–128 letters, digits or @ . _ : -', { field: 'user_id' });
    }
    const own = caller === userId;
    if (!own && (await this.exists(userId))) throw keyRequired(userId);
    const state = signState(this.deps.stateKey, { user_id: userId, nonce: newNonce(), iat: Math.floor(this.now() / 1000), ...(own ? { own } : {}) });
    return { authorization_url: this.deps.oauth.authorizationUrl(state), state };
  }

  /** Completes a consent: the state is checked and spent before the code is exchanged. */
  async callback(code: unknown, state: unknown): Promise<ConnectResult> {
    if (typeof state !== 'string' || state.length === 0) throw new ValidationError('OAUTH.STATE_MALFORMED', 'state is missing', { field: 'state' });
    if (typeof code !== 'string' || code.length === 0 || code.length > 2048) {
      throw new ValidationError('OAUTH.INVALID_CODE', 'code is missing or malformed', { field: 'code' });
    }
    const nowSeconds = Math.floor(this.now() / 1000);
    const payload = verifyState(this.deps.stateKey, state, { ttlSeconds: this.deps.stateTtlSeconds, now: nowSeconds });
    const expiresAt = (payload.iat + this.deps.stateTtlSeconds + 60) * 1000;
    if (!(await this.deps.nonces.use(payload.nonce, expiresAt))) {
      throw new ValidationError('OAUTH.STATE_REPLAYED', 'This consent was already completed; start again at the authorize route.');
    }
    const userId = payload.user_id;
    // Checked again: a state issued while the user did not exist must not bind them once they do.
    if (!payload.own && (await this.exists(userId))) throw keyRequired(userId);
    const { tokens, account } = await this.deps.oauth.exchange(code);

    const current = await this.deps.tokens.get(userId);
    if (current && current.subject !== account.subject) {
      throw new ConflictError('OAUTH.USER_BOUND_ELSEWHERE', `User "${userId}" is connected to another Google account.`);
    }
    // Google sends a refresh token only on consent; a reconnect that got none keeps the one it had (if it still opens:
    // a record sealed under a secret since dropped must not block the reconnect that replaces it).
    const refresh = tokens.refresh_token ?? (current ? this.previousRefreshToken(current.ciphertext) : undefined);
    if (!refresh) {
      throw new ValidationError('OAUTH.NO_REFRESH_TOKEN', 'Google granted no offline access; start again and accept the consent screen.');
    }
    await this.deps.tokens.put({
      user_id: userId,
      subject: account.subject,
      ...(account.email ? { email: account.email } : {}),
      ciphertext: this.deps.cipher.encrypt(JSON.stringify({ ...tokens, refresh_token: refresh })),
      status: 'connected',
      updated_at: new Date(this.now()).toISOString(),
    });
    this.deps.onConnected?.(userId);
    const apiKey = (await this.deps.apiKeys.count(userId)) === 0 ? (await this.deps.apiKeys.create(userId)).key : null;
    return { status: 'connected', user_id: userId, email: account.email ?? null, api_key: apiKey };
  }

  /**
   * Disconnects the caller's Google account: the grant is revoked at Google (so the refresh token is dead even if a
   * copy survived somewhere) and the connection deleted, freeing the account for another user.
   */
  async disconnect(owner: string): Promise<{ status: 'disconnected'; user_id: string }> {
    const current = await this.deps.tokens.get(owner);
    if (!current) throw new NotFoundError('OAUTH.NOT_CONNECTED', 'No Google account is connected to this user.');
    const refresh = this.previousRefreshToken(current.ciphertext);
    if (refresh) await this.deps.oauth.revoke(refresh);
    await this.deps.tokens.delete(owner);
    this.deps.onConnected?.(owner);
    return { status: 'disconnected', user_id: owner };
  }

  /** A user exists once a key was issued to them (even if since revoked) or an account connected. */
  private async exists(userId: string): Promise<boolean> {
    return (await this.deps.apiKeys.count(userId, { includeRevoked: true })) > 0 || (await this.deps.tokens.get(userId)) !== null;
  }

  private previousRefreshToken(ciphertext: string): string | undefined {
    try {
      return (JSON.parse(this.deps.cipher.decrypt(ciphertext).plaintext) as { refresh_token?: string }).refresh_token;
    } catch {
      return undefined;
    }
  }
}

const keyRequired = (userId: string) =>
  new UnauthorizedError('OAUTH.KEY_REQUIRED', `User "${userId}" exists: connecting their account needs their API key (Authorization: Bearer <key> on the authorize call).`);
