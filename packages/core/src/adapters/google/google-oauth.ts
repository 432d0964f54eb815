// Google OAuth: the consent URL, the code exchange with the account it belongs to, and each trader's live client —
// refreshed once per user however many requests wait on it, its tokens stored only encrypted.
import { OAuth2Client, type Credentials } from 'google-auth-library';
import { isPecuniaError, UnauthorizedError, UpstreamError, ValidationError } from '../../errors';
import type { OAuthAccount, OAuthProvider, OAuthTokens } from '../../ports/oauth-provider.port';
import type { GoogleConnection, TokenStore } from '../../ports/token-store.port';
import type { TokenCipher } from '../../security/token-cipher';
import { AUTHORIZE_ROUTE, reconnectRequired, type GoogleAuthProvider, type GoogleEndpoints } from './google-auth';

export const DEFAULT_SCOPES = [
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/spreadsheets',
  'openid',
  'email',
] as const;

/** Access tokens this close to expiry are refreshed before use (a Drive upload can take a while). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const GOOGLE_API_ROOT = 'https://www.googleapis.com/';

export interface GoogleOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes?: readonly string[];
  endpoints?: GoogleEndpoints;
}


function newClient(options: GoogleOAuthOptions): OAuth2Client {
  const { endpoints = {} } = options;
  return new OAuth2Client({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    eagerRefreshThresholdMillis: REFRESH_MARGIN_MS,
    endpoints: {
      // Google's revoke endpoint sits beside its token endpoint (oauth2.googleapis.com/token, …/revoke).
      ...(endpoints.oauthTokenUrl ? { oauth2TokenUrl: endpoints.oauthTokenUrl, oauth2RevokeUrl: new URL('revoke', endpoints.oauthTokenUrl).toString() } : {}),
      ...(endpoints.oauthAuthUrl ? { oauth2AuthBaseUrl: endpoints.oauthAuthUrl } : {}),
    },
    ...(endpoints.fetch ? { transporterOptions: { fetchImplementation: endpoints.fetch } } : {}),
  });
}

/** `invalid_grant`: Google refused the code or the refresh token (revoked, expired, used). */
function isInvalidGrant(error: unknown): boolean {
  const data = (error as { response?: { data?: { error?: unknown } } }).response?.data;
  return data?.error === 'invalid_grant' || /invalid_grant/.test(error instanceof Error ? error.message : '');
}

export class GoogleOAuth implements OAuthProvider {
  readonly name = 'google-oauth';
  private readonly client: OAuth2Client;

  constructor(private readonly options: GoogleOAuthOptions) {
    this.client = newClient(options);
  }

  authorizationUrl(state: string): string {
    return this.client.generateAuthUrl({
      access_type: 'offline',
      // Consent every time: Google only sends a refresh token on consent, and a reconnect needs a new one.
      prompt: 'consent',
      include_granted_scopes: true,
      scope: [...(this.options.scopes ?? DEFAULT_SCOPES)],
      state,
    });
  }

  async exchange(code: string): Promise<{ tokens: OAuthTokens; account: OAuthAccount }> {
    let credentials: Credentials;
    try {
      ({ tokens: credentials } = await this.client.getToken(code));
    } catch (error) {
      if (isInvalidGrant(error) || (error as { status?: number }).status === 400) {
        throw new ValidationError('OAUTH.EXCHANGE_FAILED', 'Google refused the authorization code (expired or already used); start again at the authorize route.');
      }
      throw new UpstreamError('OAUTH.UNAVAILABLE', 'Google sign-in could not be reached; try again shortly.', error, 503);
    }
    if (!credentials.access_token) throw new UpstreamError('OAUTH.UNAVAILABLE', 'Google answered without an access token.', undefined, 502);
    const tokens: OAuthTokens = {
      access_token: credentials.access_token,
      ...(credentials.refresh_token ? { refresh_token: credentials.refresh_token } : {}),
      ...(credentials.expiry_date ? { expiry_date: credentials.expiry_date } : {}),
      ...(credentials.scope ? { scope: credentials.scope } : {}),
      ...(credentials.token_type ? { token_type: credentials.token_type } : {}),
    };
    return { tokens, account: await this.userinfo(tokens.access_token) };
  }

  async revoke(token: string): Promise<void> {
    try {
      await this.client.revokeToken(token);
    } catch (error) {
      // Already revoked or expired at Google: the grant is gone, which is what was asked.
      if (isInvalidGrant(error) || (error as { status?: number }).status === 400) return;
      throw new UpstreamError('OAUTH.UNAVAILABLE', 'Google could not be reached to revoke the access; try again shortly.', error, 503);
    }
  }

