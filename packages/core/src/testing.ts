// Subpath `@pecunia/core/testing`: helpers for tests of any package (never imported by production code).
export { pngBytes, mp3Bytes, jpegBytes, pdfBytes, toBase64 } from './testing/media-samples';
export { makeTrade, utcAt, sampleJournal } from './testing/make-trade';
export { sqsRecord, lambdaContext } from './testing/aws-events';
export { analysisResult } from './testing/analysis-result';
export { startGoogleStandIn } from './testing/google/google-standin';
export type { GoogleStandIn, GoogleStandInOptions, GoogleAccount, StandInCall, StandInFault } from './testing/google/google-standin';
export { expiredStandInClient, standInAuthProvider } from './testing/google/standin-auth';
export { startGeminiStandIn, GEMINI_STANDIN_API_KEY, geminiErrors, inOrder } from './testing/gemini/gemini-standin';
export type { GeminiStandIn, GeminiCall, GeminiReply, GeminiRequest, GeminiHandler } from './testing/gemini/gemini-standin';
export { startSerpApiStandIn, SERPAPI_STANDIN_API_KEY, serpApiErrors } from './testing/gemini/serpapi-standin';
export type { SerpApiStandIn, SerpApiCall, SerpApiReply, SerpApiHandler } from './testing/gemini/serpapi-standin';
export { startDynalite, useDynamoEngine } from './testing/aws/dynalite';
export type { DynamoStandIn, DynamoEngine } from './testing/aws/dynalite';
export { startMoto, describeWithMoto, isSkipped } from './testing/aws/moto';
export type { Moto, MotoSkipped } from './testing/aws/moto';
export { describePythonInterop, pythonFernet, pythonFernetMissing, PYTHON_TIMEOUT_MS } from './testing/python-fernet';
