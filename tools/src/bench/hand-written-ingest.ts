// The ingest bench's middle row: what `POST /api/trades` must do, written by hand as one Express handler. It answers
// what a team weighing this API against a service of its own asks: how much of the gap to the bare echo is the work
// every trade needs, and how much is the API's structure (its routers and middleware layers, the checks of the raw
// body, the Idempotency-Key and quota steps, the error handling). It is a measuring stick, not a second API: it takes
// only the bench's well-formed trade and refuses anything else with a bare status.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import pino from 'pino';
import { parseSheetRef, TradeCaptureService } from '@pecunia/core';
import { FsMediaStore, openDatabase, RuleBasedExtractor, SqliteApiKeyStore, SqliteJournal } from '@pecunia/core/local';

/** The API's policy for JSON answers (apps/api/src/app.ts): nothing may load, frame or be submitted anywhere. */
const CSP: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
};

export interface HandWrittenIngest {
  /** `POST` a trade here, with `Authorization: Bearer <key>`. */
  url: string;
  key: string;
  close(): Promise<void>;
}

/**
 * Helmet's headers for `options`, set on each response: worked out once by running Helmet against a recording
 * response, as the API does, so that the row measures sending them and not Helmet's dozen middleware.
 */
function helmetHeaders(options: HelmetOptions): RequestHandler {
  const headers: Array<[string, string]> = [];
  const recorder = { setHeader: (name: string, value: string) => void headers.push([name, value]), removeHeader: () => undefined };
  helmet(options)({} as never, recorder as never, () => undefined);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * Starts the hand-written handler on loopback over a fresh SQLite file with one key (user `local`). Per request, as
 * the API: Helmet's headers, a request id and one pino line at info (into /dev/null, synchronously), the bearer key
 * checked against its sha256 in SQLite, the JSON body parsed (Express's parser, the API's default limit), the sheet
 * reference and the trade validated by core's rules, one row appended through core's SQLite journal (the same group
 * commit), and `201` with a Location and the trade as the API presents it.
 */
export async function startHandWrittenIngest(): Promise<HandWrittenIngest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-bench-hand-'));
  const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
  try {
    const keys = new SqliteApiKeyStore(db);
    const { key } = await keys.create('local');
    const trades = new TradeCaptureService({
      journal: new SqliteJournal(db),
      media: new FsMediaStore({ dir: path.join(dataDir, 'media'), db, linkFor: (id) => `/api/media/${id}` }),
      extractor: new RuleBasedExtractor(),
    });
    const logger = pino({ level: 'info', base: { service: 'hand-written' } }, pino.destination({ dest: os.devNull, sync: true }));
    const app = express();
    app.disable('x-powered-by');
    app.set('query parser', 'simple');
    const securityHeaders = helmetHeaders(CSP);
    app.post('/api/trades', securityHeaders, express.json({ limit: 100 * 1024 * 1024 }), (req, res, next) => {
      const startedAt = performance.now();
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      let userId: string | null = null;
      res.once('close', () => {
        logger.info({ req: { id, method: req.method, path: '/api/trades' }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - startedAt), user_id: userId }, 'request completed');
      });
      const bearer = /^Bearer\s+(\S{1,512})\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      keys
        .verify(bearer ?? '')
        .then(async (user) => {
          if (!user) return void res.sendStatus(401);
          userId = user;
          const query = req.query as Record<string, unknown>;
          const target = { ...parseSheetRef(query['sheet_id'], query['sheet_range']), timezone: 'UTC' };
          const captured = await trades.logTrade(user, target, req.body);
          const { trade, attachments, location } = captured;
          res
            .status(201)
            .location(`/api/trades/${trade.trade_id}?sheet_id=${encodeURIComponent(target.sheetId)}`)
            .json({ trade, attachments, location });
        })
        .catch(next);
    });
    app.use(((error, _req, res, _next) => void res.sendStatus(typeof error?.status === 'number' ? error.status : 400)) as express.ErrorRequestHandler);
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/api/trades?sheet_id=bench-ingest`,
      key,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
