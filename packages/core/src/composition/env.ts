// Every environment variable any entry point reads (API, CLIs, Lambda, workers), described once with its default.
import { z } from 'zod';
import { isValidTimezone } from '../domain/timestamps';
import { cronPatternProblem, DEFAULT_WEEKLY_CRON } from '../adapters/local/weekly-cron';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../ports/job-queue.port';
import { DEFAULT_IDEMPOTENCY_LEASE_MS } from '../ports/idempotency-store.port';
import { parseMultiplierTable } from '../imports/contracts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../domain/attachment-upload';

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

/**
 * Under the 30 s ECS gives a task between SIGTERM and SIGKILL (the API container's stopTimeout), leaving time to close
 * the database after the grace period.
 */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 25;

const MIB = 1024 * 1024;
/**
 * The default body limit: a trade with the most attachments allowed, each of the largest size, as base64 (4 bytes per
 * 3), plus 1 MiB for the rest of the JSON — 201 MiB. Derived from the attachment rules so the two cannot drift.
 */
export const DEFAULT_MAX_BODY_MB = Math.ceil((MAX_ATTACHMENTS * Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + MIB) / MIB);

/** `TRUST_PROXY`: off, a hop count, or the proxies' addresses (IP or CIDR) and Express's names for address ranges. */
const TRUSTED_PROXY = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;
const trustProxy = optionalText.transform((text, ctx): false | number | string[] => {
  if (text === undefined || /^(false|0)$/i.test(text)) return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^true$/i.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'true would trust any X-Forwarded-For a client sends; give the number of proxy hops (1 behind one load balancer) or their addresses' });
    return z.NEVER;
  }
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !TRUSTED_PROXY.test(entry));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must be false, a hop count, or proxy addresses/CIDRs (loopback, linklocal, uniquelocal); not ${bad.join(', ')}` });
    return z.NEVER;
  }
  return entries;
});

/** `CORS_ORIGINS`: exact origins (`https://app.example.com`), comma-separated; no wildcard, no path. */
const corsOrigins = optionalText.transform((text, ctx): string[] => {
  if (text === undefined) return [];
  const origins: string[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin) origins.push(origin);
    else ctx.addIssue({ code: 'custom', message: `${entry === '*' ? '* is not allowed' : `${entry} is not an origin`}: list exact origins such as https://app.example.com` });
  }
  return origins;
});

/** A per-minute quota: 0 turns it off. */
const perMinute = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

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
  MAX_BODY_MB: z.coerce.number().positive().max(1024).default(DEFAULT_MAX_BODY_MB),
  // Node's server timeouts: the whole request (a 201 MiB upload at ~5.6 Mbit/s), its headers, an idle keep-alive
  // connection (above the load balancer's idle timeout — an ALB's default is 60 s; infra-pulumi sets 305 for its 300 s —
  // so the balancer never reuses a socket the API just closed).
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(20),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(65),
  // Requests per minute per user (any of their keys) and per client address (without a valid key); 0: no limit.
  RATE_LIMIT_PER_MINUTE: perMinute(600),
  RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: perMinute(60),
  // Proxies in front of the API whose X-Forwarded-For names the client (1 behind the AWS ALB); unset: none.
  TRUST_PROXY: trustProxy,
  // Browser origins allowed to call the API (CORS); unset: none.
  CORS_ORIGINS: corsOrigins,
  // How long an Idempotency-Key claim whose request never finished (a crash) blocks retries: twice the request timeout.
  IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_IDEMPOTENCY_LEASE_MS / 1000),
  // On SIGTERM: how long requests in flight (and the in-process worker's job) get to finish before they are cut.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(DEFAULT_SHUTDOWN_GRACE_SECONDS),
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
  // Where that worker runs: on a worker thread of its own (its own database connection; requests are answered while a
  // big journal is analysed), or `inline` on the API's thread.
  ANALYSIS_WORKER: z.string().trim().toLowerCase().pipe(z.enum(['thread', 'inline'], { message: 'must be thread or inline' })).default('thread'),
  ANALYSIS_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_RECEIVE_COUNT),
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  ANALYSIS_MAX_MEDIA_FILES: z.coerce.number().int().min(0).max(500).default(40),
  // Jobs one user may have queued or running at once (429 beyond); 0: no cap.
  ANALYSIS_MAX_QUEUED_PER_USER: z.coerce.number().int().min(0).max(10_000).default(20),
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
