// Configuration read once per process: the validated environment and which adapter family serves each port.
import { ConfigError } from '../errors';
import { envSchema, type Env } from './env';

/** The processes that start from a configuration; each has its own rules about what it can run with. */
export type Entry = 'api' | 'cli' | 'lambda' | 'worker';

export type StateFamily = 'local' | 'aws';
export type StoreFamily = 'local' | 'google';
export type ModelFamily = 'local' | 'gemini';
export type MediaModelFamily = 'none' | 'gemini';
export type ResearchFamily = 'none' | 'serpapi';

/** Which family of adapters serves each port. */
export interface AdapterPlan {
  journal: StoreFamily;
  media: StoreFamily;
  apiKeys: StateFamily;
  jobs: StateFamily;
  tokens: StateFamily;
  nonces: StateFamily;
  idempotency: StateFamily;
  schedules: StateFamily;
  shareLinks: StateFamily;
  queue: StateFamily;
  extractor: ModelFamily;
  coach: ModelFamily;
  transcriber: MediaModelFamily;
  imageAnalyst: MediaModelFamily;
  researcher: ResearchFamily;
}

export type PortName = keyof AdapterPlan;
export type Family = AdapterPlan[PortName];

export interface PecuniaConfig {
  entry: Entry;
  env: Env & { APP_ENV: NonNullable<Env['APP_ENV']>; WORKER_ENABLED: boolean };
  adapters: AdapterPlan;
}

type Source = Readonly<Record<string, string | undefined>>;


type PlanVariables = 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'DYNAMODB_TABLE_NAME' | 'ANALYSIS_QUEUE_URL' | 'GEMINI_API_KEY' | 'SERPAPI_API_KEY';

/**
 * The plan the variables that are set imply: each cloud service is used where its variables are given. Reads only
 * whether they are set, so the plan's own problems are listed even beside invalid values.
 */
export function planAdapters(variables: Partial<Record<PlanVariables, string | undefined>>): AdapterPlan {
  const env = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, value?.trim() || undefined])) as typeof variables;
  // The OAuth client is what reaches a trader's Drive and Sheet; the redirect URI matters only where traders connect.
  const store: StoreFamily = env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET ? 'google' : 'local';
  const state: StateFamily = env.DYNAMODB_TABLE_NAME ? 'aws' : 'local';
  const model: ModelFamily = env.GEMINI_API_KEY ? 'gemini' : 'local';
  const mediaModel: MediaModelFamily = env.GEMINI_API_KEY ? 'gemini' : 'none';
  return {
    journal: store,
    media: store,
    apiKeys: state,
    jobs: state,
    tokens: state,
    nonces: state,
    idempotency: state,
    schedules: state,
    shareLinks: state,
    queue: env.ANALYSIS_QUEUE_URL ? 'aws' : 'local',
    extractor: model,
    coach: model,
    transcriber: mediaModel,
    imageAnalyst: mediaModel,
    researcher: env.SERPAPI_API_KEY ? 'serpapi' : 'none',
  };
}

/** Combinations that cannot work, whatever this build contains: one line each, naming the variables to change. */
function unworkable(plan: AdapterPlan, entry: Entry): string[] {
  const problems: string[] = [];
  if (entry === 'lambda') {
    // A Lambda's disk is private and temporary: what the API wrote on its own host is not there.
    for (const port of ['jobs', 'journal', 'media'] as const) {
      if (plan[port] === 'local') {
        problems.push(`${port}: the analysis Lambda cannot use this machine's local ${port === 'jobs' ? 'job store' : port} (a Lambda's disk is temporary); set ${port === 'jobs' ? 'DYNAMODB_TABLE_NAME' : 'the GOOGLE_* variables'}`);
      }
    }
  }
  if (entry === 'lambda' && plan.queue !== 'aws') {
    // The Lambda's jobs come from SQS (and the weekly schedule enqueues there): a local queue would open SQLite on it.
    problems.push('ANALYSIS_QUEUE_URL: the analysis Lambda needs the SQS queue its jobs arrive on');
  }
  if (entry === 'worker' && plan.queue !== 'aws') {
    problems.push('ANALYSIS_QUEUE_URL: the SQS worker needs the queue it polls; locally the API runs the worker itself (WORKER_ENABLED=true)');
  }
  return problems;
}