  /** The account id (`sub`) from OpenID userinfo: no certificate download, no id-token parsing. */
  private async userinfo(accessToken: string): Promise<OAuthAccount> {
    const root = this.options.endpoints?.apiRootUrl ?? GOOGLE_API_ROOT;
    const doFetch = this.options.endpoints?.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(new URL('oauth2/v3/userinfo', root), {
        headers: { Authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new UpstreamError('OAUTH.UNAVAILABLE', 'Google userinfo could not be reached; try again shortly.', error, 503);
    }
    const body = (await response.json().catch(() => null)) as { sub?: unknown; email?: unknown } | null;
    if (!response.ok || typeof body?.sub !== 'string' || body.sub === '') {
      throw new UpstreamError('OAUTH.UNAVAILABLE', `Google userinfo answered ${response.status} without an account id.`, undefined, 502);
    }
    return { subject: body.sub, ...(typeof body.email === 'string' ? { email: body.email } : {}) };
  }
}

/**
 * Each trader's authorised client, one per user and process: concurrent requests share it, so a refresh happens once
 * (the client keeps one refresh in flight per refresh token). Refreshed tokens are stored again, encrypted; tokens
 * sealed under an older secret are re-sealed under the newest when first read.
 */
export class GoogleClients implements GoogleAuthProvider {
  private readonly clients = new Map<string, Promise<OAuth2Client>>();
  /** Bumped when a user reconnects: a client of an older generation still in flight must not write over the new tokens. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly options: GoogleOAuthOptions & { tokens: TokenStore; cipher: TokenCipher },
  ) {}

  async clientFor(userId: string): Promise<OAuth2Client> {
    const generation = this.generationOf(userId);
    let pending = this.clients.get(userId);
    if (!pending) {
      pending = this.open(userId, generation);
      this.clients.set(userId, pending);
      pending.catch(() => this.clients.delete(userId));
    }
    const client = await pending;
    try {
      // Refreshes when the token is within REFRESH_MARGIN_MS of expiry; concurrent callers share one refresh.
      await client.getAccessToken();
    } catch (error) {
      if (isInvalidGrant(error)) {
        // Only the current connection is marked broken: a reconnect may have replaced it while this refresh ran.
        if (this.generationOf(userId) === generation) {
          this.clients.delete(userId);
          await this.options.tokens.markBroken(userId);
        }
        throw reconnectRequired(REVOKED);
      }
      if (isPecuniaError(error)) throw error;
      throw new UpstreamError('OAUTH.UNAVAILABLE', 'Google sign-in could not be reached to refresh the access; try again shortly.', error, 503);
    }
    return client;
  }

  /** Forgets a user's client (after they reconnect, its tokens are new). */
  forget(userId: string): void {
    this.clients.delete(userId);
    this.generations.set(userId, this.generationOf(userId) + 1);
  }

  private generationOf(userId: string): number {
    return this.generations.get(userId) ?? 0;
  }

  private async open(userId: string, generation: number): Promise<OAuth2Client> {
    const connection = await this.options.tokens.get(userId);
    if (!connection) {
      throw new UnauthorizedError('OAUTH.NOT_CONNECTED', `Connect a Google account first: GET ${AUTHORIZE_ROUTE}?user_id=…`, { authorize: AUTHORIZE_ROUTE });
    }
    if (connection.status === 'broken') throw reconnectRequired(REVOKED);
    const credentials = await this.readTokens(connection);
    const client = newClient(this.options);
    client.setCredentials(credentials);
    client.on('tokens', (fresh) => {
      if (this.generationOf(userId) !== generation) return;
      // Google sends a refresh token only on consent: keep the one we have when a refresh answer has none.
      const merged: OAuthTokens = { ...credentials, ...stripNulls(fresh), refresh_token: fresh.refresh_token ?? credentials.refresh_token } as OAuthTokens;
      Object.assign(credentials, merged);
      this.options.tokens.updateCiphertext(userId, this.options.cipher.encrypt(JSON.stringify(merged))).catch(() => {
        // The next refresh stores them again; losing this write costs one more refresh, never the connection.
      });
    });
    return client;
  }

  private async readTokens(connection: GoogleConnection): Promise<OAuthTokens> {
    const { plaintext, stale } = this.options.cipher.decrypt(connection.ciphertext);
    if (stale) await this.options.tokens.updateCiphertext(connection.user_id, this.options.cipher.encrypt(plaintext));
    return JSON.parse(plaintext) as OAuthTokens;
  }
}

const REVOKED = 'Google no longer accepts this connection (access revoked or expired)';

function stripNulls(credentials: Credentials): Partial<OAuthTokens> {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== null && value !== undefined)) as Partial<OAuthTokens>;
}
