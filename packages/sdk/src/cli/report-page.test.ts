import { EventEmitter } from 'node:events';
import type { spawn } from 'node:child_process';
import { fakeFetch, fakeSleep, jobBody, problem, type Answer } from '../testing/fake-fetch';
import { platformOpener } from './report-page';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './run';

const PAGE = '<!doctype html><html><body>Report</body></html>';
const page = () => new Response(PAGE, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });

function cli(...answers: Answer[]) {
  const fetch = fakeFetch(...answers);
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const opened: string[] = [];
  let openFails: Error | undefined;
  const run = (...argv: string[]) =>
    runCli(argv, {
      env: { PECUNIA_API_URL: 'http://api.test', PECUNIA_API_KEY: 'key-1' },
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      fetch,
      sleep: fakeSleep(),
      writeFile: async (file, text) => {
        written[file] = text;
      },
      tempDir: async () => '/tmp/pecunia-test',
      // No browser starts in a test: the opener only records what it was given.
      openFile: async (file) => {
        if (openFails) throw openFails;
        opened.push(file);
      },
    });
  return {
    run,
    fetch,
    written,
    opened,
    failOpening: (error: Error) => (openFails = error),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('pecunia report --html / --open', () => {
  it('writes the report page to the file given, prints its path, and opens nothing', async () => {
    const c = cli(page());

    const code = await c.run('report', 'job-1', '--html', 'out/report.html');

    expect(code).toBe(EXIT_OK);
    expect(`${c.fetch.seen[0]!.method} ${c.fetch.seen[0]!.url.pathname}`).toBe('GET /api/analysis/jobs/job-1/report.html');
    expect(c.written).toEqual({ 'out/report.html': PAGE });
    expect(c.stdout()).toBe('out/report.html\n');
    expect(c.opened).toEqual([]);
  });

  it('writes the page into a private temporary folder, prints the path and opens it', async () => {
    const c = cli(page());

    const code = await c.run('report', 'job-1', '--open');

    expect(code).toBe(EXIT_OK);
    expect(c.written).toEqual({ '/tmp/pecunia-test/report-job-1.html': PAGE });
    expect(c.stdout()).toBe('/tmp/pecunia-test/report-job-1.html\n');
    expect(c.opened).toEqual(['/tmp/pecunia-test/report-job-1.html']);
  });

  it('opens the file given with --html too', async () => {
    const c = cli(page());

    expect(await c.run('report', 'job-1', '--html', 'mine.html', '--open')).toBe(EXIT_OK);

    expect(c.opened).toEqual(['mine.html']);
  });

  it('keeps the page and says so when no browser can be started, exiting 1', async () => {
    const c = cli(page());
    c.failOpening(new Error('spawn xdg-open ENOENT'));

    expect(await c.run('report', 'job-1', '--open')).toBe(EXIT_FAILURE);

    expect(c.written['/tmp/pecunia-test/report-job-1.html']).toBe(PAGE);
    expect(c.stderr()).toContain('spawn xdg-open ENOENT');
  });

  it('exits 1 with the code when the job has no report yet, writing nothing', async () => {
    const c = cli(problem(409, 'ANALYSIS.JOB_NOT_COMPLETED', 'The job is running: a report exists once the job has completed.'));

    expect(await c.run('report', 'job-1', '--open')).toBe(EXIT_FAILURE);

    expect(c.stderr()).toContain('error ANALYSIS.JOB_NOT_COMPLETED');
    expect(c.written).toEqual({});
    expect(c.opened).toEqual([]);
  });

  it.each([
    [['report', 'job-1', '--html', 'a.html', '--markdown'], 'choose one'],
    [['report', 'job-1', '--html'], 'argument missing'],
  ])('refuses %p as wrong usage', async (argv, message) => {
    const c = cli(page());

    expect(await c.run(...argv)).toBe(EXIT_USAGE);

    expect(c.stderr()).toContain(message);
    expect(c.fetch.seen).toEqual([]);
  });

  it('still prints the report itself without --html or --open', async () => {
    const c = cli(new Response(JSON.stringify(jobBody('completed', 'completed', 1, { report_markdown: '# Coach report\n' })), { status: 200, headers: { 'Content-Type': 'application/json' } }));

    expect(await c.run('report', 'job-1', '--markdown')).toBe(EXIT_OK);

    expect(c.stdout()).toBe('# Coach report\n');
  });
});

describe('platformOpener', () => {
  /** A spawn that records its call and reports the child started (or failed to). */
  function fakeSpawn(outcome: 'spawn' | Error = 'spawn') {
    const calls: { command: string; args: readonly string[]; options: unknown }[] = [];
    let unrefs = 0;
    const run = ((command: string, args: readonly string[], options: unknown) => {
      calls.push({ command, args, options });
      const child = Object.assign(new EventEmitter(), { unref: () => void unrefs++ });
      queueMicrotask(() => (outcome === 'spawn' ? child.emit('spawn') : child.emit('error', outcome)));
      return child;
    }) as unknown as typeof spawn;
    return { run, calls, unrefs: () => unrefs };
  }

  it.each<[NodeJS.Platform, string, string[]]>([
    ['linux', 'xdg-open', ['/tmp/r.html']],
    ['freebsd', 'xdg-open', ['/tmp/r.html']],
    ['darwin', 'open', ['/tmp/r.html']],
    ['win32', 'cmd', ['/c', 'start', '""', '/tmp/r.html']],
  ])('on %s runs %s, detached, and leaves it running', async (platform, command, args) => {
    const spawnFn = fakeSpawn();

    await platformOpener(platform, spawnFn.run)('/tmp/r.html');

    expect(spawnFn.calls).toEqual([{ command, args, options: expect.objectContaining({ detached: true, stdio: 'ignore' }) }]);
    expect(spawnFn.unrefs()).toBe(1);
  });

  it('rejects when the opener cannot be started', async () => {
    const spawnFn = fakeSpawn(new Error('spawn xdg-open ENOENT'));

    await expect(platformOpener('linux', spawnFn.run)('/tmp/r.html')).rejects.toThrow('ENOENT');
  });
});
