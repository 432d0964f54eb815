// Real OAuth2Clients pointed at the Google stand-in, and a minimal GoogleAuthProvider over them, for adapter tests.
import { OAuth2Client } from 'google-auth-library';
import type { GoogleAuthProvider } from '../../adapters/google/google-auth';
import { UnauthorizedError } from '../../errors';
import type { GoogleAccount, GoogleStandIn } from './google-standin';

/**
 * A client whose stored access token has already expired, so its first call refreshes against the stand-in's token
 * endpoint, as a trader's client does after a while away. `fetch` is what gaxios uses (jest needs it passed).
 */
export function expiredStandInClient(standIn: GoogleStandIn, account: GoogleAccount, fetchImplementation: typeof fetch = fetch): { client: OAuth2Client; refreshToken: string } {
  const { refreshToken } = standIn.grantTokens(account);
  const client = new OAuth2Client({
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    endpoints: { oauth2TokenUrl: standIn.tokenUrl, oauth2AuthBaseUrl: standIn.authUrl },
    transporterOptions: { fetchImplementation },
  });
  client.setCredentials({
    access_token: 'ya29.expired-long-ago',
    refresh_token: refreshToken,
    expiry_date: Date.now() - 60_000,
    token_type: 'Bearer',
  });
  return { client, refreshToken };
}

/**
 * One client per user, refreshed before it is handed out; a refused refresh becomes `OAUTH.RECONNECT_REQUIRED`,
 * as the production provider answers. Only what the Drive and Sheets adapters need, nothing stored.
 */
export function standInAuthProvider(clients: Record<string, OAuth2Client>): GoogleAuthProvider {
  return {
    async clientFor(userId: string): Promise<OAuth2Client> {
      const client = clients[userId];
      if (!client) throw new UnauthorizedError('OAUTH.NOT_CONNECTED', `No Google connection for ${userId}.`);
      try {
        await client.getAccessToken();
      } catch (error) {
        const grant = (error as { response?: { data?: { error?: unknown } } }).response?.data?.error;
        if (grant === 'invalid_grant') throw new UnauthorizedError('OAUTH.RECONNECT_REQUIRED', `Google revoked the connection of ${userId}.`);
        throw error;
      }
      return client;
    },
  };
}
