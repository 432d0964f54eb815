// Liveness and readiness: readiness probes each configured adapter and names which one serves each port.
import { Router } from 'express';
import { isPecuniaError } from '@pecunia/core';
import type { ReadinessCheck } from '@pecunia/core/composition';

/** The code of a failing check that raised no coded error of ours. */
export const ADAPTER_UNAVAILABLE = 'ADAPTER.UNAVAILABLE';

export function healthRoutes(checks: readonly ReadinessCheck[], info: { version: string; mode: string }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: info.version, mode: info.mode });
  });
  // Open to anyone, so a failure answers with a stable code only: its message (file paths, hosts, table names) goes to
  // the log, where the operator reads it.
  router.get('/health/ready', async (req, res) => {
    const results = await Promise.all(
      checks.map(async ({ port, family, adapter, check }) => {
        try {
          await check();
          return { port, family, adapter, status: 'ready' as const };
        } catch (error) {
          const code = isPecuniaError(error) ? error.code : ADAPTER_UNAVAILABLE;
          req.log?.warn({ port, family, adapter, code, err: error }, 'readiness check failed');
          return { port, family, adapter, status: 'unavailable' as const, code };
        }
      }),
    );
    const ready = results.every((r) => r.status === 'ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', mode: info.mode, adapters: results });
  });
  return router;
}
