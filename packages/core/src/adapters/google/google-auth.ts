// What the Drive and Sheets adapters need from the OAuth side: an authorised client for the trader they act for.
import type { OAuth2Client } from 'google-auth-library';

export interface GoogleAuthProvider {
  /**
   * The user's client, refreshing its access token when needed (once per user, however many requests wait on it).
   * Throws `OAUTH.NOT_CONNECTED` / `OAUTH.RECONNECT_REQUIRED` (401) when the user has no usable connection.
   */
  clientFor(userId: string): Promise<OAuth2Client>;
}

/** Where Google's services are; unset means Google's own. Tests point them at loopback stand-ins. */
export interface GoogleEndpoints {
  /** Root of Drive, Sheets and userinfo (`https://www.googleapis.com/` style, with trailing slash). */
  apiRootUrl?: string;
  oauthAuthUrl?: string;
  oauthTokenUrl?: string;
  /** gaxios' fetch; jest needs the global one passed explicitly. */
  fetch?: typeof fetch;
}
