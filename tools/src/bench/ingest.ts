// Ingest: `POST /api/trades` (no attachments) against a bare Express 5 JSON echo under the same load, same process,
// with the same work written by hand as one handler between them (`hand-written-ingest.ts`).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { startBenchApi } from './api-server';
import { startHandWrittenIngest } from './hand-written-ingest';
import type { SectionContext, SectionResult } from './bench-types';
import { tradeBody } from './journal-fixture';
import { assertAnswered, runLoad, type LoadOptions, type LoadResult } from './load';
import { round } from './stats';
import { mainThreadCpuMicros } from './thread-cpu';

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

type Contender = 'echo' | 'hand' | 'api';
const SERVERS: readonly Contender[] = ['echo', 'hand', 'api'];
const NAMES: Record<Contender, string> = {
  echo: 'bare Express 5 JSON echo',
  hand: 'the same work, hand-written in one handler',
  api: 'POST /api/trades',
};

/** A measured run, with the CPU time the servers' thread spent per answer (null where it cannot be read). */
type IngestRun = LoadResult & { server_cpu_us_per_request: number | null };

async function measure(context: SectionContext, name: string, options: LoadOptions): Promise<IngestRun> {
  context.log(`ingest: ${name}, ${options.connections} connections, ${options.seconds} s`);
  // The servers all run on this thread and only the one under load has work; autocannon runs on a thread of its own.
  const cpuBefore = mainThreadCpuMicros();
  const result = assertAnswered(name, await runLoad(options));
  const cpuAfter = mainThreadCpuMicros();
  const perRequest = cpuBefore === null || cpuAfter === null || result.responses === 0 ? null : round((cpuAfter - cpuBefore) / result.responses, 0);
  return { ...result, server_cpu_us_per_request: perRequest };
}

/** The run with the median req/s of a server's rounds (the upper one of an even count). */
function medianRun(runs: readonly IngestRun[]): IngestRun {
  const sorted = [...runs].sort((a, b) => a.requests_per_sec - b.requests_per_sec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function ingest(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const body = tradeBody();
  const load = { method: 'POST' as const, body, connections: sizes.ingestConnections, seconds: sizes.ingestSeconds };

  // The servers run side by side, each measured alone in turn: rounds alternate the order (echo, hand-written, API,
  // then API, hand-written, echo, …), so a burst of load from a neighbour on a shared machine falls on all of them, and
  // the medians are compared.
  const runs: Record<Contender, IngestRun[]> = { echo: [], hand: [], api: [] };
  const echoServer = await startEcho();
  try {
    const handServer = await startHandWrittenIngest();
    try {
      const apiServer = await startBenchApi();
      try {
        const loads: Record<Contender, LoadOptions> = {
          echo: { ...load, url: echoServer.url, headers: { 'Content-Type': 'application/json' } },
          hand: { ...load, url: handServer.url, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${handServer.key}` } },
          api: {
            ...load,
            url: `${apiServer.url}/api/trades?sheet_id=bench-ingest`,
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiServer.key}` },
          },
        };
        if (sizes.ingestWarmupSeconds > 0) for (const which of SERVERS) await runLoad({ ...loads[which], seconds: sizes.ingestWarmupSeconds });
        for (let round = 0; round < sizes.ingestRounds; round++) {
          for (const which of round % 2 === 0 ? SERVERS : [...SERVERS].reverse()) {
            runs[which].push(await measure(context, `${NAMES[which]}, round ${round + 1}`, loads[which]));
          }
        }
      } finally {
        await apiServer.close();
      }
    } finally {
      await handServer.close();
    }
  } finally {
    await echoServer.close();
  }
  const echo = medianRun(runs.echo);
  const hand = medianRun(runs.hand);
  const api = medianRun(runs.api);
  const echoRuns = runs.echo;
  const apiRuns = runs.api;

  const ratio = round(api.requests_per_sec / echo.requests_per_sec, 3);
  const handRatio = round(hand.requests_per_sec / echo.requests_per_sec, 3);
  const row = (name: string, r: IngestRun, share: number | string) => [
    name,
    r.requests_per_sec,
    r.p50_ms,
    r.p99_ms,
    r.server_cpu_us_per_request ?? 'n/a (no /proc)',
    r.responses,
    r.errors + r.timeouts,
    share,
  ];
  return {
    id: 'ingest',
    title: 'Ingest',
    method:
      `autocannon on its own thread, ${sizes.ingestConnections} connections, ${sizes.ingestRounds} round(s) of ${sizes.ingestSeconds} s per server` +
      `${sizes.ingestWarmupSeconds ? ` after a ${sizes.ingestWarmupSeconds} s warm-up of each` : ''}, the same ${body.length}-byte trade each time; ` +
      'the servers run side by side and are measured alone in turn, the order alternating by round (echo, hand-written, API, then the reverse); ' +
      'each row is the server\'s median round by req/s. ' +
      'The API runs in local mode as `npm start` does (auth, Helmet, request logs at info, validation, one SQLite row per request), ' +
      'request quotas off; the echo is Express 5 with the same JSON parser and limit and nothing else. The hand-written row is the same ' +
      'work as one Express handler (Helmet\'s headers worked out once, a request id and one pino line, the key checked in SQLite, core\'s ' +
      'validation, one row through core\'s SQLite journal, the same 201): what the work costs without the API\'s structure. ' +
      'Server CPU per request: the CPU time (user + system, from /proc, in 10 ms ticks) of the thread the servers run on over ' +
      'the round, ÷ its answers: what one request costs the server, whatever the load generator beside it takes. ' +
      'Share = req/s ÷ the echo\'s; ' +
      'failed = connection errors and timeouts (any non-2xx answer fails the bench instead).',
    columns: [
      { title: 'Server' },
      { title: 'req/s', unit: 'req/s' },
      { title: 'p50 (ms)', unit: 'ms' },
      { title: 'p99 (ms)', unit: 'ms' },
      { title: 'Server CPU per request (µs)', unit: 'µs' },
      { title: 'Responses', unit: 'count' },
      { title: 'Failed', unit: 'count' },
      { title: 'Share of the echo', unit: 'x' },
    ],
    rows: [row(NAMES.echo, echo, 1), row(NAMES.hand, hand, handRatio), row(NAMES.api, api, ratio)],
    data: {
      connections: sizes.ingestConnections,
      seconds: sizes.ingestSeconds,
      rounds: sizes.ingestRounds,
      body_bytes: body.length,
      echo,
      api,
      ratio,
      hand_written: hand,
      hand_written_ratio: handRatio,
      hand_written_rounds: runs.hand,
      echo_rounds: echoRuns,
      api_rounds: apiRuns,
      round_ratios: apiRuns.map((run, index) => round(run.requests_per_sec / echoRuns[index]!.requests_per_sec, 3)),
    },
  };
}
