// Analysis: queued → completed for journals of each size, and what the run does to `/api/health` latency meanwhile.
import { startBenchApi, type BenchApi } from './api-server';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { seedJournal } from './journal-fixture';
import { assertAnswered, runLoad, type LoadResult } from './load';
import { median } from './stats';

const OWNER = 'local';
const POLL_MS = 50;
/** A job that has not finished by then is stuck, not slow: fail the comparison rather than hang the bench. */
const JOB_DEADLINE_MS = 15 * 60_000;

interface JobView {
  status: string;
  created_at: string;
  updated_at: string;
  trade_count?: number;
  error?: { code: string; message: string };
}

async function waitForJob(api: BenchApi, jobId: string): Promise<JobView> {
  const deadline = Date.now() + JOB_DEADLINE_MS;
  for (;;) {
    const response = await fetch(`${api.url}/api/analysis/jobs/${jobId}`, { headers: { Authorization: `Bearer ${api.key}` } });
    const job = (await response.json()) as JobView;
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`analysis job ${jobId} still ${job.status} after ${JOB_DEADLINE_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function runJob(api: BenchApi, sheetId: string): Promise<{ job: JobView; wallMs: number }> {
  const started = performance.now();
  const created = await fetch(`${api.url}/api/analysis/jobs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${api.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sheet_id: sheetId, prompt: 'Where am I losing money?' }),
  });
  const { job_id: jobId } = (await created.json()) as { job_id?: string };
  if (created.status !== 202 || !jobId) throw new Error(`POST /api/analysis/jobs answered ${created.status}`);
  const job = await waitForJob(api, jobId);
  return { job, wallMs: performance.now() - started };
}

type WorkerPlace = 'thread' | 'inline';

interface AnalysisRun {
  worker: WorkerPlace;
  trades: number;
  /** The first job of a freshly started server: its code not yet optimised (the thread's, or the API's for inline). */
  first: boolean;
  server_ms: number;
  wall_ms: number;
  health: LoadResult;
}

/**
 * Runs a job over each journal size on a fresh API with its worker in `worker` (ANALYSIS_WORKER), probing /api/health
 * while each runs; `idle` also probes it at rest first.
 */
async function measureWorker(context: SectionContext, worker: WorkerPlace, counts: readonly number[], idle: boolean): Promise<{ idle?: LoadResult; runs: AnalysisRun[] }> {
  const { sizes } = context;
  const api = await startBenchApi({ ANALYSIS_WORKER: worker });
  const probe = (until?: Promise<unknown>) =>
    runLoad(
      { url: `${api.url}/api/health`, connections: sizes.healthConnections, rate: sizes.healthRate, seconds: until ? 3600 : sizes.healthIdleSeconds, timeoutSeconds: 600 },
      until,
    );
  const runs: AnalysisRun[] = [];
  let atRest: LoadResult | undefined;
  try {
    if (idle) {
      context.log(`analysis: /api/health at rest, ${sizes.healthIdleSeconds} s`);
      atRest = assertAnswered('/api/health at rest', await probe());
    }
    const seeded = new Set<number>();
    for (const [index, count] of counts.entries()) {
      const sheetId = `bench-analysis-${count}`;
      if (!seeded.has(count)) {
        context.log(`analysis: seeding ${count.toLocaleString('en-US')} trades`);
        await seedJournal(api.databaseFile, OWNER, sheetId, count);
        seeded.add(count);
      }
      context.log(`analysis: ${count.toLocaleString('en-US')} trades, worker ${worker}`);
      const job = runJob(api, sheetId);
      const [{ job: done, wallMs }, health] = await Promise.all([job, probe(job)]);
      if (done.status !== 'completed') throw new Error(`the analysis of ${count} trades failed: ${done.error?.code ?? ''} ${done.error?.message ?? ''}`);
      if (done.trade_count !== count) throw new Error(`the analysis of ${count} trades counted ${done.trade_count}`);
      assertAnswered(`/api/health during ${count}`, health);
      // The job's own timestamps: from its creation to the write that completed it, whatever the poll interval.
      const serverMs = Date.parse(done.updated_at) - Date.parse(done.created_at);
      runs.push({ worker, trades: count, first: index === 0, server_ms: serverMs, wall_ms: wallMs, health });
    }
  } finally {
    await api.close();
  }
  return { ...(atRest ? { idle: atRest } : {}), runs };
}

