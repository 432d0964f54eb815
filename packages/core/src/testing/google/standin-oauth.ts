// OAuth side of the Google stand-in: authorization codes, access and refresh tokens, the token endpoint and userinfo.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GoogleHttpError } from './standin-http';

/** A Google account as the stand-in knows it: `sub` is the stable id userinfo answers with. */
export interface GoogleAccount {
  sub: string;
  email: string;
}

export const DEFAULT_SCOPES = [
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/spreadsheets',
];

interface Code {
  account: GoogleAccount;
  scope: string;
  redirectUri: string | undefined;
  used: boolean;
}

interface RefreshToken {
  account: GoogleAccount;
  scope: string;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  account: GoogleAccount;
  scope: string;
  refreshToken: string;
  expiresAt: number;
}

/** What the token endpoint answers with a 4xx: OAuth's own `{error, error_description}`, not the API error body. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

const ACCESS_TOKEN_SECONDS = 3599;
const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export class OAuthState {
  private readonly codes = new Map<string, Code>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  /** Every access and refresh token issued so far: a test checks none of them is stored or logged in the clear. */
  issuedTokens(): string[] {
    return [...this.refreshTokens.keys(), ...this.accessTokens.keys()];
  }

  registerCode(code: string, account: GoogleAccount, options: { scopes?: readonly string[]; redirectUri?: string } = {}): void {
    const scope = (options.scopes ?? DEFAULT_SCOPES).join(' ');
    this.codes.set(code, { account, scope, redirectUri: options.redirectUri, used: false });
  }

  /** Tokens as if the account had already connected: for tests that start from stored credentials. */
  grantTokens(account: GoogleAccount, scopes: readonly string[] = DEFAULT_SCOPES): { accessToken: string; refreshToken: string } {
    const refreshToken = token('1//standin-');
    this.refreshTokens.set(refreshToken, { account, scope: scopes.join(' '), revoked: false });
    return { accessToken: this.issueAccessToken(refreshToken).token, refreshToken };
  }

  revokeRefreshToken(refreshToken: string): void {
    const entry = this.refreshTokens.get(refreshToken);
    if (entry) entry.revoked = true;
    // Revoking a grant also kills the access tokens it minted, as Google does.
    for (const access of this.accessTokens.values()) {
      if (access.refreshToken === refreshToken) access.expiresAt = 0;
    }
  }

  expireAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.expiresAt = 0;
  }

  /** The access token in `Authorization: Bearer …`, or a 401 with Google's body. */
  authenticate(req: IncomingMessage): AccessToken {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const access = match?.[1] === undefined ? undefined : this.accessTokens.get(match[1]);
    if (!access || access.expiresAt <= Date.now() || this.refreshTokens.get(access.refreshToken)?.revoked) {
      throw new GoogleHttpError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        'authError',
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    return access;
  }

  /** The account behind a bearer token, without throwing: for recording who made a call. */
  peek(req: IncomingMessage): AccessToken | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1] === undefined ? undefined : this.accessTokens.get(match[1]);
  }

  /** `POST /token`, form-encoded, client credentials in the body or in HTTP Basic. */
  exchange(req: IncomingMessage, body: Buffer): Record<string, unknown> {
    const form = new URLSearchParams(body.toString('utf8'));
    this.checkClient(req, form);
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(form);
    if (grantType === 'refresh_token') return this.refresh(form);
    throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  /** `POST /revoke?token=…`: an access or refresh token; a refresh token takes its access tokens with it. */
  revoke(query: URLSearchParams, body: Buffer): void {
    const value = query.get('token') ?? new URLSearchParams(body.toString('utf8')).get('token') ?? '';
    if (this.refreshTokens.has(value)) return this.revokeRefreshToken(value);
    const access = this.accessTokens.get(value);
    if (!access) throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    this.revokeRefreshToken(access.refreshToken);
  }

  private checkClient(req: IncomingMessage, form: URLSearchParams): void {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [user, pass] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(user ?? '');
      secret = decodeURIComponent(pass ?? '');
    }
    if (id !== this.clientId) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (secret !== this.clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  }

  private exchangeCode(form: URLSearchParams): Record<string, unknown> {
    const code = this.codes.get(form.get('code') ?? '');
    if (!code || code.used) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    if (code.redirectUri !== undefined && form.get('redirect_uri') !== code.redirectUri) {
      throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    }
    code.used = true;
    const refreshToken = token('1//standin-');
    this.refreshTokens.set(refreshToken, { account: code.account, scope: code.scope, revoked: false });
    const access = this.issueAccessToken(refreshToken);
    return {
      access_token: access.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refreshToken,
      scope: code.scope,
      token_type: 'Bearer',
    };
  }

  private refresh(form: URLSearchParams): Record<string, unknown> {
    const refreshToken = form.get('refresh_token') ?? '';
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || entry.revoked) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const access = this.issueAccessToken(refreshToken);
    return { access_token: access.token, expires_in: ACCESS_TOKEN_SECONDS, scope: entry.scope, token_type: 'Bearer' };
  }

  private issueAccessToken(refreshToken: string): AccessToken {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant) throw new Error(`Unknown refresh token ${refreshToken}`);
    const access: AccessToken = {
      token: token('ya29.standin-'),
      account: grant.account,
      scope: grant.scope,
      refreshToken,
      expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000,
    };
    this.accessTokens.set(access.token, access);
    return access;
  }
}

/** Google answers a call whose token lacks the API's scope with a 403, not a 401: reconnecting with it fixes that. */
export function requireScope(access: AccessToken, accepted: readonly string[]): void {
  const granted = access.scope.split(' ');
  if (!accepted.some((scope) => granted.includes(scope))) {
    throw new GoogleHttpError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions');
  }
}
