// Housekeeping of the idempotency store: expired entries are deleted at start and then on a timer, never left to pile up.
import type { IdempotencyStore } from '../ports/idempotency-store.port';
import type { Logger } from '../ports/logger.port';

/** Hourly: expired entries are already treated as absent, so this only bounds the storage they take. */
export const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface PurgeSchedule {
  /** Stops the timer and waits for a purge in progress. */
  stop(): Promise<void>;
}

export interface PurgeOptions {
  intervalMs?: number;
  logger?: Logger;
}

/**
 * Purges once (awaited: a start-up begins with a clean store), then every `intervalMs` on a timer that does not keep
 * the process alive. A failed purge is logged and tried again next time; it never stops the caller.
 */
export async function scheduleIdempotencyPurge(store: Pick<IdempotencyStore, 'purgeExpired'>, options: PurgeOptions = {}): Promise<PurgeSchedule> {
  const intervalMs = options.intervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
  let running: Promise<void> = Promise.resolve();
  const purge = (): Promise<void> =>
    store.purgeExpired().then(
      (deleted) => {
        if (deleted > 0) options.logger?.info('expired idempotency entries purged', { deleted });
      },
      (error: unknown) => {
        options.logger?.error('idempotency purge failed', { error: error instanceof Error ? error.message : String(error) });
      },
    );
  running = purge();
  await running;
  const timer = setInterval(() => {
    // One purge at a time: a slow one is not stacked on.
    running = running.then(purge);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
