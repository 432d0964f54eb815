// Subpath `@pecunia/core/google`: the trader's Drive and Sheet, Google OAuth, and Gemini (loaded only in Google mode).
export { DriveMediaStore } from './adapters/google/drive-media-store';
export { SheetsJournal } from './adapters/google/sheets-journal';
export { GoogleOAuth, GoogleClients, DEFAULT_SCOPES, REFRESH_MARGIN_MS } from './adapters/google/google-oauth';
export type { GoogleOAuthOptions } from './adapters/google/google-oauth';
export type { GoogleAuthProvider, GoogleEndpoints } from './adapters/google/google-auth';
export { GeminiExtractor } from './adapters/google/gemini-extractor';
export { GeminiTranscriber } from './adapters/google/gemini-transcriber';
export { GeminiImageAnalyst } from './adapters/google/gemini-image-analyst';
export { GeminiCoach } from './adapters/google/gemini-coach';
export type { GeminiClientOptions } from './adapters/google/gemini-client';
