// Composition root of the analysis Lambda: SQS batches → the worker core, the weekly schedule's event → the weekly run;
// adapters built once, on the first invocation.
import type { Logger } from '@pecunia/core';
import { createLambdaEntry, readParameters, type LambdaEntry, type LambdaWorker } from '@pecunia/core/aws';
import { compose } from '@pecunia/core/composition';
import { loadConfig } from './config';

/** A queued job untouched this long lost its message to a crash between DynamoDB and SQS (or SQS is far behind). */
const RECONCILE_AFTER_MS = 15 * 60 * 1000;

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const RANK: Record<Level, number> = { silent: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 };

/** One JSON object per line, which CloudWatch Logs Insights reads as fields. */
export function createLogger(level: Level = 'info', write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const emit = (at: 'error' | 'warn' | 'info') => (message: string, fields: Record<string, unknown> = {}) => {
    if (RANK[at] <= RANK[level]) write(JSON.stringify({ level: at, time: new Date().toISOString(), service: 'pecunia-analysis', message, ...fields }));
  };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * Reads the configuration — with the secrets from SSM Parameter Store when `PARAMETERS_PATH` names where the
 * deployment keeps them, so no secret sits in the function's environment — and builds both triggers over the
 * adapters it names, from the shared composition.
 */
export async function setupFromEnv(source: NodeJS.ProcessEnv = process.env, entry: 'lambda' | 'worker' = 'lambda'): Promise<LambdaWorker> {
  const path = source.PARAMETERS_PATH?.trim();
  const secrets = path && source.AWS_REGION ? await readParameters({ path, region: source.AWS_REGION, ...(source.AWS_ENDPOINT_URL ? { endpoint: source.AWS_ENDPOINT_URL } : {}) }) : {};
  const config = loadConfig({ ...source, ...secrets }, entry);
  const logger = createLogger(config.env.APP_LOG_LEVEL);
  const adapters = await compose(config, { logger });
  return {
    onMessage: await adapters.analysisHandler(logger),
    onDeadLetter: adapters.deadLetterHandler(logger),
    onSchedule: () => adapters.runWeeklyAnalyses(logger),
    // SQS lists no messages, so only queued jobs untouched for this long are sent again (the job id keeps it idempotent).
    onReconcile: () => adapters.reconcileJobs({ olderThanMs: RECONCILE_AFTER_MS, logger }),
  };
}

/**
 * A handler that sets itself up on its first invocation, so that importing the module never throws: a broken
 * deployment fails each invocation with a message naming every problem, and SQS retries the batch meanwhile.
 */
export function createLazyHandler(setup: () => Promise<LambdaWorker> = setupFromEnv): LambdaEntry {
  let ready: Promise<LambdaEntry> | undefined;
  return async (event, context) => {
    if (!ready) {
      const building = setup().then(createLambdaEntry);
      ready = building;
      // A failed set-up is not kept: the next invocation tries again (a parameter may have been fixed meanwhile).
      building.catch(() => {
        if (ready === building) ready = undefined;
      });
    }
    return (await ready)(event, context);
  };
}

export const handler: LambdaEntry = createLazyHandler();
