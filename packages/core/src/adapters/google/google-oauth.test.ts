import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../local/sqlite-database';
import { SqliteTokenStore } from '../local/sqlite-token-store';
import { TokenCipher } from '../../security/token-cipher';
import { startGoogleStandIn, type GoogleStandIn } from '../../testing/google/google-standin';
import { GoogleClients, GoogleOAuth } from './google-oauth';

const ACCOUNT = { sub: '108111111111111111111', email: 'trader@example.com' };
const NEW_SECRET = 'n'.repeat(40);
const OLD_SECRET = 'o'.repeat(40);

describe('Google OAuth against the stand-in', () => {
  let google: GoogleStandIn;
  let dir: string;
  let db: Database;
  let tokens: SqliteTokenStore;

  beforeAll(async () => {
    google = await startGoogleStandIn();
  });
  afterAll(() => google.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-oauth-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    tokens = new SqliteTokenStore(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = () => ({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    redirectUri: 'http://127.0.0.1/api/auth/google/callback',
    endpoints: { apiRootUrl: google.url, oauthTokenUrl: google.tokenUrl, oauthAuthUrl: google.authUrl, fetch },
  });
  const tokenCalls = () => google.calls.filter((c) => c.path === '/token').length;

  /** A connected user whose access token has expired, sealed under `secret`. */
  async function connectedUser(userId: string, secret = NEW_SECRET, fresh = false): Promise<string> {
    const { accessToken, refreshToken } = google.grantTokens(ACCOUNT);
    const access = fresh ? { access_token: accessToken, expiry_date: Date.now() + 3_600_000 } : { access_token: 'ya29.expired', expiry_date: Date.now() - 1000 };
    const sealed = new TokenCipher([secret]).encrypt(JSON.stringify({ ...access, refresh_token: refreshToken }));
    await tokens.put({ user_id: userId, subject: ACCOUNT.sub, ciphertext: sealed, status: 'connected', updated_at: '' });
    return refreshToken;
  }

  it('exchanges a code and reads the account it belongs to from userinfo', async () => {
    google.registerCode('code-x', ACCOUNT);

    const { tokens: issued, account } = await new GoogleOAuth(options()).exchange('code-x');

    expect(account).toEqual({ subject: ACCOUNT.sub, email: ACCOUNT.email });
    expect(issued).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), expiry_date: expect.any(Number) });
    await expect(new GoogleOAuth(options()).exchange('code-x')).rejects.toMatchObject({ code: 'OAUTH.EXCHANGE_FAILED', status: 400 });
  });

  it('refreshes an expired token once for many concurrent requests, and stores the new one encrypted', async () => {
    await connectedUser('alice');
    const clients = new GoogleClients({ ...options(), tokens, cipher: new TokenCipher([NEW_SECRET]) });
    const before = tokenCalls();

    const all = await Promise.all(Array.from({ length: 8 }, () => clients.clientFor('alice')));

    expect(new Set(all).size).toBe(1);
    expect(tokenCalls() - before).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    const stored = await tokens.get('alice');
    const opened = JSON.parse(new TokenCipher([NEW_SECRET]).decrypt(stored!.ciphertext).plaintext) as { access_token: string; refresh_token: string };
    expect(opened.access_token).not.toBe('ya29.expired');
    expect(opened.refresh_token).toEqual(expect.any(String));
    expect(stored!.ciphertext).not.toContain(opened.access_token);
  });

  it('marks a revoked connection broken and answers 401 OAUTH.RECONNECT_REQUIRED, without asking Google again', async () => {
    const refreshToken = await connectedUser('bob');
    google.revokeRefreshToken(refreshToken);
    const clients = new GoogleClients({ ...options(), tokens, cipher: new TokenCipher([NEW_SECRET]) });

    await expect(clients.clientFor('bob')).rejects.toMatchObject({ code: 'OAUTH.RECONNECT_REQUIRED', status: 401, details: { authorize: '/api/auth/google/authorize' } });
    expect((await tokens.get('bob'))!.status).toBe('broken');
    const before = tokenCalls();
    await expect(clients.clientFor('bob')).rejects.toMatchObject({ code: 'OAUTH.RECONNECT_REQUIRED' });
    expect(tokenCalls()).toBe(before);
    await expect(clients.clientFor('nobody')).rejects.toMatchObject({ code: 'OAUTH.NOT_CONNECTED', status: 401 });
  });

  it('re-seals tokens stored under an older secret with the newest one when first read', async () => {
    await connectedUser('carol', OLD_SECRET, true);
    const clients = new GoogleClients({ ...options(), tokens, cipher: new TokenCipher([NEW_SECRET, OLD_SECRET]) });
    const before = tokenCalls();

    await clients.clientFor('carol');

    // A valid token needed no refresh: the new ciphertext comes from the re-seal alone.
    expect(tokenCalls()).toBe(before);
    const { ciphertext } = (await tokens.get('carol'))!;
    expect(() => new TokenCipher([NEW_SECRET]).decrypt(ciphertext)).not.toThrow();
  });

  it('asks for offline access, consent and the configured scopes', () => {
    const url = new URL(new GoogleOAuth({ ...options(), scopes: ['openid', 'email'] }).authorizationUrl('state-1'));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      scope: 'openid email',
      state: 'state-1',
      redirect_uri: 'http://127.0.0.1/api/auth/google/callback',
      client_id: google.clientId,
    });
  });
});
