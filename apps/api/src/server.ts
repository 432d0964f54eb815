// Composition root of the API: config in, adapters from the shared composition, services wired, HTTP server (and the
// in-process analysis worker) started.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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
import { compose, describePlan, modeOf, type Composition, type QueueConsumer } from '@pecunia/core/composition';
import { ShareTokenSigner } from '@pecunia/core/security';
import { createApp } from './app';
import type { AppConfig } from './config';
import { answerClientError } from './http/problem';
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
  logger: Logger;
  /** The adapters this server runs on (tests create keys for other users through it). */
  composition: Composition;
  /** Set on the first start of a fresh DATA_DIR. */
  createdLocalKey: { key: string; file: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** The clock of the report sharing service (share link expiry); tests pass one they move by hand. */
  now?: () => Date;
}

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const { env } = config;
  const logger = options.logger ?? createLogger(env.APP_LOG_LEVEL);
  let publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const adapters = await compose(config, { publicBaseUrl: () => publicBaseUrl, logger: coreLogger(logger.child({ component: 'adapters' })) });
  const mode = modeOf(adapters.plan);
  const trades = new TradeCaptureService({ journal: adapters.journal, media: adapters.media, extractor: adapters.extractor });
  const analysis = new AnalysisJobService({
    jobs: adapters.jobs,
    queue: adapters.queue,
    defaultTimezone: env.DEFAULT_TIMEZONE,
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
  const connect = google
    ? new GoogleConnectService({
        oauth: google.oauth,
        tokens: adapters.tokens,
        nonces: adapters.nonces,
        apiKeys: adapters.apiKeys,
        cipher: google.cipher,
        stateKey: google.stateKey,
        stateTtlSeconds: google.stateTtlSeconds,
        onConnected: google.forget,
      })
    : null;

  const app = createApp({
    logger,
    apiKeys: adapters.apiKeys,
    idempotency: adapters.idempotency,
    media: adapters.media,
    trades,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    maxBodyBytes: Math.floor(env.MAX_BODY_MB * 1024 * 1024),
    info: { version: VERSION, mode },
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
    readiness: adapters.readiness,
  });

  // Expired idempotency entries are deleted now and then hourly: stored responses never pile up.
  const purge = await scheduleIdempotencyPurge(adapters.idempotency, { logger: coreLogger(logger.child({ component: 'idempotency' })) });
  let worker: QueueConsumer | null = null;
  let cron: { stop(): Promise<void> } | null = null;
  if (env.WORKER_ENABLED) {
    // The worker core the Lambda runs too, fed from this deployment's queue in this process.
    const workerLogger = coreLogger(logger.child({ component: 'analysis-worker' }));
    worker = await adapters.consumeQueue(await adapters.analysisHandler(workerLogger), workerLogger);
    worker.start();
    // The weekly run EventBridge starts in AWS, on this process's own clock (a bad pattern stops start-up here).
    cron = await adapters.weeklySchedule(workerLogger);
  }

  // Local keys only: a shared key store (AWS) is an operator's to fill with `npm run -s api-key`.
  const createdLocalKey = adapters.plan.apiKeys === 'local' ? await ensureLocalApiKey(adapters.apiKeys, env.DATA_DIR) : null;
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(env.PORT, env.HOST ?? '0.0.0.0', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    // Port taken, say: leave nothing running behind the failed start.
    await purge.stop();
    await cron?.stop();
    await worker?.stop();
    await adapters.close();
    throw error;
  }
  server.on('clientError', answerClientError);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (!env.PUBLIC_BASE_URL) publicBaseUrl = `http://localhost:${port}`;
  logger.info({ port, mode, adapters: describePlan(adapters.plan), data_dir: env.DATA_DIR }, 'pecunia api listening');

  return {
    url,
    server,
    logger,
    composition: adapters,
    createdLocalKey,
    close: async () => {
      await purge.stop();
      await cron?.stop();
      await worker?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await adapters.close();
    },
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
