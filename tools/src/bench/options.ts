// The bench's command line (`--quick`, `--only a,b`, `--out dir`) and the sizes each mode runs at.
import path from 'node:path';

export const SECTION_IDS = ['ingest', 'attachments', 'reads', 'analysis', 'metrics', 'lambda', 'google', 'imports'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const ROOT = path.resolve(__dirname, '../../..');
export const DEFAULT_OUT_DIR = path.join(ROOT, 'bench/results');

export interface Sizes {
  /** Ingest: connections and seconds of each measured run. Warm-up: seconds of load before ingest and reads measure. */
  ingestConnections: number;
  ingestSeconds: number;
  /** Ingest: measured runs per server, interleaved with the other server's (the median is reported). */
  ingestRounds: number;
  ingestWarmupSeconds: number;
  /** Attachments: the file's size in bytes and how many requests are measured. */
  attachmentBytes: number;
  attachmentRequests: number;
  /** Journal reads: rows of each journal, readers (connections) and seconds per run. */
  readJournalRows: number[];
  readReaders: number[];
  readSeconds: number;
  /** Longest the bench pages through a journal to reach its last page's cursor before it reports the deep page n/a. */
  readWalkBudgetSeconds: number;
  /** Analysis: journal sizes; the /api/health probe's connections and overall rate (req/s). */
  analysisTrades: number[];
  /** Analysis: jobs per journal size after the first one of a fresh server (the median is reported). */
  analysisRepeats: number;
  healthConnections: number;
  healthRate: number;
  healthIdleSeconds: number;
  /** Metrics engine: trade counts and best-of rounds. */
  metricsTrades: number[];
  metricsRounds: number;
  /** Lambda: how many fresh processes load the bundle. */
  lambdaColdStarts: number;
  /** Broker imports: fills in the generated file. */
  importFills: number;
}

export const FULL: Sizes = {
  ingestConnections: 32,
  ingestSeconds: 5,
  ingestRounds: 3,
  ingestWarmupSeconds: 2,
  attachmentBytes: 15 * 1024 * 1024,
  attachmentRequests: 3,
  readJournalRows: [10_000, 100_000],
  readReaders: [1, 8],
  readSeconds: 5,
  readWalkBudgetSeconds: 180,
  analysisTrades: [1_000, 10_000, 100_000],
  analysisRepeats: 3,
  healthConnections: 4,
  healthRate: 100,
  healthIdleSeconds: 3,
  metricsTrades: [10_000, 100_000, 1_000_000],
  metricsRounds: 3,
  lambdaColdStarts: 7,
  importFills: 100_000,
};

/** CI sizes: every comparison runs end to end in seconds, so the bench cannot rot; the numbers mean little. */
export const QUICK: Sizes = {
  ingestConnections: 8,
  ingestSeconds: 1,
  ingestRounds: 1,
  ingestWarmupSeconds: 0,
  attachmentBytes: 1024 * 1024,
  attachmentRequests: 2,
  readJournalRows: [100, 200],
  readReaders: [1, 8],
  // Eight runs here: a quarter of a second each keeps the whole quick run well inside CI's minute.
  readSeconds: 0.25,
  readWalkBudgetSeconds: 30,
  analysisTrades: [10, 30, 100],
  analysisRepeats: 1,
  healthConnections: 2,
  healthRate: 50,
  healthIdleSeconds: 0.5,
  metricsTrades: [200, 1_000, 5_000],
  metricsRounds: 1,
  lambdaColdStarts: 1,
  importFills: 1_000,
};

export interface BenchOptions {
  quick: boolean;
  only: SectionId[];
  outDir: string;
  sizes: Sizes;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTION_IDS.join(',')}] [--out DIR]`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let only: SectionId[] = [...SECTION_IDS];
  let outDir = DEFAULT_OUT_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    if (flag === '--quick') quick = true;
    else if (flag === '--only') {
      const names = value().split(',').map((name) => name.trim()).filter(Boolean);
      const unknown = names.filter((name) => !(SECTION_IDS as readonly string[]).includes(name));
      if (unknown.length > 0 || names.length === 0) throw new UsageError(`unknown section(s): ${unknown.join(', ') || '(none)'}\n${USAGE}`);
      only = SECTION_IDS.filter((id) => names.includes(id));
    } else if (flag === '--out') outDir = path.resolve(value());
    else throw new UsageError(`unknown argument: ${arg}\n${USAGE}`);
  }
  return { quick, only, outDir, sizes: quick ? QUICK : FULL };
}
