// Composition root of the API: config in, adapters from the shared composition, services wired, HTTP server (and the
// in-process analysis worker) started.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import {
  AnalysisJobService,
  GoogleConnectService,
  multipliersWith,
  ReportSharingService,
  scheduleIdempotencyPurge,
  TradeCaptureService,
  TradeImportService,
  WeeklyScheduleService,
  type Logger as CoreLogger,
} from '@pecunia/core';
import { compose, describePlan, modeOf, type Composition, type QueueConsumer, type ReadinessCheck } from '@pecunia/core/composition';
import { ShareTokenSigner } from '@pecunia/core/security';
import { AnalysisThread } from './analysis-thread/analysis-thread';
import { createApp } from './app';
import type { AppConfig } from './config';
import { answerClientError } from './http/problem';
import { drainOnShutdown } from './http/graceful-shutdown';
import { ensureLocalApiKey } from './local-api-key';
import { idempotent } from './http/idempotency';
import { analysisRoutes } from './routes/analysis';
import { importRoutes } from './routes/imports';
import { reportRoutes, sharedReportRoutes } from './routes/reports';
import { googleAuthRoutes, googleConnectionRoutes } from './routes/google-auth';
import { scheduleRoutes } from './routes/schedules';
import { createLogger } from './logger';

export const VERSION = '0.1.0';

export interface RunningServer {
  url: string;
  server: Server;
  /** The Express application the server hands requests to (once they pass the shutdown check). */
  app: Express;
  logger: Logger;
  /** The adapters this server runs on (tests create keys for other users through it). */
  composition: Composition;
  /** Set on the first start of a fresh DATA_DIR. */
  createdLocalKey: { key: string; file: string } | null;
  /** Requests being handled now. */
  inFlightRequests(): number;
  /**
   * Stops accepting, lets requests in flight and the worker's jobs finish within SHUTDOWN_GRACE_SECONDS (then cuts
   * them: a cut job goes back to the queue), and closes the adapters last. Calling it again returns the same promise.
   */
  close(): Promise<ShutdownOutcome>;
}

export interface ShutdownOutcome {
  /** Requests being handled when the shutdown began. */
  inFlight: number;
  /** Requests whose connections were closed because the grace period ran out. */
  cut: number;
  /** Analysis jobs handed back to the queue unfinished (they run again on the next start). */
  releasedJobs: number;
  /** True when everything in flight finished within the grace period. */
  clean: boolean;
}

