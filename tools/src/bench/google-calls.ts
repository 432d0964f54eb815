// Google mode: external requests per operation, counted where they land — the loopback stand-ins of Google, Gemini
// and SerpAPI the Google-mode tests use — with the real API and real client libraries in between.
import {
  pngBytes,
  scriptedGeminiAnswers,
  standInEnv,
  startGeminiStandIn,
  startGoogleStandIn,
  startSerpApiStandIn,
  toBase64,
  type GeminiStandIn,
  type GoogleStandIn,
  type SerpApiStandIn,
  type StandInCall,
} from '@pecunia/core/testing';
import { startBenchApi, type BenchApi } from './api-server';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { tradeBody } from './journal-fixture';

const ACCOUNT = { sub: '108555000111222333444', email: 'trader@example.com' };
const SERVICES = ['oauth', 'drive', 'sheets', 'gemini', 'serpapi'] as const;
type Service = (typeof SERVICES)[number];
type Counts = Record<Service | 'total', number>;

/** Which Google API a stand-in request belongs to. */
function googleService(call: StandInCall): Service {
  if (call.path === '/token' || call.path === '/revoke' || call.path.startsWith('/oauth2/')) return 'oauth';
  if (call.path.startsWith('/drive/') || call.path.startsWith('/upload/drive/')) return 'drive';
  if (call.path.startsWith('/v4/spreadsheets')) return 'sheets';
  throw new Error(`a Google stand-in request the bench cannot place: ${call.method} ${call.path}`);
}

const geminiAnswers = scriptedGeminiAnswers();

interface StandIns {
  google: GoogleStandIn;
  gemini: GeminiStandIn;
  serp: SerpApiStandIn;
}

/** Requests each stand-in has received so far; the difference of two snapshots is what one operation sent. */
function snapshot({ google, gemini, serp }: StandIns): Counts {
  const counts: Counts = { oauth: 0, drive: 0, sheets: 0, gemini: gemini.calls.length, serpapi: serp.calls.length, total: 0 };
  for (const call of google.calls) counts[googleService(call)]++;
  counts.total = SERVICES.reduce((sum, service) => sum + counts[service], 0);
  return counts;
}

const difference = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(Object.keys(after).map((key) => [key, after[key as keyof Counts] - before[key as keyof Counts]])) as Counts;

/** Connects a new user to the stand-in's Google account as a trader would (consent, callback) and returns their key. */
async function connect(api: BenchApi, google: GoogleStandIn): Promise<string> {
  const authorize = await fetch(`${api.url}/api/auth/google/authorize?user_id=bench-google`);
  const { state } = (await authorize.json()) as { state: string };
  google.registerCode('bench-code', ACCOUNT);
  const callback = await fetch(`${api.url}/api/auth/google/callback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: 'bench-code', state }),
  });
  const body = (await callback.json()) as { api_key?: string };
  if (callback.status !== 200 || !body.api_key) throw new Error(`connecting the bench user answered ${callback.status}`);
  return body.api_key;
}

async function call(api: BenchApi, key: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { Authorization: `Bearer ${key}`, ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function googleCalls(context: SectionContext): Promise<SectionResult> {
  const [google, gemini, serp] = await Promise.all([startGoogleStandIn(), startGeminiStandIn(), startSerpApiStandIn()]);
  const standIns = { google, gemini, serp };
  let api: BenchApi | null = null;
  const measured: { operation: string; run: string; counts: Counts }[] = [];
  try {
    gemini.respond(geminiAnswers);
    serp.respond(() => ({ results: [{ title: 'AAPL slips after the open', link: 'https://news.example/aapl', snippet: 'Apple fell early.' }] }));
    const sheetId = google.createSpreadsheet(ACCOUNT, { title: 'Trading journal', tabs: { Journal: [] } });
    api = await startBenchApi({
      ...standInEnv({ google, gemini, serp }),
    });
    const running = api;
    const key = await connect(running, google);
    let chart = 0;
    const operations: [string, () => Promise<unknown>][] = [
      [
        'log a trade with 1 attachment (`POST /api/trades`)',
        () => {
          // A different chart each time: media are kept by content, and a repeat would measure de-duplication.
          const png = Buffer.concat([pngBytes(), Buffer.from(`chart ${++chart}`)]);
          const trade = { ...(JSON.parse(tradeBody()) as object), attachments: [{ filename: `chart-${chart}.png`, mime_type: 'image/png', data: toBase64(png) }] };
          return call(running, key, `/api/trades?sheet_id=${sheetId}`, { json: trade });
        },
      ],
      ['list trades (`GET /api/trades`)', () => call(running, key, `/api/trades?sheet_id=${sheetId}`)],
      [
        'run one analysis (queued → completed)',
        async () => {
          const { job_id: jobId } = await call(running, key, '/api/analysis/jobs', { json: { sheet_id: sheetId, prompt: 'Am I chasing entries?' } });
          for (let i = 0; i < 1200; i++) {
            const job = await call(running, key, `/api/analysis/jobs/${String(jobId)}`);
            if (job['status'] === 'completed') return job;
            if (job['status'] === 'failed') throw new Error(`the Google-mode analysis failed: ${JSON.stringify(job['error'])}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error('the Google-mode analysis did not complete in 60 s');
        },
      ],
    ];
    // Each operation twice: the first pays one-time lookups (the Drive folder, the sheet's tabs), the second is steady.
    for (const [operation, run] of operations) {
      for (const label of ['first', 'again']) {
        context.log(`google: ${operation}, ${label}`);
        const before = snapshot(standIns);
        await run();
        measured.push({ operation, run: label, counts: difference(snapshot(standIns), before) });
      }
    }
  } finally {
    await api?.close();
    await Promise.all([google.close(), gemini.close(), serp.close()]);
  }
  const rows: Cell[][] = measured.map(({ operation, run, counts }) => [operation, run, ...SERVICES.map((s) => counts[s]), counts.total]);
  return {
    id: 'google',
    title: 'Google-mode external calls',
    method:
      'The real API in Google mode (OAuth, Drive, Sheets, Gemini, SerpAPI) pointed at the loopback stand-ins from `@pecunia/core/testing`, ' +
      'one trader connected through the consent callback; requests counted at the stand-ins over each operation, each operation run twice ' +
      '(the analysis reads the journal the trades above were logged to, two trades with a chart each by then).',
    columns: [
      { title: 'Operation' },
      { title: 'Run' },
      { title: 'OAuth', unit: 'count' },
      { title: 'Drive', unit: 'count' },
      { title: 'Sheets', unit: 'count' },
      { title: 'Gemini', unit: 'count' },
      { title: 'SerpAPI', unit: 'count' },
      { title: 'Total', unit: 'count' },
    ],
    rows,
    data: { operations: measured },
  };
}
