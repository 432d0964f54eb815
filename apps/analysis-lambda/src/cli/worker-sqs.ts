// Operator command: `npm run -s worker:sqs` long-polls ANALYSIS_QUEUE_URL and hands each batch to the worker core as
// Lambda's event source mapping would — for a host that runs the analyses itself. Stops cleanly on SIGINT/SIGTERM.
import { compose, loadConfig } from '@pecunia/core/composition';
import { createLogger } from '../handler';

export async function startSqsWorker(env: NodeJS.ProcessEnv) {
  const config = loadConfig(env, 'worker');
  const logger = createLogger(config.env.APP_LOG_LEVEL);
  const adapters = await compose(config, { logger });
  const worker = await adapters.consumeQueue(await adapters.analysisHandler(logger), logger);
  worker.start();
  logger.info('sqs worker polling', { queue_url: config.env.ANALYSIS_QUEUE_URL });
  return {
    stop: async () => {
      await worker.stop();
      await adapters.close();
    },
  };
}

if (require.main === module) {
  startSqsWorker(process.env).then(
    (running) => {
      const stop = () => {
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