/** Runs of one worker, size and first-or-not together, in the order they ran. */
function groupRuns(runs: readonly AnalysisRun[]): AnalysisRun[][] {
  const groups = new Map<string, AnalysisRun[]>();
  for (const run of runs) {
    const key = `${run.worker} ${run.trades} ${run.first}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()];
}

const WORKER_NAMES: Record<WorkerPlace, string> = { thread: 'own thread (default)', inline: "API's event loop (inline)" };

export async function analysis(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const largest = Math.max(...sizes.analysisTrades);
  // A first job of the smallest size, then each size: a server that has just started runs its first job with code not yet
  // optimised (a fresh thread most of all); a running server has done that long before.
  const smallest = Math.min(...sizes.analysisTrades);
  // After that first job, each size runs `analysisRepeats` times in a row and the median job is reported.
  const repeated = (counts: readonly number[]) => counts.flatMap((count) => Array<number>(sizes.analysisRepeats).fill(count));
  const thread = await measureWorker(context, 'thread', [smallest, ...repeated(sizes.analysisTrades)], true);
  // The same largest job with the worker on the API's own event loop: what the thread spares the requests.
  const inline = await measureWorker(context, 'inline', [smallest, ...repeated([largest])], false);
  const idle = thread.idle!;
  const runs = [...thread.runs, ...inline.runs];
  const rows: Cell[][] = [
    ['none (at rest)', WORKER_NAMES.thread, '—', '—', '—', idle.p50_ms, idle.p99_ms, idle.max_ms],
    ...groupRuns(runs).map((group) => {
      const [run] = group;
      return [
        `${run!.trades.toLocaleString('en-US')}${run!.first ? ' (first job after start)' : ''}`,
        WORKER_NAMES[run!.worker],
        group.length,
        median(group.map((r) => r.server_ms)),
        median(group.map((r) => r.wall_ms)),
        median(group.map((r) => r.health.p50_ms)),
        Math.max(...group.map((r) => r.health.p99_ms)),
        Math.max(...group.map((r) => r.health.max_ms)),
      ];
    }),
  ];
  return {
    id: 'analysis',
    title: 'Analysis',
    method:
      'The real API in local mode (as `npm start`), its analysis worker on a thread of its own (the default) and, for the largest ' +
      'journal again, on the API\'s own event loop (`ANALYSIS_WORKER=inline`), each on a fresh server: the journal is seeded into its SQLite file, then ' +
      '`POST /api/analysis/jobs` (whole journal, local coach). Queued → completed is the job\'s `updated_at − created_at` as the ' +
      `server wrote them; wall time is from the POST to the poll (every ${POLL_MS} ms) that saw it completed. Meanwhile autocannon ` +
      `on its own thread asks \`GET /api/health\` ${sizes.healthRate} times a second over ${sizes.healthConnections} connections until the job completes. ` +
      `A fresh server's first job (code not yet optimised) is its own row; after it each size runs ${sizes.analysisRepeats} time(s) in a row: ` +
      'the times and the health p50 are the medians of those jobs, the health p99 and max the worst of them.',
    columns: [
      { title: 'Trades' },
      { title: 'Worker' },
      { title: 'Jobs', unit: 'count' },
      { title: 'Queued → completed (ms)', unit: 'ms' },
      { title: 'Wall (ms)', unit: 'ms' },
      { title: '/api/health p50 (ms)', unit: 'ms' },
      { title: '/api/health p99 (ms)', unit: 'ms' },
      { title: '/api/health max (ms)', unit: 'ms' },
    ],
    rows,
    data: { idle_health: idle, runs, health_rate: sizes.healthRate, health_connections: sizes.healthConnections },
  };
}
