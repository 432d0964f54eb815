// `npm run -s package:lambda`: the analysis Lambda as one minified file in dist/lambda/analysis.zip, its map beside it.
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build } from 'esbuild';
import { ZipFile } from 'yazl';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'apps/analysis-lambda/src/handler.ts');
export const DEFAULT_LAMBDA_OUT_DIR = path.join(ROOT, 'dist/lambda');
export const LAMBDA_ZIP_NAME = 'analysis.zip';
/** The file at the zip's root; the function's handler setting is `index.handler`. */
export const LAMBDA_BUNDLE_NAME = 'index.js';

/**
 * Left as `require()` calls, so not in the zip. better-sqlite3 is the local family's native addon; the Lambda's config
 * demands DynamoDB, SQS and Google, so that family is never opened, and its module (inlined, initialised on first
 * import()) is the only place that requires it. The AWS SDK is not here: the zip carries the versions we test with
 * rather than whichever the nodejs22.x runtime happens to ship.
 */
export const LAMBDA_EXTERNALS = ['better-sqlite3'];

/**
 * Measured 2026-11-28 (esbuild 0.28.2, AWS SDK 3.1169, zod 4, @google/genai 2.32, langgraph 1.7): zip 965,976 bytes,
 * index.js 3,718,702 bytes, 107 packages. The budget is that plus ~25 %, rounded: growth past it is a dependency worth
 * a look (a second copy of the AWS SDK, a locale table, a family that stopped loading lazily), not a number to bump
 * without reading the metafile.
 */
export const LAMBDA_ZIP_BUDGET_BYTES = 1_200_000;

/**
 * The entry's fixed time, in local time as the DOS fields are read (so made at each use, in the zone then current):
 * one build gives one zip on any machine, and Pulumi deploys a new version only when the archive's hash changes.
 */
export const zipEntryTime = (): Date => new Date(1980, 0, 1, 0, 0, 0);

export interface PackageLambdaOptions {
  outDir?: string;
}

export interface PackagedLambda {
  zipPath: string;
  mapPath: string;
  /** Size of the zip, what Lambda's 50 MB upload limit and cold starts see. */
  bytes: number;
  /** Size of the unzipped `index.js`. */
  bundleBytes: number;
  /** npm packages bundled in, by name, from esbuild's metafile. */
  packages: string[];
}

/** The npm package an input path belongs to (`node_modules/@aws-sdk/core/…` → `@aws-sdk/core`), else undefined. */
function packageOf(input: string): string | undefined {
  return /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
}

function zipOne(contents: Uint8Array, name: string, zipPath: string): Promise<void> {
  const zip = new ZipFile();
  // No extended timestamp and a fixed mode: nothing in the archive depends on when or by whom it was built.
  zip.addBuffer(Buffer.from(contents), name, { mtime: zipEntryTime(), mode: 0o100644, forceDosTimestamp: true, compressionLevel: 9 });
  zip.end();
  return pipeline(zip.outputStream, createWriteStream(zipPath));
}

export async function packageLambda({ outDir = DEFAULT_LAMBDA_OUT_DIR }: PackageLambdaOptions = {}): Promise<PackagedLambda> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    // The runtime the Pulumi program deploys (nodejs22.x): nothing is lowered for an older Node.
    target: 'node22',
    format: 'cjs',
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    // The map's `sources` are relative to this path; nothing is written here (write: false), the zip is.
    outfile: path.join(outDir, LAMBDA_BUNDLE_NAME),
    write: false,
    metafile: true,
    // `@pecunia/*` resolve to source as the workspace maps them, not through whatever node_modules links exist.
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    external: LAMBDA_EXTERNALS,
    logLevel: 'warning',
  });
  const bundle = result.outputFiles.find((file) => file.path.endsWith(`/${LAMBDA_BUNDLE_NAME}`));
  const map = result.outputFiles.find((file) => file.path.endsWith(`/${LAMBDA_BUNDLE_NAME}.map`));
  if (!bundle || !map) throw new Error(`esbuild wrote no ${LAMBDA_BUNDLE_NAME} and map: ${result.outputFiles.map((f) => f.path).join(', ')}`);

  await mkdir(outDir, { recursive: true });
  const zipPath = path.join(outDir, LAMBDA_ZIP_NAME);
  const mapPath = path.join(outDir, `${LAMBDA_BUNDLE_NAME}.map`);
  // The map stays beside the zip (15 MB with sources): for reading a stack trace, not for every cold start to load.
  await Promise.all([zipOne(bundle.contents, LAMBDA_BUNDLE_NAME, zipPath), writeFile(mapPath, map.contents)]);

  const packages = [...new Set(Object.keys(result.metafile.inputs).map(packageOf))].filter((name): name is string => !!name).sort();
  return { zipPath, mapPath, bytes: (await stat(zipPath)).size, bundleBytes: bundle.contents.byteLength, packages };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const packaged = await packageLambda();
  const share = Math.round((packaged.bytes / LAMBDA_ZIP_BUDGET_BYTES) * 100);
  process.stdout.write(
    `${path.relative(process.cwd(), packaged.zipPath)}: ${packaged.bytes} bytes (${kb(packaged.bytes)}; ${share} % of the ${kb(LAMBDA_ZIP_BUDGET_BYTES)} budget), ` +
      `index.js ${packaged.bundleBytes} bytes, ${packaged.packages.length} packages; map at ${path.relative(process.cwd(), packaged.mapPath)}\n`,
  );
  if (packaged.bytes > LAMBDA_ZIP_BUDGET_BYTES) {
    process.stderr.write(`The zip is over its budget of ${LAMBDA_ZIP_BUDGET_BYTES} bytes: see what grew before raising it.\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
