// Test helper: headless Chromium (Debian's `chromium` package, driven by playwright-core) for the page tests: found, installed, or skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface ChromiumSkipped {
  skipped: string;
}

export interface FindChromiumOptions {
  /** Whether a Chromium that cannot be had fails instead of skipping (default: `CI === 'true'`). */
  ci?: boolean;
  /** Whether to `apt-get install` it when missing (default: when running as root with apt-get on the PATH). */
  install?: boolean;
  /** Where to look, first found wins (default: `CHROMIUM_PATH`, then Debian's and Ubuntu's paths). */
  candidates?: readonly string[];
}

// Playwright's own browser download is not used: its CDN cannot be reached here, and Debian's package is one apt-get
// away on any Debian or Ubuntu machine.
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
// Installing pulls ~100 MB of packages: minutes on a slow mirror. Another test file may hold the dpkg lock meanwhile.
const APT_TIMEOUT_MS = 15 * 60_000;

const isRoot = (): boolean => process.getuid?.() === 0;

let found: { executablePath: string } | ChromiumSkipped | undefined;

/**
 * The Chromium to drive, installing it when missing (root with apt only), or why there is none: `{ skipped }`, so a
 * suite can `describe.skip` with the reason — except on CI (`CI=true`), where it throws, since a skipped browser
 * suite there would pass unnoticed. Synchronous, so that it can decide while Jest collects tests; with the default
 * places to look, the answer is remembered for the worker (one apt-get run at most).
 */
export function findChromium(options: FindChromiumOptions = {}): { executablePath: string } | ChromiumSkipped {
  const ci = options.ci ?? process.env['CI'] === 'true';
  const result = options.candidates ? locateOrInstall(options.candidates, options.install) : (found ??= locateOrInstall(defaultCandidates(), options.install));
  if (isSkipped(result) && ci) throw new Error(`${result.skipped} CI=true, so the browser suites fail rather than skip.`);
  return result;
}

function locateOrInstall(candidates: readonly string[], install?: boolean): { executablePath: string } | ChromiumSkipped {
  const locate = () => candidates.find(isExecutable);
  const existing = locate();
  if (existing) return { executablePath: existing };
  const apt = onPath('apt-get');
  let reason = `Chromium is not installed (none of ${candidates.join(', ')}; CHROMIUM_PATH names another)`;
  if ((install ?? isRoot()) && apt) {
    const failure = aptInstallChromium(apt);
    const installed = locate();
    if (installed) return { executablePath: installed };
    reason += `, and \`apt-get install -y chromium\` did not provide it: ${failure ?? 'no executable afterwards'}`;
  } else if (install ?? isRoot()) {
    reason += ', and there is no apt-get to install it';
  } else {
    reason += '; install it with `sudo apt-get install -y chromium`';
  }
  return { skipped: `${reason}.` };
}

function defaultCandidates(): string[] {
  const configured = process.env['CHROMIUM_PATH'];
  return configured ? [configured, ...CANDIDATES] : CANDIDATES;
}

/** Installs Debian's chromium; runs `apt-get update` (and installs again) only when the first try fails. The error, or undefined. */
function aptInstallChromium(apt: string): string | undefined {
  const run = (args: string[]) =>
    spawnSync(apt, ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      encoding: 'utf8',
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const summary = (result: ReturnType<typeof run>) =>
    result.error?.message ?? `exit ${result.status}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`;
  const install = () => run(['install', '-y', 'chromium']);
  const first = install();
  if (first.status === 0) return undefined;
  const update = run(['update']);
  if (update.status !== 0) return `${summary(first)}; apt-get update: ${summary(update)}`;
  const second = install();
  return second.status === 0 ? undefined : summary(second);
}

function onPath(command: string): string | undefined {
  return (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command)).find(isExecutable);
}

function isExecutable(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

export function isSkipped<T extends object>(value: T | ChromiumSkipped): value is ChromiumSkipped {
  return 'skipped' in value;
}

/** Headless Chromium; without the sandbox as root, where Chromium refuses to start with it. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // Containers often give /dev/shm 64 MB, which a full-page screenshot can exhaust.
    args: [...(isRoot() ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
}

/**
 * `describe` with one Chromium launched before its tests and closed after them, or `describe.skip` naming the reason
 * when there is none (a failure instead on CI). `browser()` gives it inside tests and hooks.
 */
export function describeWithChromium(name: string, body: (browser: () => Browser) => void): void {
  const chromiumFound = findChromium();
  if (isSkipped(chromiumFound)) {
    describe.skip(`${name} (skipped: ${chromiumFound.skipped})`, () =>
      body(() => {
        throw new Error(chromiumFound.skipped);
      }),
    );
    return;
  }
  let running: Browser | undefined;
  describe(name, () => {
    beforeAll(async () => {
      running = await launchChromium(chromiumFound.executablePath);
    }, 60_000);
    afterAll(() => running?.close(), 20_000);
    body(() => {
      if (!running) throw new Error('Chromium is not running: use browser() inside tests and hooks, not while collecting them.');
      return running;
    });
  });
}

export interface PageWatch {
  /** Console errors, uncaught exceptions, failed or refused requests, requests to another origin: empty when clean. */
  problems(): string[];
}

/**
 * Records what a clean page never does. A CSP violation is a console error, a 4xx or 5xx a refused request; a
 * request to any origin but `origin` counts even when it succeeds (no CDN, no tracker).
 */
export function watchPage(page: Page, origin: string): PageWatch {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed request: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  return { problems: () => [...problems] };
}

const SCREENSHOTS = path.resolve(__dirname, '../../../../docs/screenshots');

/**
 * A full-page screenshot to docs/screenshots/<name>.png — only when it is missing or UPDATE_SCREENSHOTS=1: pixels
 * differ from run to run (fonts, dates, ids), and a test run should not leave a clean clone with modified files.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  if (process.env['UPDATE_SCREENSHOTS'] !== '1' && fs.existsSync(file)) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}

/** The widths every page is checked at: a laptop, and a phone (390 × 844 CSS pixels, an iPhone 12 to 15). */
export const VIEWPORTS = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;
