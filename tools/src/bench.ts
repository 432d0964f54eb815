// `npm run bench [-- --quick] [-- --only ingest,reads] [-- --out DIR]`: every speed comparison side by side in one
// run, written as bench/results/<date>-<mode>.md and .json and bench/results/latest.md. Nothing here is asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analysis } from './bench/analysis';
import { attachments } from './bench/attachments';
import { isFailure, type BenchRun, type Section, type SectionContext, type SectionFailure, type SectionResult } from './bench/bench-types';
import { googleCalls } from './bench/google-calls';
import { imports } from './bench/imports';
import { prepareLoadThread, stopLoadThread } from './bench/load';
import { ingest } from './bench/ingest';
import { lambda } from './bench/lambda';
import { describeMachine, describeRevision } from './bench/machine';
import { metrics } from './bench/metrics';
import { parseBenchArgs, UsageError, type SectionId } from './bench/options';
import { reads } from './bench/reads';
import { renderJson, renderMarkdown } from './bench/report';
import { collectGarbage } from './bench/stats';

/** In the order they run: the load tests first, while the process is fresh. */
const SECTIONS: Record<SectionId, { title: string; run: Section }> = {
  ingest: { title: 'Ingest', run: ingest },
  attachments: { title: 'Attachments', run: attachments },
  reads: { title: 'Journal reads', run: reads },
  analysis: { title: 'Analysis', run: analysis },
  metrics: { title: 'Metrics engine', run: metrics },
  lambda: { title: 'Lambda bundle', run: lambda },
  google: { title: 'Google-mode external calls', run: googleCalls },
  imports: { title: 'Broker imports', run: imports },
};

async function runSections(ids: readonly SectionId[], context: SectionContext, run: BenchRun): Promise<void> {
  const { log } = context;
  for (const id of ids) {
    const { title, run: section } = SECTIONS[id];
    log(`— ${title}`);
    // Each comparison closes what it opened; one that fails is reported and the others still run.
    let result: SectionResult | SectionFailure;
    const started = performance.now();
    try {
      result = await section(context);
      log(`${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      result = { id, title, error: error instanceof Error ? error.message : String(error) };
      log(`${title} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    run.sections.push(result);
    collectGarbage();
  }
}

export interface BenchOutcome {
  run: BenchRun;
  files: { markdown: string; json: string; latest: string };
}

export async function runBench(argv: readonly string[], log: (message: string) => void = () => {}): Promise<BenchOutcome> {
  const options = parseBenchArgs(argv);
  const context: SectionContext = { sizes: options.sizes, quick: options.quick, log };
  const run: BenchRun = {
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: describeMachine(),
    revision: describeRevision(),
    sizes: options.sizes,
    sections: [],
  };
  prepareLoadThread();
  try {
    await runSections(options.only, context, run);
  } finally {
    await stopLoadThread();
  }

  mkdirSync(options.outDir, { recursive: true });
  const stem = `${run.date.slice(0, 19).replace(/:/g, '-')}Z-${run.mode}`;
  const markdown = renderMarkdown(run);
  const files = {
    markdown: path.join(options.outDir, `${stem}.md`),
    json: path.join(options.outDir, `${stem}.json`),
    latest: path.join(options.outDir, 'latest.md'),
  };
  writeFileSync(files.markdown, markdown);
  writeFileSync(files.json, renderJson(run));
  writeFileSync(files.latest, markdown);
  return { run, files };
}

async function main(): Promise<void> {
  const { run, files } = await runBench(process.argv.slice(2), (message) => process.stderr.write(`${message}\n`));
  process.stdout.write(`${renderMarkdown(run)}\nwrote ${path.relative(process.cwd(), files.markdown)}, ${path.relative(process.cwd(), files.json)} and ${path.relative(process.cwd(), files.latest)}\n`);
  const failed = run.sections.filter(isFailure);
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} comparison(s) failed: ${failed.map((s) => s.id).join(', ')}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 64 : 1);
  });
}
