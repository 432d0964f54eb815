import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { onlyWhereRouted, series } from './compose';
import { listenOnLoopback, type Listening } from '../testing/listen';

const seen: string[] = [];
const mark =
  (name: string): RequestHandler =>
  (_req, _res, next) => {
    seen.push(name);
    next();
  };

let listening: Listening;
beforeAll(async () => {
  const app = express();
  app.get(
    '/series',
    series(mark('a'), null, false, undefined, mark('b'), mark('c')),
    (_req, res) => void res.json(seen),
  );
  app.get('/throws', series(mark('a'), () => { throw new Error('thrown'); }, mark('never')));
  app.get('/rejects', series(mark('a'), async () => { throw new Error('rejected'); }, mark('never')));
  app.get('/rejects-empty', series(() => Promise.reject(undefined as unknown as Error)));
  app.get('/passes-error', series((_req, _res, next) => next(new Error('passed')), mark('never')));
  app.get('/async-next', series(async (_req, _res, next) => { await Promise.resolve(); next(); }, mark('after')), (_req, res) => void res.json(seen));

  // Routers as the API mounts them: one with a route, a parameter and a mount, and a router that answers nothing.
  const routed = Router();
  routed.get('/items/:id', (req, res) => void res.json({ id: req.params.id, baseUrl: req.baseUrl }));
  routed.use('/files', (req, res) => void res.json({ files: req.path }));
  const api = Router();
  api.use(onlyWhereRouted(Router()));
  api.use(onlyWhereRouted(routed));
  api.use((req, res) => void res.status(404).json({ fellThrough: req.originalUrl, url: req.url, baseUrl: req.baseUrl, params: req.params }));
  app.use('/api', api);
  const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => void res.status(500).json({ error: error.message, seen });
  app.use(onError);
  listening = await listenOnLoopback(app);
});
afterAll(async () => {
  await listening.close();
});

const get = async (path: string) => {
  seen.length = 0;
  const res = await fetch(`${listening.base}${path}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('series', () => {
  it('runs the handlers in turn, leaving out absent ones', async () => {
    expect(await get('/series')).toEqual({ status: 200, body: ['a', 'b', 'c'] });
  });

  it('passes on what a handler throws, rejects or hands to next, and skips the rest', async () => {
    expect(await get('/throws')).toEqual({ status: 500, body: { error: 'thrown', seen: ['a'] } });
    expect(await get('/rejects')).toEqual({ status: 500, body: { error: 'rejected', seen: ['a'] } });
    expect(await get('/passes-error')).toEqual({ status: 500, body: { error: 'passed', seen: [] } });
  });

  it('turns a rejection without a reason into an error, as Express does', async () => {
    expect(await get('/rejects-empty')).toEqual({ status: 500, body: { error: 'Rejected promise', seen: [] } });
  });

  it('goes on when an async handler calls next later', async () => {
    expect(await get('/async-next')).toEqual({ status: 200, body: ['after'] });
  });

  it('is the handler itself when given one, and passes straight on when given none', () => {
    const only = mark('only');
    expect(series(null, only)).toBe(only);
    const next = jest.fn();
    series(undefined, false)({} as never, {} as never, next);
    expect(next).toHaveBeenCalledWith();
  });
});

describe('onlyWhereRouted', () => {
  it('hands the router the requests its routes and mounts match, as a plain mount would', async () => {
    expect(await get('/api/items/a%20b')).toEqual({ status: 200, body: { id: 'a b', baseUrl: '/api' } });
    expect(await get('/api/files/x/y.txt')).toEqual({ status: 200, body: { files: '/x/y.txt' } });
  });

  it('passes every other request on with the request as it was', async () => {
    expect(await get('/api/elsewhere?q=1')).toEqual({ status: 404, body: { fellThrough: '/api/elsewhere?q=1', url: '/elsewhere?q=1', baseUrl: '/api', params: {} } });
    expect(await get('/api/items')).toMatchObject({ status: 404, body: { fellThrough: '/api/items' } });
  });

  it('still lists as the router it mounts', () => {
    const router = Router();
    router.get('/a', (_req, res) => void res.end());
    const mounted = onlyWhereRouted(router) as unknown as { stack: unknown; listRoutes(): unknown };
    expect(mounted.stack).toBe((router as unknown as { stack: unknown }).stack);
    expect(mounted.listRoutes()).toEqual((router as unknown as { listRoutes(): unknown }).listRoutes());
  });

  it('leaves a path it cannot decode to the router, which answers it as before', async () => {
    expect(await get('/api/items/%ZZ')).toMatchObject({ status: 500, body: { error: expect.stringContaining('Failed to decode') } });
  });
});
