// The one composition every entry point uses: the adapters the plan names, each family loaded only when chosen.
import type { ApiKeyStore } from '../ports/api-key-store.port';
import type { Coach } from '../ports/coach.port';
import type { IdempotencyStore } from '../ports/idempotency-store.port';
import type { JobQueue, QueueMessageHandler } from '../ports/job-queue.port';
import type { JobStore } from '../ports/job-store.port';
import type { JobIntake } from '../ports/job-intake.port';
import type { Journal } from '../ports/journal.port';
import type { NonceStore } from '../ports/nonce-store.port';
import type { ScheduleStore } from '../ports/schedule-store.port';
import type { ShareLinkStore } from '../ports/share-link-store.port';
import type { OAuthProvider } from '../ports/oauth-provider.port';
import type { Logger } from '../ports/logger.port';
import type { AudioTranscriber, ImageAnalyst, WebResearcher } from '../ports/media-analysis.port';
import type { MediaStore } from '../ports/media-store.port';
import type { TokenStore } from '../ports/token-store.port';
import type { TradeExtractor } from '../ports/trade-extractor.port';
import type { OptionalStep } from '../services/analysis-workflow/deps';
import type { TokenCipher } from '../security/token-cipher';
import type { AdapterPlan, Family, PecuniaConfig, PortName } from './config';
import { openGeminiFamily, openGoogleFamily, openSerpApi } from './google-family';
import { AnalysisJobService } from '../services/analysis-jobs';
import { failJobOfDeadLetter } from '../services/job-messages';
import { reconcileJobs, type ReconcileOptions, type ReconcileResult } from '../services/job-reconciliation';
import { runProactiveAnalyses, type ProactiveRunResult } from '../services/proactive-analysis';
import { openAwsFamily, type AwsFamily } from './aws-family';
import { openLocalFamily, type LocalFamily } from './local-family';
import { shareLinkSecrets } from './share-link-secret';

const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A port's adapter as readiness reports it. */
export interface ReadinessCheck {
  port: PortName;
  family: Family;
  adapter: string;
  check: () => Promise<void>;
}

/**
 * Something pulling a queue into a handler in this process; stop() waits for the work in flight — with `graceMs`
 * (where the consumer supports it: the local worker) only that long, giving back to the queue what is unfinished.
 */
export interface QueueConsumer {
  start(): void;
  stop(options?: { graceMs?: number }): Promise<{ released: number } | void>;
}

export interface Composition {
  config: PecuniaConfig;
  plan: AdapterPlan;
  journal: Journal;
  media: MediaStore;
  apiKeys: ApiKeyStore;
  jobs: JobStore;
  tokens: TokenStore;
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  schedules: ScheduleStore;
  shareLinks: ShareLinkStore;
  queue: JobQueue;
  extractor: TradeExtractor;
  coach: Coach;
  transcriber?: AudioTranscriber;
  imageAnalyst?: ImageAnalyst;
  researcher?: WebResearcher;
  /** Google mode: the OAuth provider traders connect with, the token cipher and the state key, and a hook that drops
   * a user's cached client when they reconnect. Absent when journal and media are local. */
  google?: { oauth: OAuthProvider; cipher: TokenCipher; stateKey: Uint8Array; stateTtlSeconds: number; forget(userId: string): void };
  /**
   * The secrets report share links are signed with, newest first: SHARE_LINK_SECRET, or (links stored locally) one
   * generated into DATA_DIR on the first call. Only processes that serve share links call it.
   */
  shareLinkSecrets(): string[];
  /** Why each optional analysis step has no service here, in words for the trader. */
  skipReasons: Partial<Record<OptionalStep, string>>;
  readiness: ReadinessCheck[];
  /** The analysis worker core over these adapters (loads the workflow engine, so only where jobs are run). */
  analysisHandler(logger?: Logger): Promise<QueueMessageHandler>;
  /** What becomes of a message the queue gave up on: its job is failed (`ANALYSIS.ABANDONED`) rather than left running. */
  deadLetterHandler(logger?: Logger): QueueMessageHandler;
  /** Where the job store and the queue share the local database: a new job and its message in one transaction. */
  jobIntake?: JobIntake;
  /**
   * Puts right what a crash left between jobs and queue (see `reconcileJobs`). The local worker runs it at its start;
   * in AWS mode the Lambda runs it on `{"action": "reconcile_jobs"}` (with `olderThanMs`, SQS listing no messages).
   */
  reconcileJobs(options?: ReconcileOptions & { logger?: Logger }): Promise<ReconcileResult>;
  /** The weekly run: one job per enabled schedule, at most one per user and ISO week (the EventBridge rule's work). */
  runWeeklyAnalyses(logger?: Logger): Promise<ProactiveRunResult>;
  /** The weekly run on this process's clock (WEEKLY_ANALYSIS_CRON): where no EventBridge rule starts it. */
  weeklySchedule(logger?: Logger): Promise<{ stop(): Promise<void> }>;
  /**
   * A consumer of this deployment's queue running `handler` in this process. Anything left in flight by a previous
   * run of this host is released first: this process is the queue's only consumer on this host.
   */
  consumeQueue(handler: QueueMessageHandler, logger?: Logger): Promise<QueueConsumer>;
  /**
   * The local queue, for a consumer on another thread over the same file (SQS needs none of this): `onSent` tells of
   * each message this thread queues (once its transaction has committed) and `notifySent` tells this thread's consumer
   * of one queued by another thread — so the consumer starts at once rather than at its next poll; `releaseInFlight`
   * gives back every message in flight, visible at once, when the host's consumer is gone (returns how many).
   */
  localQueue?: { onSent(listener: () => void): () => void; notifySent(): void; releaseInFlight(): Promise<number> };
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** Base of the links local media get (`…/api/media/{id}`); read when a link is made. */
  publicBaseUrl?: () => string;
  logger?: Logger;
  /** Wait between polls of an empty local queue (default 250 ms); a queued message wakes the consumer before it. */
  queuePollIntervalMs?: number;
}

