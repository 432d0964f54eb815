// Composition root of the analysis Lambda: SQS batch → record handler → analysis workflow, clients built once.
import { createAnalysisRecordHandler, type AnalysisWorkerDeps } from '@pecunia/core';
import { createSqsBatchHandler, type SqsBatchHandler } from '@pecunia/core/aws';
import { loadConfig, type LambdaConfig } from './config';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'silent';
type LogFields = Record<string, unknown>;

export interface LambdaLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<Level, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** One JSON object per line, which CloudWatch Logs Insights reads as fields. */
export function createLogger(level: Level = 'info', write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): LambdaLogger {
  const emit = (at: Exclude<Level, 'silent' | 'debug'>) => (message: string, fields: LogFields = {}) => {
    if (RANK[at] <= RANK[level]) write(JSON.stringify({ level: at, time: new Date().toISOString(), service: 'pecunia-analysis', message, ...fields }));
  };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** The Lambda handler over given adapters (tests, or a build that has the AWS adapters). */
export function buildHandler(deps: AnalysisWorkerDeps): SqsBatchHandler {
  return createSqsBatchHandler(createAnalysisRecordHandler(deps));
}

export class AdaptersUnavailableError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `The analysis Lambda cannot run: this build has no AWS adapters for ${missing.join('; ')}. ` +
        'Deploy a build that includes them, or run the analysis locally (LocalQueueWorker over SQLite).',
    );
    this.name = 'AdaptersUnavailableError';
  }
}

/**
 * The adapters the configuration asks for. None of the AWS/Google ones is part of this build yet, so this names
 * every one that is missing instead of starting a worker that would fail on its first message.
 */
export function depsFromConfig(config: LambdaConfig, logger: LambdaLogger): AnalysisWorkerDeps {
  const { env } = config;
  const missing = [
    `jobs (DynamoDB job store on table ${env.DYNAMODB_TABLE_NAME} in ${env.AWS_REGION})`,
    'journal (Google Sheets journal)',
    'media (Google Drive media store)',
    // Without a Gemini key the rule-based coach (LocalCoach) serves; only the Gemini one is missing.
    ...(env.GEMINI_API_KEY ? [`coach (Gemini coach, ${env.GEMINI_MODEL_NAME})`] : []),
  ];
  logger.error('analysis adapters missing', { missing });
  throw new AdaptersUnavailableError(missing);
}

/**
 * A handler that configures itself on its first invocation, so that importing the module never throws: a broken
 * deployment fails each invocation with a message naming what is missing, and SQS retries the batch meanwhile.
 */
export function createLazyHandler(
  readEnv: () => NodeJS.ProcessEnv = () => process.env,
  build: (config: LambdaConfig, logger: LambdaLogger) => AnalysisWorkerDeps = depsFromConfig,
): SqsBatchHandler {
  let ready: SqsBatchHandler | undefined;
  return async (event, context) => {
    if (!ready) {
      const config = loadConfig(readEnv());
      const logger = createLogger(config.env.APP_LOG_LEVEL);
      const deps = build(config, logger);
      ready = buildHandler({
        skipReasons: config.skipReasons,
        maxReceiveCount: config.env.ANALYSIS_MAX_RECEIVE_COUNT,
        concurrency: config.env.ANALYSIS_CONCURRENCY,
        maxMediaFiles: config.env.ANALYSIS_MAX_MEDIA_FILES,
        logger,
        ...deps,
      });
    }
    return ready(event, context);
  };
}

export const handler: SqsBatchHandler = createLazyHandler();
