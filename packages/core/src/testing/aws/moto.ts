// Test helper: a private moto_server (SQS, DynamoDB) on a free loopback port, started for a suite and stopped after it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface Moto {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The server's process (and process group) id. */
  pid: number;
  /** Stops the server and anything it started; safe to call twice. */
  close(): Promise<void>;
}

export interface MotoSkipped {
  skipped: string;
}

export interface StartMotoOptions {
  /** The executable (default `MOTO_SERVER` from the environment, else `moto_server` on the PATH). */
  command?: string;
  /** Whether a missing moto fails instead of skipping (default: `CI === 'true'`). */
  ci?: boolean;
  /** How long to wait for the first answer (default 20 s: a cold Python import on a busy machine is slow). */
  startTimeoutMs?: number;
}

const REGION = 'us-east-1';
// moto accepts any keys; fixed ones keep the SDK away from the developer's real credential chain.
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
// Another process may take the free port between our probe and moto's bind: try a few ports before giving up.
const PORT_ATTEMPTS = 3;

class MotoMissing extends Error {}

/**
 * Starts moto, or says why it cannot: `{ skipped }` when the executable is missing, so a suite can `describe.skip`
 * with the reason — except on CI (`CI=true`), where a missing moto throws, since a skipped suite there would pass
 * unnoticed. Any other failure to start throws everywhere.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto | MotoSkipped> {
  const found = findMoto(options);
  if (isSkipped(found)) return found;
  const ci = options.ci ?? process.env['CI'] === 'true';
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      return await launch(found.command, await freePort(), startTimeoutMs);
    } catch (error) {
      // Found on the PATH but nothing behind it (a pyenv shim of another Python): missing all the same.
      if (error instanceof MotoMissing) return missing(error.message, ci);
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Whether moto can be started, decided without starting it (a PATH lookup), so that a suite can choose between
 * `describe` and `describe.skip` while Jest collects tests. Throws instead of skipping when `CI=true`.
 */
export function findMoto(options: Pick<StartMotoOptions, 'command' | 'ci'> = {}): { command: string } | MotoSkipped {
  const command = options.command ?? process.env['MOTO_SERVER'] ?? 'moto_server';
  const ci = options.ci ?? process.env['CI'] === 'true';
  const candidates = command.includes('/')
    ? [command]
    : (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  const executable = candidates.find(isExecutable);
  if (!executable) return missing(`moto_server is not installed (no executable ${command} on the PATH).`, ci);
  if (path.basename(path.dirname(executable)) !== 'shims') return { command: executable };
  // A pyenv shim: ask pyenv for the program behind it. A shim with no moto behind it is a missing moto, known now rather
  // than when the suite's beforeAll fails; and the shim's bash and version lookup are not paid on every start (about
  // 1 s here against 0.6 s for this one lookup, on a loaded 2-CPU machine).
  const behind = spawnSync('pyenv', ['which', path.basename(executable)], { encoding: 'utf8', timeout: 10_000 });
  const real = behind.status === 0 ? behind.stdout.trim() : '';
  if (behind.status !== 0 && behind.error === undefined) {
    return missing(`moto_server is not installed for the current Python (${behind.stderr.trim() || `pyenv which exited ${behind.status}`}).`, ci);
  }
  return { command: real && isExecutable(real) ? real : executable };
}

function isExecutable(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/**
 * `describe` with a moto started before its tests and stopped after them, or `describe.skip` naming the reason when
 * moto is missing (a failure instead on CI). `moto()` gives the running server inside tests and hooks.
 */
export function describeWithMoto(name: string, body: (moto: () => Moto) => void): void {
  const found = findMoto();
  if (isSkipped(found)) {
    describe.skip(`${name} (skipped: ${found.skipped})`, () => body(() => {
      throw new Error(found.skipped);
    }));
    return;
  }
  let server: Moto | undefined;
  describe(name, () => {
    beforeAll(async () => {
      const started = await startMoto({ command: found.command });
      if (isSkipped(started)) throw new Error(started.skipped);
      server = started;
    }, 30_000);
    afterAll(() => server?.close(), 10_000);
    body(() => {
      if (!server) throw new Error('moto is not running: use moto() inside tests and hooks, not while collecting them.');
      return server;
    });
  });
}

function missing(reason: string, ci: boolean): MotoSkipped {
  if (ci) throw new Error(`${reason} CI=true, so the AWS suites fail rather than skip.`);
  return { skipped: reason };
}

export function isSkipped<T extends object>(moto: T | MotoSkipped): moto is MotoSkipped {
  return 'skipped' in moto;
}

async function launch(command: string, port: number, startTimeoutMs: number): Promise<Moto> {
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    // Its own process group: close() signals the group, so a wrapper (pyenv shim, reloader) takes its children along.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
  // Jest may end a worker without running afterAll: a moto left behind would outlive the test run.
  const killOnExit = (): void => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  let done = false;
  const ready = (async () => {
    while (!done && Date.now() < deadline) {
      if (await answers(endpoint)) return true;
      await sleep(100);
    }
    return false;
  })();
  const outcome = await Promise.race([ready.then((ok) => ({ ok })), exited.then((exit) => ({ exit }))]);
  done = true;

  if ('ok' in outcome && outcome.ok) {
    let closing: Promise<void> | undefined;
    return {
      endpoint,
      region: REGION,
      credentials: { ...CREDENTIALS },
      pid: child.pid!,
      close: () => (closing ??= stop(child, exited).finally(() => process.removeListener('exit', killOnExit))),
    };
  }
  process.removeListener('exit', killOnExit);
  if ('exit' in outcome) {
    const { code, error } = outcome.exit;
    // ENOENT: not on the PATH. 127: a shell or pyenv shim that found no such program behind it.
    if (error?.code === 'ENOENT' || code === 127 || /command not found/i.test(stderr)) {
      const why = error?.code ?? (stderr.trim().split('\n').at(-1) || `exit ${code}`);
      throw new MotoMissing(`moto_server is not installed (${command}: ${why}).`);
    }
    throw new Error(`moto_server exited before answering (exit ${code ?? error?.code}): ${stderr.trim()}`);
  }
  await stop(child, exited);
  throw new Error(`moto_server did not answer on ${endpoint} within ${startTimeoutMs} ms: ${stderr.trim()}`);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, SIGKILL after a grace period; resolves once the process is gone. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child, 'SIGTERM');
  const gone = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
  if (!gone) {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
