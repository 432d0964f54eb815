// `npm start`: serves the API (local mode unless cloud variables say otherwise) until SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config';
import { startServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const running = await startServer(config);
  if (running.createdLocalKey) {
    // Printed once, on the first start: the key is not recoverable from the store (only its hash is kept).
    process.stdout.write(
      `\nCreated an API key for user "local" (also saved to ${running.createdLocalKey.file}):\n\n  ${running.createdLocalKey.key}\n\n` +
        `Try: curl -H "Authorization: Bearer $(cat ${running.createdLocalKey.file})" ${running.url}/api/health/ready\n\n`,
    );
  }
  const { logger } = running;
  let stopping = false;
  /** Exit code 0 after a clean close, 1 when the grace period ran out or closing failed (or `failed` says so). */
  const shutDown = (reason: Record<string, unknown>, failed = false) => {
    if (stopping) return;
    stopping = true;
    logger.info({ ...reason, in_flight: running.inFlightRequests(), grace_seconds: config.env.SHUTDOWN_GRACE_SECONDS }, 'shutting down');
    running.close().then(
      (outcome) => {
        logger.info({ in_flight: outcome.inFlight, cut: outcome.cut, released_jobs: outcome.releasedJobs, clean: outcome.clean }, 'shut down');
        process.exit(outcome.clean && !failed ? 0 : 1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return shutDown({ signal });
    // A second signal: the operator will not wait for the grace period.
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A bug that escaped every handler: logged, then the same orderly close (what it left may be broken), and a non-zero exit.
  const onFatal = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error, kind }, 'fatal error');
    if (stopping) process.exit(1);
    shutDown({ fatal: kind }, true);
  };
  process.on('uncaughtException', onFatal('uncaughtException'));
  process.on('unhandledRejection', onFatal('unhandledRejection'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
