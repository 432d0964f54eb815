// The Google family: the trader's Sheet and Drive through their own OAuth tokens (stored encrypted), and Google OAuth
// itself; and the Gemini family: extraction, voice notes, charts and coaching prose.
import type { Coach } from '../ports/coach.port';
import type { TokenStore } from '../ports/token-store.port';
import type { Env } from './env';

/** Tried in order when the configured model is unavailable (a retired or region-limited model answers 404). */
const FALLBACK_MODELS = ['gemini-2.5-flash', 'gemini-2.0-flash'];

const modelsFrom = (preferred: string): string[] => [...new Set([preferred, ...FALLBACK_MODELS])];

function endpointsOf(env: Env) {
  return {
    ...(env.GOOGLE_API_ROOT_URL ? { apiRootUrl: env.GOOGLE_API_ROOT_URL.replace(/\/?$/, '/') } : {}),
    ...(env.GOOGLE_OAUTH_AUTH_URL ? { oauthAuthUrl: env.GOOGLE_OAUTH_AUTH_URL } : {}),
    ...(env.GOOGLE_OAUTH_TOKEN_URL ? { oauthTokenUrl: env.GOOGLE_OAUTH_TOKEN_URL } : {}),
    // The process's own fetch, handed over explicitly: gaxios' default does not reach jest's sandboxed one.
    fetch: globalThis.fetch,
  };
}

/** The secrets tokens are sealed with, newest first; the earlier service used the client secret when none was set. */
export function tokenSecrets(env: Env): string[] {
  if (env.TOKEN_ENCRYPTION_SECRET?.length) return env.TOKEN_ENCRYPTION_SECRET;
  if (env.GOOGLE_CLIENT_SECRET) return [env.GOOGLE_CLIENT_SECRET];
  return [];
}

export async function openGoogleFamily(env: Env, tokens: TokenStore) {
  const google = await import('../google');
  const { TokenCipher } = await import('../security/token-cipher');
  const { stateKeyFrom } = await import('../security/oauth-state');
  const secrets = tokenSecrets(env);
  const cipher = new TokenCipher(secrets);
  const oauthOptions = {
    clientId: env.GOOGLE_CLIENT_ID!,
    clientSecret: env.GOOGLE_CLIENT_SECRET!,
    redirectUri: env.GOOGLE_REDIRECT_URI ?? 'http://localhost/api/auth/google/callback',
    ...(env.OAUTH_SCOPES?.length ? { scopes: env.OAUTH_SCOPES } : {}),
    endpoints: endpointsOf(env),
  };
  const clients = new google.GoogleClients({ ...oauthOptions, tokens, cipher });
  return {
    journal: new google.SheetsJournal({ auth: clients, endpoints: oauthOptions.endpoints }),
    media: new google.DriveMediaStore({
      auth: clients,
      endpoints: oauthOptions.endpoints,
      ...(env.GOOGLE_DRIVE_ROOT_FOLDER_ID ? { rootFolderId: env.GOOGLE_DRIVE_ROOT_FOLDER_ID } : {}),
    }),
    oauth: new google.GoogleOAuth(oauthOptions),
    clients,
    cipher,
    stateKey: stateKeyFrom(secrets[0]!),
  };
}

export async function openGeminiFamily(env: Env, fallbackCoach: Coach) {
  const google = await import('../google');
  const base = {
    apiKey: env.GEMINI_API_KEY!,
    ...(env.GEMINI_API_BASE_URL ? { baseUrl: env.GEMINI_API_BASE_URL } : {}),
    fetch: globalThis.fetch,
  };
  const text = { ...base, models: modelsFrom(env.GEMINI_MODEL_NAME) };
  const vision = { ...base, models: modelsFrom(env.GEMINI_VISION_MODEL_NAME) };
  return {
    extractor: new google.GeminiExtractor(vision),
    transcriber: new google.GeminiTranscriber(vision),
    imageAnalyst: new google.GeminiImageAnalyst(vision),
    coach: new google.GeminiCoach({ ...text, fallback: fallbackCoach }),
  };
}

export async function openSerpApi(env: Env) {
  const { SerpApiResearcher } = await import('../serpapi');
  return new SerpApiResearcher({
    apiKey: env.SERPAPI_API_KEY!,
    ...(env.SERPAPI_BASE_URL ? { baseUrl: env.SERPAPI_BASE_URL } : {}),
    fetch: globalThis.fetch,
  });
}
