// What the Drive and Sheets adapters need from the OAuth side: an authorised client for the trader they act for.
import type { OAuth2Client } from 'google-auth-library';
import { UnauthorizedError } from '../../errors';

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

/** Where a trader who must connect (again) is sent; named in every 401 the Google adapters answer. */
export const AUTHORIZE_ROUTE = '/api/auth/google/authorize';

/** 401 `OAUTH.RECONNECT_REQUIRED`, naming the authorize route: Google no longer accepts this connection. */
export function reconnectRequired(why: string, cause?: unknown): UnauthorizedError {
  const error = new UnauthorizedError('OAUTH.RECONNECT_REQUIRED', `${why}; connect again: GET ${AUTHORIZE_ROUTE}?user_id=…`, { authorize: AUTHORIZE_ROUTE });
  if (cause !== undefined) error.cause = cause;
  return error;
}
