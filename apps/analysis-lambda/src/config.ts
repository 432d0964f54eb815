// The analysis Lambda's configuration: the only module that reads the environment. One error lists every problem.
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const requiredText = z.string({ message: 'is required' }).trim().min(1, 'is required');

const envSchema = z.object({
  APP_ENV: z.enum(['development', 'staging', 'production', 'test']).default('production'),
  APP_LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(['error', 'warn', 'info', 'debug', 'silent'])).default('info'),
  /** Set by the Lambda runtime. */
  AWS_REGION: requiredText,
  /** Table of the analysis jobs (written by the API, completed here). */
  DYNAMODB_TABLE_NAME: requiredText,
  /** Must equal the queue's redrive maxReceiveCount: on the last delivery a failing job is marked failed. */
  ANALYSIS_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(3),
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  ANALYSIS_MAX_MEDIA_FILES: z.coerce.number().int().min(0).max(500).default(40),
  /** The trader's Sheets journal and Drive files are read with their OAuth tokens, stored encrypted. */
  GOOGLE_CLIENT_ID: requiredText,
  GOOGLE_CLIENT_SECRET: requiredText,
  TOKEN_ENCRYPTION_SECRET: requiredText.pipe(z.string().min(32, 'must be at least 32 characters')),
  GEMINI_API_KEY: optionalText,
  GEMINI_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  GEMINI_VISION_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  SERPAPI_API_KEY: optionalText,
});

export type LambdaEnv = z.output<typeof envSchema>;

export interface LambdaConfig {
  env: LambdaEnv;
  /** Optional steps this deployment cannot run, with the reason shown to the trader. */
  skipReasons: { transcribe_audio?: string; analyse_images?: string; web_research?: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration of the analysis Lambda:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws one ConfigError naming every missing or invalid variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  const env = parsed.data;
  const skipReasons: LambdaConfig['skipReasons'] = {};
  // A key that is set still has no adapter in this build: the reason says which, never that the key is missing.
  const gemini = env.GEMINI_API_KEY ? 'Gemini media analysis is not available in this build' : 'no Gemini key configured (GEMINI_API_KEY)';
  skipReasons.transcribe_audio = gemini;
  skipReasons.analyse_images = gemini;
  skipReasons.web_research = env.SERPAPI_API_KEY
    ? 'SerpAPI web research is not available in this build'
    : 'no web search key configured (SERPAPI_API_KEY)';
  return { env, skipReasons };
}
