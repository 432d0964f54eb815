// The whole `googleapis` for the Lambda comparison, which the project does not depend on: the workspace's copy if
// someone installed it, else a git-ignored cache that a full bench fills once with npm. And the esbuild plugin that
// points the handler's per-API clients (`@googleapis/drive`, `@googleapis/sheets`) at it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Metafile, Plugin } from 'esbuild';
import { ROOT } from './options';

const run = promisify(execFile);

/** The newest googleapis whose `engines` allow Node 20 (178.1.1 and later want >=22). Bumping it re-fills the cache. */
export const GOOGLEAPIS_VERSION = '178.0.0';
/** Git-ignored (`bench/.cache/`): npm installs googleapis and its dependencies under `node_modules/` here. */
export const GOOGLEAPIS_CACHE_DIR = path.join(ROOT, 'bench/.cache/googleapis');

export interface GoogleapisFound {
  version: string;
  /** The node_modules folder that holds `googleapis` (and, for the cache, its dependencies): esbuild's nodePaths. */
  nodeModules: string;
  source: 'workspace' | 'cache' | 'download';
}

export interface GoogleapisMissing {
  /** The table cell: `n/a (…)`. */
  unavailable: string;
}

export type GoogleapisStep = 'workspace' | 'cache' | 'download' | 'skip';

/** Where googleapis comes from: the workspace's copy, else the cache's at the pinned version; only a full run downloads. */
export function googleapisStep(state: { inWorkspace: boolean; cachedVersion: string | undefined; version: string; quick: boolean }): GoogleapisStep {
  if (state.inWorkspace) return 'workspace';
  if (state.cachedVersion === state.version) return 'cache';
  return state.quick ? 'skip' : 'download';
}

/** `npm install` of googleapis alone into `prefix`, leaving no package.json or lock behind and running no scripts. */
export const npmInstallArgs = (prefix: string, version: string): string[] => [
  'install',
  '--prefix',
  prefix,
  '--no-save',
  '--no-audit',
  '--no-fund',
  '--ignore-scripts',
  `googleapis@${version}`,
];

