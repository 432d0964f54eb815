// Lambda: our bundle's size and cold module-init time against the same handler bundled with the whole `googleapis`.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { lambdaTrialEnv } from '../lambda-trial-env';
import { LAMBDA_BUNDLE_NAME, LAMBDA_EXTERNALS, packageLambda, zipEntryTime } from '../package-lambda';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { bytesOf, findGoogleapis, GOOGLEAPIS_VERSION, googleapisShims, packageCopies, secondCopiesFrom, type GoogleapisFound, type GoogleapisMissing } from './lambda-googleapis';
import { ROOT } from './options';
import { median } from './stats';

const run = promisify(execFile);
const HANDLER = path.join(ROOT, 'apps/analysis-lambda/src/handler.ts');

const LAMBDA_ENV = lambdaTrialEnv();

/** Loads the bundle as the runtime's init phase does and prints how long `require` took and the RSS after it. */
const INIT_SCRIPT = `
const started = performance.now();
const { handler } = require('./${LAMBDA_BUNDLE_NAME}');
const initMs = performance.now() - started;
if (typeof handler !== 'function') throw new Error('no handler exported');
process.stdout.write(JSON.stringify({ init_ms: initMs, rss_bytes: process.memoryUsage().rss }) + '\\n');
`;

interface Bundle {
  zipBytes: number;
  bundleBytes: number;
  /** Folder holding index.js and init.cjs. */
  dir: string;
  /** Anything else worth keeping in the JSON. */
  data?: Record<string, unknown>;
}

interface Variant {
  id: string;
  name: string;
  /** Builds the bundle into `dir`, or says why it cannot be built here. */
  bundle: ((dir: string) => Promise<Bundle>) | { unavailable: string; how: string };
}

async function unzipOne(zipPath: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  try {
    for await (const entry of zip.eachEntry()) await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(path.join(dir, entry.fileName)));
  } finally {
    zip.close();
  }
}

/** Ours: exactly what `npm run package:lambda` ships. */
async function ourBundle(dir: string): Promise<Bundle> {
  const packaged = await packageLambda({ outDir: path.join(dir, 'out') });
  await unzipOne(packaged.zipPath, dir);
  return { zipBytes: packaged.bytes, bundleBytes: packaged.bundleBytes, dir };
}

/** The googleapis row's note when it is not measured: how it is measured when it is. */
const GOOGLEAPIS_HOW =
  'A full run (`npm run bench` without `--quick`) installs `googleapis@' +
  GOOGLEAPIS_VERSION +
  '` once into `bench/.cache/googleapis/` (git-ignored) and bundles the handler behind `import { google } from \'googleapis\'` ' +
  "with package-lambda's esbuild settings, its `@googleapis/drive` and `@googleapis/sheets` clients built by `google.drive`/`google.sheets`, and times it the same way.";

/**
 * The same handler with the whole `googleapis` imported ahead of it (`google`, kept reachable so tree shaking cannot
 * drop it) and its per-API clients redirected to `google.<api>`, bundled with package-lambda's esbuild settings and
 * zipped the same way.
 */
export const withWholeGoogleapis =
  (googleapis: GoogleapisFound) =>
  async (dir: string): Promise<Bundle> => {
    const entry = path.join(dir, 'entry.ts');
    await writeFile(entry, `import { google } from 'googleapis';\n(globalThis as { __bench?: unknown }).__bench = google;\nexport * from ${JSON.stringify(HANDLER)};\n`);
    const redirected = new Set<string>();
    // package-lambda's settings, field for field; then where packages resolve from and the shims.
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      treeShaking: true,
      sourcemap: 'external',
      outfile: path.join(dir, LAMBDA_BUNDLE_NAME),
      write: false,
      metafile: true,
      tsconfig: path.join(ROOT, 'tsconfig.base.json'),
      external: LAMBDA_EXTERNALS,
      logLevel: 'warning',
      // The entry sits in a temporary folder: packages resolve from the workspace, as the handler's own imports do,
      // and googleapis (with its own dependencies) from wherever it was found.
      nodePaths: [...new Set([path.join(ROOT, 'node_modules'), googleapis.nodeModules])],
      plugins: [googleapisShims(ROOT, redirected)],
    });
    const code = result.outputFiles.find((file) => file.path.endsWith(`/${LAMBDA_BUNDLE_NAME}`))!.contents;
    const copies = packageCopies(result.metafile, LAMBDA_BUNDLE_NAME);
    const googleapisBytes = bytesOf(copies.get('googleapis'));
    const perApi = [...copies.keys()].filter((name) => name.startsWith('@googleapis/'));
    if (googleapisBytes === 0) throw new Error('the googleapis bundle holds nothing of googleapis');
    if (perApi.length > 0) throw new Error(`the googleapis bundle still holds ${perApi.join(', ')}: an import the shims missed`);
    await writeFile(path.join(dir, LAMBDA_BUNDLE_NAME), code);
    const zipPath = path.join(dir, 'bundle.zip');
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from(code), LAMBDA_BUNDLE_NAME, { mtime: zipEntryTime(), mode: 0o100644, forceDosTimestamp: true, compressionLevel: 9 });
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipPath));
    return {
      zipBytes: (await stat(zipPath)).size,
      bundleBytes: code.byteLength,
      dir,
      data: {
        googleapis_version: googleapis.version,
        googleapis_source: googleapis.source,
        googleapis_bytes: googleapisBytes,
        // Only for a separate install: a workspace copy shares what it can with the handler's packages.
        ...(googleapis.source === 'workspace' ? {} : { second_copy_bytes: secondCopiesFrom(copies, googleapis.nodeModules) }),
        redirected: [...redirected].sort().map((api) => `@googleapis/${api}`),
      },
    };
  };

