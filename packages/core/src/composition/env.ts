// Every environment variable any entry point reads (API, CLIs, Lambda, workers), described once with its default.
import { z } from 'zod';
import { isValidTimezone } from '../domain/timestamps';
import { cronPatternProblem, DEFAULT_WEEKLY_CRON } from '../adapters/local/weekly-cron';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../ports/job-queue.port';
import { DEFAULT_IDEMPOTENCY_LEASE_MS } from '../ports/idempotency-store.port';
import { parseMultiplierTable } from '../imports/contracts';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** true/false/1/0; unset stays undefined, for the configuration to choose the default from the plan. */
const flag = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }))
    .transform((v) => v === 'true' || v === '1')
    .optional();

/** Secrets, comma-separated and newest first (to rotate, put the new one first): each at least 32 characters. */
const secretList = () =>
  optionalText.pipe(
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()))
      .pipe(z.array(z.string().min(32, 'must be at least 32 characters (each, when several are given)')))
      .optional(),
  );

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const envSchema = z.object({
  // The process
  APP_ENV: z.enum(['development', 'staging', 'production', 'test']).optional(),
  APP_LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(LOG_LEVELS)).default('info'),
  // The HTTP API
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: optionalText,
  PUBLIC_BASE_URL: optionalText.pipe(z.url().optional()),
  DEFAULT_TIMEZONE: z.string().trim().refine(isValidTimezone, 'must be an IANA time zone such as UTC or America/New_York').default('UTC'),
  MAX_BODY_MB: z.coerce.number().positive().max(200).default(100),
  // How long an Idempotency-Key claim whose request never finished (a crash) blocks retries: twice the request timeout.
  IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_IDEMPOTENCY_LEASE_MS / 1000),
  // Broker imports
  IMPORT_MAX_FILE_MB: z.coerce.number().positive().max(200).default(50),
  /** Futures point values beyond the built-in table, `ROOT=VALUE` comma-separated (`ZQ=4167,FOO=12.5`). */
  IMPORT_CONTRACT_MULTIPLIERS: optionalText.transform((text, ctx) => {
    if (text === undefined) return {};
    const table = parseMultiplierTable(text);
    if (table.ok) return table.multipliers;
    for (const problem of table.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }),
  // Local mode
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  // Report share links: signed with the first secret, verified with any (generated into DATA_DIR when unset locally).
  SHARE_LINK_SECRET: secretList(),
  // The analysis worker
  // Default: on with the local queue (nothing else drains it), off with SQS (the Lambda or `worker:sqs` does).
  WORKER_ENABLED: flag(),
  ANALYSIS_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_RECEIVE_COUNT),
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  ANALYSIS_MAX_MEDIA_FILES: z.coerce.number().int().min(0).max(500).default(40),
  // Weekly proactive analyses (the in-process worker's cron; EventBridge fires them in AWS)
  WEEKLY_ANALYSIS_CRON: z
    .string()
    .trim()
    .default(DEFAULT_WEEKLY_CRON)
    .superRefine((pattern, ctx) => {
      const problem = cronPatternProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  // Google: OAuth, the trader's Drive and Sheets
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_REDIRECT_URI: optionalText.pipe(z.url().optional()),
  GOOGLE_DRIVE_ROOT_FOLDER_ID: optionalText,
  OAUTH_STATE_TTL: z.coerce.number().int().positive().default(600),
  OAUTH_SCOPES: optionalText.transform((v) => v?.split(',').map((s) => s.trim()).filter(Boolean)),
  // Several secrets, comma-separated and newest first, rotate the key: each at least 32 characters.
  TOKEN_ENCRYPTION_SECRET: secretList(),
  GOOGLE_API_ROOT_URL: optionalText.pipe(z.url().optional()),
  GOOGLE_OAUTH_AUTH_URL: optionalText.pipe(z.url().optional()),
  GOOGLE_OAUTH_TOKEN_URL: optionalText.pipe(z.url().optional()),
  // AWS: SQS, DynamoDB
  ANALYSIS_QUEUE_URL: optionalText.pipe(z.url().optional()),
  DYNAMODB_TABLE_NAME: optionalText,
  AWS_REGION: optionalText,
  /** A local stand-in (moto, dynalite, LocalStack); unset means AWS itself. */
  AWS_ENDPOINT_URL: optionalText.pipe(z.url().optional()),
  /** Deployed Lambdas: the SSM path (`/pecunia/<stack>/`) whose SecureStrings hold the secrets, read at cold start. */
  PARAMETERS_PATH: optionalText.pipe(z.string().regex(/^\/[A-Za-z0-9_.\-/]*\/$/, 'must be an SSM path such as /pecunia/prod/').optional()),
  // Models and research
  GEMINI_API_KEY: optionalText,
  GEMINI_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  GEMINI_VISION_MODEL_NAME: z.string().trim().default('gemini-2.5-flash'),
  GEMINI_API_BASE_URL: optionalText.pipe(z.url().optional()),
  SERPAPI_API_KEY: optionalText,
  SERPAPI_BASE_URL: optionalText.pipe(z.url().optional()),
});

export type Env = z.output<typeof envSchema>;
