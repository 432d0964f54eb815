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
  const stop = (signal: string) => {
    running.logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
