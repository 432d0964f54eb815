// The API's configuration: the only module that reads process.env. Validated once; one error lists every problem.
import { z } from 'zod';
import { isValidTimezone } from '@pecunia/core';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z.object({
  APP_ENV: z.enum(['development', 'staging', 'production', 'test']).default('development'),
  APP_LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: optionalText,
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  PUBLIC_BASE_URL: optionalText.pipe(z.url().optional()),
  DEFAULT_TIMEZONE: z.string().trim().refine(isValidTimezone, 'must be an IANA time zone such as UTC or America/New_York').default('UTC'),
  MAX_BODY_MB: z.coerce.number().positive().max(200).default(100),
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_REDIRECT_URI: optionalText.pipe(z.url().optional()),
  GOOGLE_DRIVE_ROOT_FOLDER_ID: optionalText,
  OAUTH_STATE_TTL: z.coerce.number().int().positive().default(600),
  OAUTH_SCOPES: optionalText.transform((v) => v?.split(',').map((s) => s.trim()).filter(Boolean)),
  TOKEN_ENCRYPTION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ANALYSIS_QUEUE_URL: optionalText.pipe(z.url().optional()),
  DYNAMODB_TABLE_NAME: optionalText,
  AWS_REGION: optionalText,
  GEMINI_API_KEY: optionalText,
  GEMINI_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  GEMINI_VISION_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  SERPAPI_API_KEY: optionalText,
  WORKER_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
});

export type Env = z.output<typeof envSchema>;

export type Mode = 'local' | 'google' | 'aws';

export interface AppConfig {
  env: Env;
  /** Which family of adapters serves each port. */
  modes: { journal: Mode; media: Mode; extractor: 'local' | 'gemini'; queue: Mode; jobs: Mode };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const GOOGLE_OAUTH = ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REDIRECT_URI'] as const;
const AWS_ANALYSIS = ['ANALYSIS_QUEUE_URL', 'DYNAMODB_TABLE_NAME', 'AWS_REGION'] as const;

/** Reads and validates configuration; throws one ConfigError naming every missing or invalid variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const env = parsed.success ? parsed.data : undefined;
  const present = (name: string) => typeof source[name] === 'string' && source[name]!.trim() !== '';

  const googleSet = GOOGLE_OAUTH.filter(present);
  if (googleSet.length > 0 && googleSet.length < GOOGLE_OAUTH.length) {
    const missing = GOOGLE_OAUTH.filter((n) => !present(n));
    problems.push(`${missing.join(', ')}: required together with ${googleSet.join(', ')} for Google mode`);
  }
  const awsSet = AWS_ANALYSIS.filter(present);
  if (present('ANALYSIS_QUEUE_URL') || present('DYNAMODB_TABLE_NAME')) {
    const missing = AWS_ANALYSIS.filter((n) => !present(n));
    if (missing.length > 0) problems.push(`${missing.join(', ')}: required together with ${awsSet.join(', ')} for AWS mode`);
  }
  const googleMode = googleSet.length === GOOGLE_OAUTH.length;
  const awsMode = present('ANALYSIS_QUEUE_URL') && present('DYNAMODB_TABLE_NAME');
  // Adapters for these modes are not part of this build yet: refuse loudly instead of silently running locally.
  if (googleMode) problems.push('GOOGLE_CLIENT_ID: Google mode (Drive/Sheets) is not available in this build yet; unset GOOGLE_* to run locally');
  if (awsMode) problems.push('ANALYSIS_QUEUE_URL: AWS mode (SQS/DynamoDB) is not available in this build yet; unset ANALYSIS_QUEUE_URL and DYNAMODB_TABLE_NAME to run locally');
  if (present('GEMINI_API_KEY')) problems.push('GEMINI_API_KEY: Gemini extraction is not available in this build yet; unset it to use the rule-based extractor');
  if (present('SERPAPI_API_KEY')) problems.push('SERPAPI_API_KEY: web research is not available in this build yet; unset it (reports then say research was skipped)');

  if (problems.length > 0 || !env) throw new ConfigError(problems);
  return {
    env,
    modes: { journal: 'local', media: 'local', extractor: 'local', queue: 'local', jobs: 'local' },
  };
}
