// The real API (`startServer`, as `npm start` runs it) in this process on loopback, with a temporary DATA_DIR.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ROOT } from './options';

/** The parts of apps/api this bench uses, typed here: tools may not import an app (module boundaries), only load it. */
interface ApiModules {
  loadConfig(source: Record<string, string>): unknown;
  createLogger(level: string, destination: pino.DestinationStream): unknown;
  startServer(config: unknown, options: { logger: unknown }): Promise<{ url: string; createdLocalKey: { key: string } | null; close(): Promise<void> }>;
}

export interface BenchApi {
  url: string;
  /** The first local key (user `local`). */
  key: string;
  dataDir: string;
  /** `$DATA_DIR/pecunia.sqlite`, for seeding journals through a second connection. */
  databaseFile: string;
  /** Stops the server, its worker and its adapters, and deletes the DATA_DIR. */
  close(): Promise<void>;
}

async function loadApi(): Promise<ApiModules> {
  const src = path.join(ROOT, 'apps/api/src');
  const [config, logger, server] = await Promise.all([
    import(path.join(src, 'config.ts')) as Promise<Pick<ApiModules, 'loadConfig'>>,
    import(path.join(src, 'logger.ts')) as Promise<Pick<ApiModules, 'createLogger'>>,
    import(path.join(src, 'server.ts')) as Promise<Pick<ApiModules, 'startServer'>>,
  ]);
  return { loadConfig: config.loadConfig, createLogger: logger.createLogger, startServer: server.startServer };
}

/**
 * Starts the API in local mode (unless `env` names cloud services) with its in-process worker, as `npm start` does,
 * request quotas off.
 * It logs at `info` like production, into /dev/null through pino's synchronous destination — the cost of writing
 * each request's line to stdout is paid, nothing is kept. Only the variables given here are read, never this shell's.
 */
export async function startBenchApi(env: Record<string, string> = {}): Promise<BenchApi> {
  const api = await loadApi();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-bench-'));
  try {
    // No request quotas (0 turns each off): one bench user asks far more than a trader's 600 a minute, and the bench
    // measures what the server can do, not where the policy cuts in.
    const config = api.loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      APP_LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0',
      ...env,
    });
    const destination = pino.destination({ dest: os.devNull, sync: true });
    const running = await api.startServer(config, { logger: api.createLogger('info', destination) });
    if (!running.createdLocalKey) {
      await running.close();
      throw new Error('the bench API started without creating a local key: is it in local mode?');
    }
    return {
      url: running.url,
      key: running.createdLocalKey.key,
      dataDir,
      databaseFile: path.join(dataDir, 'pecunia.sqlite'),
      close: async () => {
        try {
          await running.close();
        } finally {
          // The /dev/null destination is left open (one descriptor): a line something logs late must not throw.
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