export interface StartOptions {
  logger?: Logger;
  /** The clock of the report sharing service (share link expiry); tests pass one they move by hand. */
  now?: () => Date;
  /**
   * Wait between polls of an empty local queue by the in-process worker (default 250 ms). A job queued by this API
   * wakes the worker at once whatever it is; a test sets it long to show that it does.
   */
  queuePollIntervalMs?: number;
}

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const { env } = config;
  const logger = options.logger ?? createLogger(env.APP_LOG_LEVEL);
  let publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const adapters = await compose(config, {
    publicBaseUrl: () => publicBaseUrl,
    logger: coreLogger(logger.child({ component: 'adapters' })),
    queuePollIntervalMs: options.queuePollIntervalMs,
  });
  const mode = modeOf(adapters.plan);
  const trades = new TradeCaptureService({ journal: adapters.journal, media: adapters.media, extractor: adapters.extractor });
  const analysis = new AnalysisJobService({
    jobs: adapters.jobs,
    queue: adapters.queue,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    maxQueuedPerUser: env.ANALYSIS_MAX_QUEUED_PER_USER,
    ...(adapters.jobIntake ? { intake: adapters.jobIntake } : {}),
  });
  const sharing = new ReportSharingService({
    jobs: analysis,
    links: adapters.shareLinks,
    signer: new ShareTokenSigner(adapters.shareLinkSecrets()),
    ...(options.now ? { now: options.now } : {}),
  });
  const linkBase = { publicBaseUrl: () => publicBaseUrl };
  const { google } = adapters;
  // The analysis worker's thread (ANALYSIS_WORKER=thread), once started: told of what this thread learns that it caches.
  let thread: AnalysisThread | null = null;
  const connect = google
    ? new GoogleConnectService({
        oauth: google.oauth,
        tokens: adapters.tokens,
        nonces: adapters.nonces,
        apiKeys: adapters.apiKeys,
        cipher: google.cipher,
        stateKey: google.stateKey,
        stateTtlSeconds: google.stateTtlSeconds,
        onConnected: (userId: string) => {
          google.forget(userId);
          thread?.forgetUser(userId);
        },
      })
    : null;

  // The worker core the Lambda runs too, fed from this deployment's queue in this process: on a thread of its own
  // (its own adapters from the same configuration), so that a big journal's analysis never holds up a request, or on
  // this thread with ANALYSIS_WORKER=inline.
  let worker: Pick<QueueConsumer, 'stop'> | null = null;
  let stopWaking: (() => void) | undefined;
  const workerReadiness: ReadinessCheck[] = [];
  const workerLog = logger.child({ component: 'analysis-worker' });
  const workerLogger = coreLogger(workerLog);
  if (env.WORKER_ENABLED) {
    try {
      if (env.ANALYSIS_WORKER === 'thread') {
        thread = await AnalysisThread.start({
          config,
          logger: workerLog,
          publicBaseUrl,
          queuePollIntervalMs: options.queuePollIntervalMs,
          releaseInFlight: adapters.localQueue?.releaseInFlight,
        });
        const running = thread;
        // A job queued here (a request, the weekly run) is the thread's to take at once.
        stopWaking = adapters.localQueue?.onSent(() => running.wake());
        workerReadiness.push(thread.readiness(adapters.plan.queue));
        worker = thread;
      } else {
        const inline = await adapters.consumeQueue(await adapters.analysisHandler(workerLogger), workerLogger);
        inline.start();
        worker = inline;
      }
    } catch (error) {
      await adapters.close();
      throw error;
    }
  }

  const app = createApp({
    logger,
    apiKeys: adapters.apiKeys,
    idempotency: adapters.idempotency,
    media: adapters.media,
    trades,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    maxBodyBytes: Math.floor(env.MAX_BODY_MB * 1024 * 1024),
    info: { version: VERSION, mode },
    rateLimits: { perUserPerMinute: env.RATE_LIMIT_PER_MINUTE, perAddressPerMinute: env.RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE },
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    routers: [
      analysisRoutes(analysis, idempotent(adapters.idempotency)),
      reportRoutes(sharing, linkBase),
      importRoutes({
        imports: new TradeImportService({ journal: adapters.journal, multipliers: multipliersWith(env.IMPORT_CONTRACT_MULTIPLIERS) }),
        defaultTimezone: env.DEFAULT_TIMEZONE,
        maxFileBytes: Math.floor(env.IMPORT_MAX_FILE_MB * 1024 * 1024),
      }),
      scheduleRoutes(new WeeklyScheduleService({ schedules: adapters.schedules, defaultTimezone: env.DEFAULT_TIMEZONE })),
      googleConnectionRoutes(connect),
    ],
    publicRouters: [googleAuthRoutes(connect, adapters.apiKeys), sharedReportRoutes(sharing, linkBase)],
    readiness: [...adapters.readiness, ...workerReadiness],
  });

  // Expired idempotency entries are deleted now and then hourly: stored responses never pile up.
  const purge = await scheduleIdempotencyPurge(adapters.idempotency, { logger: coreLogger(logger.child({ component: 'idempotency' })) });
  let cron: { stop(): Promise<void> } | null = null;
  let createdLocalKey: { key: string; file: string } | null;
  let server: Server;
  try {
    // The weekly run EventBridge starts in AWS, on this process's own clock (a bad pattern stops start-up here). On this
    // thread whichever runs the worker: its work is queueing a few jobs, and its clock goes on through a thread restart.
    if (env.WORKER_ENABLED) cron = await adapters.weeklySchedule(workerLogger);
    // Local keys only: a shared key store (AWS) is an operator's to fill with `npm run -s api-key`.
    createdLocalKey = adapters.plan.apiKeys === 'local' ? await ensureLocalApiKey(adapters.apiKeys, env.DATA_DIR) : null;
    server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(httpTimeouts(env), app).listen(env.PORT, env.HOST ?? '0.0.0.0', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    // Port taken, say: leave nothing running behind the failed start.
    await purge.stop();
    await cron?.stop();
    stopWaking?.();
    await worker?.stop();
    await adapters.close();
    throw error;
  }
  server.on('clientError', answerClientError);
  const drain = drainOnShutdown(server);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (!env.PUBLIC_BASE_URL) {
    publicBaseUrl = `http://localhost:${port}`;
    thread?.setPublicBaseUrl(publicBaseUrl);
  }
  logger.info({ port, mode, adapters: describePlan(adapters.plan), data_dir: env.DATA_DIR }, 'pecunia api listening');

  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  let closing: Promise<ShutdownOutcome> | null = null;
  const shutDown = async (): Promise<ShutdownOutcome> => {
    // HTTP and the worker wind down side by side, each within the grace period; the database closes only after both.
    const [http, stopped] = await Promise.all([
      drain.drain(graceMs),
      (async () => {
        await purge.stop();
        await cron?.stop();
        stopWaking?.();
        // A thread finishes or gives back its jobs and closes its own adapters before it ends.
        return worker?.stop({ graceMs });
      })(),
    ]);
    await adapters.close();
    const releasedJobs = stopped?.released ?? 0;
    return { inFlight: http.inFlight, cut: http.cut, releasedJobs, clean: http.cut === 0 && releasedJobs === 0 };
  };

  return {
    url,
    server,
    app,
    logger,
    composition: adapters,
    createdLocalKey,
    inFlightRequests: () => drain.inFlight(),
    close: () => (closing ??= shutDown()),
  };
}

/**
 * Node's server timeouts, set on purpose rather than left to Node's defaults: the whole request (a body of MAX_BODY_MB
 * on a slow link), its headers (a slow-loris client holding a socket with a trickle of header bytes), and an idle
 * keep-alive connection (longer than the load balancer's idle timeout, so it closes first and never sends a request
 * on a socket the API is closing). Connections are checked against them every quarter of the headers
 * timeout (Node's default is every 30 s, which would let a short timeout run long).
 */
export function httpTimeouts(env: AppConfig['env']): { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number } {
  const headersTimeout = env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000;
  return {
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    headersTimeout,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(headersTimeout / 4))),
  };
}

/** The core's logger port over pino: a message and its fields, as pino orders them. */
function coreLogger(log: Logger): CoreLogger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}
