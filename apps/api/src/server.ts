// Composition root: config in, adapters built, services wired, HTTP server (and local worker) started.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AnalysisJobService, createAnalysisRecordHandler, LocalCoach, TradeCaptureService } from '@pecunia/core';
import { createSqsBatchHandler } from '@pecunia/core/aws';
import { LocalQueueWorker } from '@pecunia/core/local';
import { createApp } from './app';
import type { AppConfig } from './config';
import { buildLocalAdapters } from './composition/local';
import { answerClientError } from './http/problem';
import { ensureLocalApiKey } from './local-api-key';
import { idempotent } from './http/idempotency';
import { analysisRoutes } from './routes/analysis';
import { createLogger } from './logger';

export const VERSION = '0.1.0';

export interface RunningServer {
  url: string;
  server: Server;
  logger: Logger;
  /** Set on the first start of a fresh DATA_DIR. */
  createdLocalKey: { key: string; file: string } | null;
  close(): Promise<void>;
}

export async function startServer(config: AppConfig, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const { env } = config;
  const logger = options.logger ?? createLogger(env.APP_LOG_LEVEL);
  let publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const local = buildLocalAdapters({ dataDir: env.DATA_DIR, publicBaseUrl: () => publicBaseUrl });
  const trades = new TradeCaptureService({ journal: local.journal, media: local.media, extractor: local.extractor });

  const analysis = new AnalysisJobService({ jobs: local.jobs, queue: local.queue, defaultTimezone: env.DEFAULT_TIMEZONE });

  const app = createApp({
    logger,
    apiKeys: local.apiKeys,
    idempotency: local.idempotency,
    media: local.media,
    trades,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    maxBodyBytes: Math.floor(env.MAX_BODY_MB * 1024 * 1024),
    info: { version: VERSION, mode: 'local' },
    routers: [analysisRoutes(analysis, idempotent(local.idempotency))],
    readiness: [
      { port: 'journal', adapter: local.journal.name, check: () => local.journal.ready() },
      { port: 'media', adapter: local.media.name, check: () => local.media.ready() },
      { port: 'extractor', adapter: local.extractor.name, check: async () => undefined },
      { port: 'jobs', adapter: local.jobs.name, check: () => local.jobs.ready() },
      { port: 'queue', adapter: local.queue.name, check: () => local.queue.ready() },
    ],
  });

  // The in-process worker runs the very handler the Lambda exports, fed from the SQLite queue.
  const workerLog = logger.child({ component: 'analysis-worker' });
  const workerLogger = {
    info: (message: string, fields?: Record<string, unknown>) => workerLog.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => workerLog.warn(fields ?? {}, message),
    error: (message: string, fields?: Record<string, unknown>) => workerLog.error(fields ?? {}, message),
  };
  const recordHandler = createAnalysisRecordHandler({
    jobs: local.jobs,
    journal: local.journal,
    media: local.media,
    coach: new LocalCoach(),
    logger: workerLogger,
    skipReasons: {
      collect_media: 'no transcription or image model configured (GEMINI_API_KEY unset), so attachments are not read',
      transcribe_audio: 'no Gemini key configured (GEMINI_API_KEY)',
      analyse_images: 'no Gemini key configured (GEMINI_API_KEY)',
      web_research: 'no SerpAPI key configured (SERPAPI_API_KEY)',
    },
  });
  const worker = new LocalQueueWorker({
    queue: local.queue,
    handler: createSqsBatchHandler(recordHandler),
    visibilityTimeoutMs: 5 * 60_000,
    pollIntervalMs: 250,
    logger: workerLogger,
  });
  if (env.WORKER_ENABLED) {
    // This process is the queue's only worker: what was in flight when it last stopped resumes now, not after the
    // visibility timeout (a second worker on the same DATA_DIR could run a job twice; its result is stored once).
    await local.queue.releaseInFlight();
    worker.start();
  }

  const createdLocalKey = await ensureLocalApiKey(local.apiKeys, env.DATA_DIR);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(env.PORT, env.HOST ?? '0.0.0.0', () => resolve(s));
    s.once('error', reject);
  });
  server.on('clientError', answerClientError);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (!env.PUBLIC_BASE_URL) publicBaseUrl = `http://localhost:${port}`;
  logger.info({ port, mode: 'local', data_dir: env.DATA_DIR }, 'pecunia api listening');

  return {
    url,
    server,
    logger,
    createdLocalKey,
    close: async () => {
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      local.close();
    },
  };
}