/** How long a received local message stays hidden: longer than any analysis, as SQS's must exceed the Lambda timeout. */
const LOCAL_VISIBILITY_TIMEOUT_MS = 5 * 60_000;
/** Wait between polls of an empty local queue. */
const LOCAL_POLL_INTERVAL_MS = 250;

const unbuilt = (port: PortName, family: Family): never => {
  // loadConfig refuses a plan naming a family this build lacks, so reaching this is a bug, not a configuration error.
  throw new Error(`No ${family} adapter for ${port} in this build`);
};

export async function compose(config: PecuniaConfig, options: ComposeOptions = {}): Promise<Composition> {
  const { env, adapters: plan } = config;
  const publicBaseUrl = options.publicBaseUrl ?? (() => env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`);

  const stateful = ['journal', 'media', 'apiKeys', 'jobs', 'tokens', 'nonces', 'idempotency', 'schedules', 'shareLinks', 'queue'] as const;
  const aws = stateful.some((port) => plan[port] === 'aws') ? await openAwsFamily(env) : undefined;
  const local = stateful.some((port) => plan[port] === 'local')
    ? await openLocalFamily({
        dataDir: env.DATA_DIR,
        publicBaseUrl,
        maxReceiveCount: env.ANALYSIS_MAX_RECEIVE_COUNT,
        idempotencyLeaseMs: env.IDEMPOTENCY_LEASE_SECONDS * 1000,
        ...(plan.jobs === 'aws' && aws?.jobs ? { remoteJobs: aws.jobs } : {}),
        logger: options.logger,
      })
    : undefined;
  // One transaction for a new job and its message, where both are in the local database.
  const jobIntake = plan.jobs === 'local' && plan.queue === 'local' ? local?.jobIntake : undefined;
  /** The port's adapter from the family the plan names (local SQLite, or DynamoDB/SQS). */
  const stateOf = <K extends 'apiKeys' | 'jobs' | 'tokens' | 'nonces' | 'idempotency' | 'schedules' | 'shareLinks' | 'queue'>(port: K): LocalFamily[K] | NonNullable<AwsFamily[K]> => {
    const adapter = plan[port] === 'local' ? local?.[port] : plan[port] === 'aws' ? aws?.[port] : undefined;
    return adapter ?? unbuilt(port, plan[port]);
  };
  const fromLocal = <K extends 'journal' | 'media'>(port: K): LocalFamily[K] => (plan[port] === 'local' && local ? local[port] : unbuilt(port, plan[port]));

  const tokens = stateOf('tokens');
  const google = plan.journal === 'google' || plan.media === 'google' ? await openGoogleFamily(env, tokens) : undefined;
  const localCoach = new (await import('../adapters/local/local-coach')).LocalCoach();
  const gemini = plan.coach === 'gemini' ? await openGeminiFamily(env, localCoach) : undefined;
  const extractor = gemini?.extractor ?? new (await import('../adapters/local/rule-based-extractor')).RuleBasedExtractor();
  const researcher = plan.researcher === 'serpapi' ? await openSerpApi(env) : undefined;

  const ports = {
    journal: plan.journal === 'google' && google ? google.journal : fromLocal('journal'),
    media: plan.media === 'google' && google ? google.media : fromLocal('media'),
    apiKeys: stateOf('apiKeys'),
    jobs: stateOf('jobs'),
    tokens,
    nonces: stateOf('nonces'),
    idempotency: stateOf('idempotency'),
    schedules: stateOf('schedules'),
    shareLinks: stateOf('shareLinks'),
    queue: stateOf('queue'),
    extractor,
    coach: gemini?.coach ?? localCoach,
  };
  const optional = {
    ...(gemini ? { transcriber: gemini.transcriber, imageAnalyst: gemini.imageAnalyst } : {}),
    ...(researcher ? { researcher } : {}),
  };

  const skipReasons: Partial<Record<OptionalStep, string>> = {
    ...(gemini
      ? {}
      : {
          collect_media: 'no transcription or image model configured (GEMINI_API_KEY unset), so attachments are not read',
          transcribe_audio: 'no Gemini key configured (GEMINI_API_KEY)',
          analyse_images: 'no Gemini key configured (GEMINI_API_KEY)',
        }),
    ...(researcher ? {} : { web_research: 'no SerpAPI key configured (SERPAPI_API_KEY)' }),
  };

  const served = { ...ports, ...optional };
  const readiness: ReadinessCheck[] = (Object.keys(served) as (keyof typeof served)[]).map((port) => {
    const adapter = served[port]!;
    return {
      port,
      family: plan[port],
      adapter: adapter.name,
      check: 'ready' in adapter ? () => adapter.ready() : async () => undefined,
    };
  });

  let secrets: string[] | undefined;
  const composition: Composition = {
    config,
    plan,
    ...served,
    ...(google
      ? {
          google: {
            oauth: google.oauth,
            cipher: google.cipher,
            stateKey: google.stateKey,
            stateTtlSeconds: env.OAUTH_STATE_TTL,
            forget: (userId: string) => google.clients.forget(userId),
          },
        }
      : {}),
    shareLinkSecrets: () => (secrets ??= shareLinkSecrets(env, plan)),
    skipReasons,
    readiness,
    analysisHandler: async (logger) => {
      const { createAnalysisMessageHandler } = await import('../worker');
      return createAnalysisMessageHandler({
        ...served,
        skipReasons,
        maxReceiveCount: env.ANALYSIS_MAX_RECEIVE_COUNT,
        concurrency: env.ANALYSIS_CONCURRENCY,
        maxMediaFiles: env.ANALYSIS_MAX_MEDIA_FILES,
        logger: logger ?? options.logger,
      });
    },
    ...(jobIntake ? { jobIntake } : {}),
    reconcileJobs: (reconcile = {}) => {
      const { logger, ...rest } = reconcile;
      return reconcileJobs({ jobs: ports.jobs, queue: ports.queue, logger: logger ?? options.logger }, rest);
    },
    runWeeklyAnalyses: async (logger) => {
      const jobs = new AnalysisJobService({ jobs: ports.jobs, queue: ports.queue, defaultTimezone: env.DEFAULT_TIMEZONE, ...(jobIntake ? { intake: jobIntake } : {}) });
      return runProactiveAnalyses({ schedules: ports.schedules, jobs, logger: logger ?? options.logger });
    },
    deadLetterHandler: (logger) => failJobOfDeadLetter(ports.jobs, logger ?? options.logger),
    weeklySchedule: async (logger) => {
      const { WeeklyCron } = await import('../adapters/local/weekly-cron');
      const log = logger ?? options.logger;
      const cron = new WeeklyCron(env.WEEKLY_ANALYSIS_CRON, { ...(log ? { logger: log } : {}) });
      cron.start(() => composition.runWeeklyAnalyses(log));
      return cron;
    },
    consumeQueue: async (handler, logger) => {
      const log = logger ?? options.logger ?? SILENT;
      if (plan.queue === 'aws' && aws) return aws.poller(handler, log);
      if (plan.queue !== 'local' || !local) return unbuilt('queue', plan.queue);
      await local.queue.releaseInFlight();
      // Before the first poll: what a crash left (a queued job without its message, a running one whose message is
      // gone) is put right, so that no job waits forever.
      await reconcileJobs({ jobs: ports.jobs, queue: local.queue, logger: log });
      return new local.LocalQueueWorker({
        queue: local.queue,
        handler,
        visibilityTimeoutMs: LOCAL_VISIBILITY_TIMEOUT_MS,
        pollIntervalMs: options.queuePollIntervalMs ?? LOCAL_POLL_INTERVAL_MS,
        logger: logger ?? options.logger,
      });
    },
    ...(plan.queue === 'local' && local
      ? {
          localQueue: {
            onSent: (listener: () => void) => local.queue.onSent(listener),
            notifySent: () => local.queue.notifySent(),
            releaseInFlight: () => local.queue.releaseInFlight(),
          },
        }
      : {}),
    close: async () => {
      local?.close();
      aws?.close();
    },
  };
  return composition;
}
