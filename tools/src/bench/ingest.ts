// Ingest: `POST /api/trades` (no attachments) against a bare Express 5 JSON echo under the same load, same process.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { startBenchApi } from './api-server';
import type { SectionContext, SectionResult } from './bench-types';
import { tradeBody } from './journal-fixture';
import { assertAnswered, runLoad, type LoadOptions, type LoadResult } from './load';
import { round } from './stats';

/** The API's body limit default (MAX_BODY_MB 100): the echo parses with the same parser and the same limit. */
const BODY_LIMIT = 100 * 1024 * 1024;

/** The ceiling: Express 5 parsing the JSON and sending it back, nothing else (no auth, logging, validation, storage). */
async function startEcho(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(express.json({ limit: BODY_LIMIT }));
  app.post('/echo', (req, res) => {
    res.status(201).json(req.body);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/echo`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function measure(context: SectionContext, name: string, options: LoadOptions): Promise<LoadResult> {
  const { sizes } = context;
  if (sizes.ingestWarmupSeconds > 0) await runLoad({ ...options, seconds: sizes.ingestWarmupSeconds });
  context.log(`ingest: ${name}, ${options.connections} connections, ${options.seconds} s`);
  return assertAnswered(name, await runLoad(options));
}

export async function ingest(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const body = tradeBody();
  const load = { method: 'POST' as const, body, connections: sizes.ingestConnections, seconds: sizes.ingestSeconds };

  // One server at a time: each gets the machine to itself while it is measured.
  const echoServer = await startEcho();
  let echo: LoadResult;
  try {
    echo = await measure(context, 'bare Express echo', { ...load, url: echoServer.url, headers: { 'Content-Type': 'application/json' } });
  } finally {
    await echoServer.close();
  }
  const apiServer = await startBenchApi();
  let api: LoadResult;
  try {
    api = await measure(context, 'POST /api/trades', {
      ...load,
      url: `${apiServer.url}/api/trades?sheet_id=bench-ingest`,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiServer.key}` },
    });
  } finally {
    await apiServer.close();
  }

  const ratio = round(api.requests_per_sec / echo.requests_per_sec, 3);
  const row = (name: string, r: LoadResult, share: number | string) => [name, r.requests_per_sec, r.p50_ms, r.p99_ms, r.responses, r.errors + r.timeouts, share];
  return {
    id: 'ingest',
    title: 'Ingest',
    method:
      `autocannon on its own thread, ${sizes.ingestConnections} connections, ${sizes.ingestSeconds} s per server` +
      `${sizes.ingestWarmupSeconds ? ` after a ${sizes.ingestWarmupSeconds} s warm-up` : ''}, the same ${body.length}-byte trade each time. ` +
      'The API runs in local mode as `npm start` does (auth, Helmet, request logs at info, validation, one SQLite row per request), ' +
      'request quotas off; the echo is Express 5 with the same JSON parser and limit and nothing else. Ratio = API req/s ÷ echo req/s; ' +
      'failed = connection errors and timeouts (any non-2xx answer fails the bench instead).',
    columns: [
      { title: 'Server' },
      { title: 'req/s', unit: 'req/s' },
      { title: 'p50 (ms)', unit: 'ms' },
      { title: 'p99 (ms)', unit: 'ms' },
      { title: 'Responses', unit: 'count' },
      { title: 'Failed', unit: 'count' },
      { title: 'Share of the echo', unit: 'x' },
    ],
    rows: [row('bare Express 5 JSON echo', echo, 1), row('POST /api/trades', api, ratio)],
    data: { connections: sizes.ingestConnections, seconds: sizes.ingestSeconds, body_bytes: body.length, echo, api, ratio },
  };
}