/** The version of the googleapis under `nodeModules`, or undefined when there is none. */
export function versionIn(nodeModules: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(nodeModules, 'googleapis', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/** The node_modules folder a resolved file of `name` sits in (`/a/node_modules/googleapis/build/x.js` → `/a/node_modules`). */
export function nodeModulesOf(resolved: string, name: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const at = resolved.lastIndexOf(marker);
  return at < 0 ? undefined : resolved.slice(0, at + `${path.sep}node_modules`.length);
}

/** googleapis as the workspace resolves it (someone installed it), else undefined. */
function inWorkspace(root: string): string | undefined {
  try {
    return nodeModulesOf(require.resolve('googleapis', { paths: [root] }), 'googleapis');
  } catch {
    return undefined;
  }
}

/** Why an npm run failed, in a few words: its `npm error code …` (ENOTFOUND, ETARGET…), else its first line. */
export function npmFailureReason(error: unknown): string {
  const { message = String(error), stderr = '' } = (error ?? {}) as { message?: string; stderr?: string };
  const code = /^npm (?:error|ERR!) code (\S+)/m.exec(stderr)?.[1];
  if (code) return `npm ${code}`;
  const line = `${stderr}\n${message}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'unknown error';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export type Installer = (prefix: string, version: string) => Promise<void>;

const npmInstall: Installer = async (prefix, version) => {
  await run('npm', npmInstallArgs(prefix, version), { cwd: prefix, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
};

export interface FindGoogleapisOptions {
  quick: boolean;
  log(message: string): void;
  /** Defaults: the pinned version, bench/.cache/googleapis, the workspace root and `npm install`. */
  version?: string;
  cacheDir?: string;
  root?: string;
  install?: Installer;
}

/**
 * googleapis to bundle, or why there is none. A download goes to a sibling folder first and replaces the cache only
 * once npm succeeded, so an interrupted run leaves no half-filled cache behind; a failed one leaves the row n/a.
 */
export async function findGoogleapis(options: FindGoogleapisOptions): Promise<GoogleapisFound | GoogleapisMissing> {
  const { quick, log, version = GOOGLEAPIS_VERSION, cacheDir = GOOGLEAPIS_CACHE_DIR, root = ROOT, install = npmInstall } = options;
  const workspace = inWorkspace(root);
  const cacheModules = path.join(cacheDir, 'node_modules');
  const step = googleapisStep({ inWorkspace: workspace !== undefined, cachedVersion: versionIn(cacheModules), version, quick });
  switch (step) {
    case 'workspace':
      return { version: versionIn(workspace!) ?? 'unknown', nodeModules: workspace!, source: 'workspace' };
    case 'cache':
      return { version, nodeModules: cacheModules, source: 'cache' };
    case 'skip':
      // The first half is the row's old text, which bench.test.ts (the quick run) looks for; the second says why.
      return { unavailable: 'n/a (googleapis not installed) — not measured in --quick (would download googleapis)' };
    case 'download':
      break;
  }
  const staging = `${cacheDir}.partial-${process.pid}`;
  const shown = path.relative(root, cacheDir).startsWith('..') ? cacheDir : path.relative(root, cacheDir);
  log(`lambda: downloading googleapis@${version} into ${shown} (once; later runs reuse it)`);
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await install(staging, version);
    const got = versionIn(path.join(staging, 'node_modules'));
    if (got !== version) throw new Error(`npm installed googleapis ${got ?? 'nothing'}, not ${version}`);
    await rm(cacheDir, { recursive: true, force: true });
    await rename(staging, cacheDir);
    return { version, nodeModules: cacheModules, source: 'download' };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const reason = npmFailureReason(error);
    log(`lambda: googleapis download failed: ${reason}`);
    return { unavailable: `n/a (googleapis@${version} download failed: ${reason})` };
  }
}

/** The API a per-API package serves (`@googleapis/drive` → `drive`), or undefined for anything else. */
export const perApiPackage = (specifier: string): string | undefined => /^@googleapis\/([a-z][a-z0-9]*)$/.exec(specifier)?.[1];

/**
 * What stands in for `@googleapis/<api>`: the same factory, now `google.<api>` of the whole package (a per-API
 * package's `drive(options)` and googleapis' `google.drive(options)` take the same options and build the same client).
 */
export const shimSource = (api: string): string =>
  `import { google } from 'googleapis';\n` +
  `export const ${api} = (versionOrOptions) => google.${api}(versionOrOptions);\n` +
  `export const auth = google.auth;\n`;

const SHIM_NAMESPACE = 'googleapis-shim';

/**
 * Redirects every `@googleapis/<api>` import to its shim, so the handler builds its Drive and Sheets clients from
 * googleapis; each API redirected is added to `redirected`. `googleapis` itself resolves from `resolveDir` and nodePaths.
 */
export function googleapisShims(resolveDir: string, redirected: Set<string>): Plugin {
  return {
    name: 'googleapis-shims',
    setup(build) {
      build.onResolve({ filter: /^@googleapis\// }, (args) => {
        const api = perApiPackage(args.path);
        if (!api) return undefined;
        redirected.add(api);
        return { path: api, namespace: SHIM_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: SHIM_NAMESPACE }, (args) => ({ contents: shimSource(args.path), loader: 'js', resolveDir }));
    },
  };
}

export interface PackageCopy {
  /** The package's folder, absolute (metafile paths are relative to esbuild's working directory, `cwd`). */
  folder: string;
  /** What its files add to the output. */
  bytes: number;
}

/** Each npm package in `output` by esbuild's metafile, keyed by name: one entry per copy (per folder bundled from). */
export function packageCopies(metafile: Metafile, output: string, cwd: string = process.cwd()): Map<string, PackageCopy[]> {
  const byFolder = new Map<string, { name: string; bytes: number }>();
  const entry = Object.entries(metafile.outputs).find(([file]) => file === output || file.endsWith(`/${output}`));
  for (const [input, { bytesInOutput }] of Object.entries(entry?.[1].inputs ?? {})) {
    // The innermost package: `node_modules/a/node_modules/b/x.js` is b's.
    const match = /^(.*?(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+))\/(?!(?:.*\/)?node_modules\/)/.exec(input);
    if (!match) continue;
    const [, folder, name] = match as unknown as [string, string, string];
    const copy = byFolder.get(folder) ?? { name, bytes: 0 };
    copy.bytes += bytesInOutput;
    byFolder.set(folder, copy);
  }
  const copies = new Map<string, PackageCopy[]>();
  for (const [folder, { name, bytes }] of byFolder) copies.set(name, [...(copies.get(name) ?? []), { folder: path.resolve(cwd, folder), bytes }]);
  return copies;
}

export const bytesOf = (copies: PackageCopy[] | undefined): number => (copies ?? []).reduce((sum, copy) => sum + copy.bytes, 0);

/**
 * What copies from under `dir` add to packages also bundled from elsewhere: the second copies a separate googleapis
 * install brings (its auth library, gaxios…), which an install into the workspace could share.
 */
export function secondCopiesFrom(copies: Map<string, PackageCopy[]>, dir: string): number {
  const inside = (folder: string) => !path.relative(dir, folder).startsWith('..');
  let bytes = 0;
  for (const list of copies.values()) {
    if (list.some((copy) => !inside(copy.folder))) bytes += bytesOf(list.filter((copy) => inside(copy.folder)));
  }
  return bytes;
}