/** Reads and validates the environment for `entry`; throws one ConfigError naming every missing or invalid variable. */
export function loadConfig(source: Source, entry: Entry): PecuniaConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [variable, item] = issue.path;
      // A list variable (several secrets) names which item is wrong, counted from 1 as a person would.
      const which = typeof item === 'number' ? ` (item ${item + 1})` : '';
      problems.push(`${String(variable ?? '(environment)')}${which}: ${issue.message}`);
    }
  }
  const present = (name: string) => typeof source[name] === 'string' && source[name]!.trim() !== '';

  // The API serves the OAuth routes, so it needs the redirect URI too; workers only refresh tokens.
  const googleVariables = ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', ...(entry === 'api' ? ['GOOGLE_REDIRECT_URI'] : [])];
  const googleSet = [...googleVariables, 'GOOGLE_REDIRECT_URI'].filter((n, i, all) => all.indexOf(n) === i && present(n));
  const googleMissing = googleVariables.filter((n) => !present(n));
  if (googleSet.length > 0 && googleMissing.length > 0) {
    problems.push(`${googleMissing.join(', ')}: required together with ${googleSet.join(', ')} for Google mode`);
  }
  const awsSet = (['ANALYSIS_QUEUE_URL', 'DYNAMODB_TABLE_NAME'] as const).filter(present);
  if (awsSet.length > 0 && !present('AWS_REGION')) problems.push(`AWS_REGION: required together with ${awsSet.join(', ')} for AWS mode`);

  const adapters = planAdapters(source);
  problems.push(...unworkable(adapters, entry));
  // Every API instance must sign and verify share links alike; a local one keeps a generated secret in DATA_DIR.
  if (entry === 'api' && adapters.shareLinks === 'aws' && !present('SHARE_LINK_SECRET')) {
    problems.push('SHARE_LINK_SECRET: required in AWS mode (DYNAMODB_TABLE_NAME): share links are signed with it (at least 32 characters; several, comma-separated, newest first, rotate it)');
  }

  if (parsed.success) problems.push(...timeoutProblems(parsed.data));

  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  // A Lambda is a deployment; everything else defaults to a developer's machine.
  return {
    entry,
    env: {
      ...env,
      APP_ENV: env.APP_ENV ?? (entry === 'lambda' ? 'production' : 'development'),
      WORKER_ENABLED: env.WORKER_ENABLED ?? adapters.queue === 'local',
    },
    adapters,
  };
}

/** Server timeouts that contradict each other or the idempotency lease. */
function timeoutProblems(env: Env): string[] {
  const problems: string[] = [];
  // A claim must outlive any request that could still be running under it, with room for the answer to be stored.
  if (env.IDEMPOTENCY_LEASE_SECONDS < 2 * env.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push(
      `IDEMPOTENCY_LEASE_SECONDS: must be at least twice HTTP_REQUEST_TIMEOUT_SECONDS (${env.HTTP_REQUEST_TIMEOUT_SECONDS} s), so a request still running never loses its Idempotency-Key claim; set it to ${2 * env.HTTP_REQUEST_TIMEOUT_SECONDS} or more, or lower the request timeout`,
    );
  }
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (env.HTTP_HEADERS_TIMEOUT_SECONDS > env.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push(`HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${env.HTTP_REQUEST_TIMEOUT_SECONDS} s)`);
  }
  return problems;
}

/** `local` when every port runs on this machine, else the cloud families in use (`aws`, `google+gemini`…). */
export function modeOf(plan: AdapterPlan): string {
  const remote = [...new Set(Object.values(plan) as Family[])].filter((family) => family !== 'local' && family !== 'none').sort();
  return remote.length === 0 ? 'local' : remote.join('+');
}

/** `journal=local media=local …`: the plan in one line, for a start-up log. */
export function describePlan(plan: AdapterPlan): string {
  return Object.entries(plan)
    .map(([port, family]) => `${port}=${family}`)
    .join(' ');
}
