// The environment that points an API at the loopback stand-ins of Google, Gemini and SerpAPI (whichever are given).
import type { GeminiStandIn } from './gemini/gemini-standin';
import { GEMINI_STANDIN_API_KEY } from './gemini/gemini-standin';
import type { SerpApiStandIn } from './gemini/serpapi-standin';
import { SERPAPI_STANDIN_API_KEY } from './gemini/serpapi-standin';
import type { GoogleStandIn } from './google/google-standin';

/** A token encryption secret for tests (≥ 32 characters); Google mode needs one. */
export const STANDIN_TOKEN_SECRET = 'a-token-encryption-secret-of-at-least-32-characters';

export function standInEnv(standIns: { google?: GoogleStandIn; gemini?: GeminiStandIn; serp?: SerpApiStandIn }): Record<string, string> {
  const { google, gemini, serp } = standIns;
  return {
    ...(google
      ? {
          GOOGLE_CLIENT_ID: google.clientId,
          GOOGLE_CLIENT_SECRET: google.clientSecret,
          GOOGLE_REDIRECT_URI: 'http://127.0.0.1:8000/api/auth/google/callback',
          GOOGLE_API_ROOT_URL: google.url,
          GOOGLE_OAUTH_AUTH_URL: google.authUrl,
          GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
          TOKEN_ENCRYPTION_SECRET: STANDIN_TOKEN_SECRET,
        }
      : {}),
    ...(gemini ? { GEMINI_API_KEY: GEMINI_STANDIN_API_KEY, GEMINI_API_BASE_URL: gemini.url } : {}),
    ...(serp ? { SERPAPI_API_KEY: SERPAPI_STANDIN_API_KEY, SERPAPI_BASE_URL: serp.url } : {}),
  };
}
