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
  context.log(`ingest: ${name}, ${options.connections} connections, ${options.seconds} s`);
  return assertAnswered(name, await runLoad(options));
}

/** The run with the median req/s of a server's rounds (the upper one of an even count). */
function medianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requests_per_sec - b.requests_per_sec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function ingest(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const body = tradeBody();
  const load = { method: 'POST' as const, body, connections: sizes.ingestConnections, seconds: sizes.ingestSeconds };

  // Both servers run side by side, each measured alone in turn: rounds alternate which goes first (echo, API, API,
  // echo, …), so a burst of load from a neighbour on a shared machine falls on both, and the medians are compared.
  const echoServer = await startEcho();
  const echoRuns: LoadResult[] = [];
  const apiRuns: LoadResult[] = [];
  try {
    const apiServer = await startBenchApi();
    try {
      const echoLoad = { ...load, url: echoServer.url, headers: { 'Content-Type': 'application/json' } };
      const apiLoad = {
        ...load,
        url: `${apiServer.url}/api/trades?sheet_id=bench-ingest`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiServer.key}` },
      };
      if (sizes.ingestWarmupSeconds > 0) {
        await runLoad({ ...echoLoad, seconds: sizes.ingestWarmupSeconds });
        await runLoad({ ...apiLoad, seconds: sizes.ingestWarmupSeconds });
      }
      for (let round = 0; round < sizes.ingestRounds; round++) {
        const echoFirst = round % 2 === 0;
        for (const which of echoFirst ? ['echo', 'api'] : ['api', 'echo']) {
          if (which === 'echo') echoRuns.push(await measure(context, `bare Express echo, round ${round + 1}`, echoLoad));
          else apiRuns.push(await measure(context, `POST /api/trades, round ${round + 1}`, apiLoad));
        }
      }
    } finally {
      await apiServer.close();
    }
  } finally {
    await echoServer.close();
  }
  const echo = medianRun(echoRuns);
  const api = medianRun(apiRuns);

  const ratio = round(api.requests_per_sec / echo.requests_per_sec, 3);
  const row = (name: string, r: LoadResult, share: number | string) => [name, r.requests_per_sec, r.p50_ms, r.p99_ms, r.responses, r.errors + r.timeouts, share];
  return {
    id: 'ingest',
    title: 'Ingest',
    method:
      `autocannon on its own thread, ${sizes.ingestConnections} connections, ${sizes.ingestRounds} round(s) of ${sizes.ingestSeconds} s per server` +
      `${sizes.ingestWarmupSeconds ? ` after a ${sizes.ingestWarmupSeconds} s warm-up of each` : ''}, the same ${body.length}-byte trade each time; ` +
      'both servers run side by side and are measured alone in turn, the order alternating by round (echo, API, API, echo, …); ' +
      'each row is the server\'s median round by req/s. ' +
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
    data: {
      connections: sizes.ingestConnections,
      seconds: sizes.ingestSeconds,
      rounds: sizes.ingestRounds,
      body_bytes: body.length,
      echo,
      api,
      ratio,
      echo_rounds: echoRuns,
      api_rounds: apiRuns,
      round_ratios: apiRuns.map((run, index) => round(run.requests_per_sec / echoRuns[index]!.requests_per_sec, 3)),
    },
  };
}
