// Liveness and readiness: readiness probes each configured adapter and names which one serves each port.
import { Router } from 'express';
import type { ReadinessCheck } from '@pecunia/core/composition';

export function healthRoutes(checks: readonly ReadinessCheck[], info: { version: string; mode: string }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: info.version, mode: info.mode });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ port, family, adapter, check }) => {
        try {
          await check();
          return { port, family, adapter, status: 'ready' as const };
        } catch (error) {
          return { port, family, adapter, status: 'unavailable' as const, reason: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((r) => r.status === 'ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', mode: info.mode, adapters: results });
  });
  return router;
}