/** Ours, and ours with the whole googleapis (or why that one is not measured). */
function variants(googleapis: GoogleapisFound | GoogleapisMissing): Variant[] {
  return [
    { id: 'ours', name: 'our handler (`npm run package:lambda`)', bundle: ourBundle },
    {
      id: 'googleapis',
      name: 'same handler + whole `googleapis`',
      bundle: 'unavailable' in googleapis ? { unavailable: googleapis.unavailable, how: GOOGLEAPIS_HOW } : withWholeGoogleapis(googleapis),
    },
  ];
}

/** Fresh `node` processes, each loading the bundle once: the median and the spread of module-init time. */
async function coldStarts(dir: string, count: number): Promise<{ init_ms: number[]; rss_bytes: number[] }> {
  await writeFile(path.join(dir, 'init.cjs'), INIT_SCRIPT);
  const samples = { init_ms: [] as number[], rss_bytes: [] as number[] };
  for (let i = 0; i < count; i++) {
    const { stdout } = await run(process.execPath, ['init.cjs'], { cwd: dir, env: LAMBDA_ENV, timeout: 60_000 });
    const sample = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { init_ms: number; rss_bytes: number };
    samples.init_ms.push(sample.init_ms);
    samples.rss_bytes.push(sample.rss_bytes);
  }
  return samples;
}

export async function lambda(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = {};
  const notes: string[] = [];
  const temps: string[] = [];
  // Found in the workspace or the cache, downloaded only by a full run.
  const googleapis = await findGoogleapis({ quick: context.quick, log: context.log });
  try {
    for (const variant of variants(googleapis)) {
      if (typeof variant.bundle !== 'function') {
        const na = variant.bundle.unavailable;
        rows.push([variant.name, na, 'n/a', 'n/a', 'n/a', 'n/a']);
        data[variant.id] = { unavailable: na };
        notes.push(`${variant.name}: ${na}. ${variant.bundle.how}`);
        continue;
      }
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pecunia-bench-lambda-'));
      temps.push(dir);
      context.log(`lambda: bundling ${variant.name}`);
      const bundle = await variant.bundle(dir);
      context.log(`lambda: ${sizes.lambdaColdStarts} cold module inits`);
      const samples = await coldStarts(bundle.dir, sizes.lambdaColdStarts);
      const init = median(samples.init_ms);
      rows.push([variant.name, bundle.zipBytes / 1024, bundle.bundleBytes / 1024, init, Math.max(...samples.init_ms), median(samples.rss_bytes) / 1024 / 1024]);
      data[variant.id] = { zip_bytes: bundle.zipBytes, bundle_bytes: bundle.bundleBytes, median_init_ms: init, ...samples, ...bundle.data };
    }
  } finally {
    await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  }
  const secondCopies = (data['googleapis'] as { second_copy_bytes?: number } | undefined)?.second_copy_bytes;
  return {
    id: 'lambda',
    title: 'Lambda bundle',
    method:
      `Zip and unzipped \`index.js\` as built; module init = the \`require\` of the bundle (the handler's module scope: its adapters, our Drive and Sheets clients among them, load on the first invocation), ` +
      `timed inside ${sizes.lambdaColdStarts} fresh \`node\` ${process.version} processes with the deployed configuration (AWS + Google), no node_modules in reach. ` +
      'Lambda runs nodejs22.x on other CPUs: compare the rows, not the absolute times. ' +
      `The googleapis row bundles, with package-lambda's esbuild settings, an entry that starts with \`import { google } from 'googleapis'\` and re-exports the handler, ` +
      "whose `@googleapis/drive` and `@googleapis/sheets` imports an esbuild plugin redirects to `google.drive`/`google.sheets`: its module init loads all of googleapis, as an import at module scope does. " +
      `googleapis@${'version' in googleapis ? googleapis.version : GOOGLEAPIS_VERSION} comes from the workspace if installed there, else (pinned, the newest whose engines allow Node 20) ` +
      'from `bench/.cache/googleapis/` (git-ignored), which a full run fills once with npm and later runs reuse. That install brings its own auth library, gaxios and their dependencies, ' +
      `second copies of packages the handler already bundles${secondCopies === undefined ? '' : ` (${Math.round(secondCopies / 1024)} KB of that row's index.js)`}.`,
    columns: [
      { title: 'Bundle' },
      { title: 'Zip (KB)', unit: 'KB' },
      { title: 'index.js (KB)', unit: 'KB' },
      { title: 'Module init, median (ms)', unit: 'ms' },
      { title: 'Max (ms)', unit: 'ms' },
      { title: 'RSS after init (MB)', unit: 'MB' },
    ],
    rows,
    data: { cold_starts: sizes.lambdaColdStarts, variants: data },
    notes,
  };
}
