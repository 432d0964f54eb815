// Lists the routes an Express 5 app really serves, by walking its router stack (for checking the API document).
import type { Express } from 'express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** Where a `use()`d router is mounted (router 2.x keeps the path it was given). */
  rawPath?: unknown;
}

export interface RouteEntry {
  method: string;
  /** OpenAPI style: `/api/analysis/jobs/{job_id}`. */
  path: string;
}

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: readonly Layer[], prefix: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods)) {
        if (method === '_all') continue;
        for (const path of paths) out.push({ method, path: toOpenApiPath(join(prefix, path)) });
      }
    } else if (layer.handle?.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error(`a router mounted at ${String(layer.rawPath)} cannot be listed`);
      walk(layer.handle.stack, join(prefix, layer.rawPath), out);
    }
  }
}

/** Every (method, path) the app routes, sorted. */
export function listRoutes(app: Express): RouteEntry[] {
  const router = (app as unknown as { router?: { stack: Layer[] } }).router;
  if (!router) throw new Error('not an Express 5 application');
  const out: RouteEntry[] = [];
  walk(router.stack, '', out);
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
