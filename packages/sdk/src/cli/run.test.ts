import { fakeFetch, fakeSleep, json, problem, type Answer, jobBody } from '../testing/fake-fetch';
import { renderBar } from './progress-bar';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './run';

const job = jobBody;
const done = job('completed', 'completed', 1, { report: { summary: 'Hold winners longer' }, report_markdown: '# Coach report\n', metrics: { trade_count: 4 } });

function cli(...answers: Answer[]) {
  const fetch = fakeFetch(...answers);
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, Uint8Array> = { 'charts/chart.png': new Uint8Array([137, 80, 78, 71]) };
  const run = (...argv: string[]) =>
    runCli(argv, {
      env: { PECUNIA_API_URL: 'http://api.test', PECUNIA_API_KEY: 'key-1' },
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      fetch,
      sleep: fakeSleep(),
      readFile: async (file) => {
        const data = files[file];
        if (!data) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
        return data;
      },
    });
  return { run, fetch, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('pecunia CLI', () => {
  it('submits a narrative with an attachment typed from its extension, as a multipart form', async () => {
    const c = cli(json(201, { status: 'created', extracted_by: 'rule-based', trade: { ticker: 'AAPL' }, attachments: [], location: {} }));

    const code = await c.run('submit', 'Bought AAPL at 189, sold at 191, +$185', '--attach', 'charts/chart.png', '--sheet', 'my-journal');

    expect(code).toBe(EXIT_OK);
    const [request] = c.fetch.seen;
    expect(request!.url.toString()).toBe('http://api.test/api/trades/submit?sheet_id=my-journal');
    expect(request!.headers.get('authorization')).toBe('Bearer key-1');
    // The file goes as itself, in a streamed form after the trade part, not as base64.
    expect(request!.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(request!.bytes, { headers: { 'Content-Type': request!.headers.get('content-type')! } }).formData();
    expect(JSON.parse(form.get('trade') as string)).toEqual({ content: 'Bought AAPL at 189, sold at 191, +$185' });
    const file = form.get('attachments') as File;
    expect([file.name, file.type, [...new Uint8Array(await file.arrayBuffer())]]).toEqual(['chart.png', 'image/png', [137, 80, 78, 71]]);
    expect(JSON.parse(c.stdout()).trade.ticker).toBe('AAPL');
  });

  it('says which flags to add when the narrative is missing fields, and exits 1', async () => {
    const c = cli(json(202, { status: 'needs_more_info', missing_fields: ['pnl', 'exit_timestamp'], fields: {}, extracted_by: 'rule-based' }));
    expect(await c.run('submit', 'Bought some AAPL')).toBe(EXIT_FAILURE);
    expect(c.stderr()).toContain('--pnl --exit');
  });

  it('logs a structured trade from flags', async () => {
    const c = cli(json(201, { trade: { ticker: 'AAPL' }, attachments: [], location: {} }));
    const code = await c.run('trade', '--ticker', 'aapl', '--pnl', '-45.5', '--side', 'Long', '--entry', '2026-03-02T09:41', '--exit', '2026-03-02T10:15', '--tag', 'breakout', '--tag', 'a+');
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(c.fetch.seen[0]!.body)).toEqual({
      ticker: 'aapl',
      position_type: 'long',
      pnl: -45.5,
      entry_timestamp: '2026-03-02T09:41',
      exit_timestamp: '2026-03-02T10:15',
      tags: ['breakout', 'a+'],
    });
    expect(c.fetch.seen[0]!.url.searchParams.get('sheet_id')).toBe('journal');
  });

  it.each([
    [['trade', '--ticker', 'AAPL'], /trade needs --side, --pnl, --entry, --exit/],
    [['trade', '--ticker', 'AAPL', '--pnl', 'lots', '--side', 'long', '--entry', 'a', '--exit', 'b'], /--pnl must be a number/],
    [['submit', 'text', '--attach', 'notes.pdf'], /type cannot be told/],
    [['submit', 'text', '--attach', 'missing.png'], /ENOENT/],
    [['submit', 'text', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['report'], /report needs one job id/],
    [['analyze', '--prompt', 'x', '--markdown'], /--markdown prints the finished report, so it needs --wait/],
  ])('exits 2 on wrong usage: %j', async (argv, message) => {
    const c = cli(json(200, {}));
    expect(await c.run(...argv)).toBe(EXIT_USAGE);
    expect(c.stderr()).toMatch(message);
    expect(c.fetch.seen).toHaveLength(0);
  });

  it('exits 2 without an API key', async () => {
    const out: string[] = [];
    const code = await runCli(['report', 'job-1'], { env: {}, stdout: { write: () => 0 }, stderr: { write: (t: string) => out.push(t) } });
    expect(code).toBe(EXIT_USAGE);
    expect(out.join('')).toMatch(/PECUNIA_API_KEY/);
  });

  it('prints the problem code and detail when the API refuses, and exits 1', async () => {
    const c = cli(problem(404, 'ANALYSIS.JOB_NOT_FOUND', 'No analysis job with this id'));
    expect(await c.run('report', 'nope')).toBe(EXIT_FAILURE);
    expect(c.stderr()).toBe('error ANALYSIS.JOB_NOT_FOUND: No analysis job with this id (request req-1)\n');
  });

  it('analyzes with --wait: a progress bar on stderr, the report on stdout', async () => {
    const c = cli(
      json(202, { job_id: 'job-1', status: 'queued' }),
      json(200, job('queued', 'queued', 0)),
      json(200, job('running', 'compute_metrics', 0.2)),
      json(200, done),
    );

    const code = await c.run('analyze', '--from', '2026-03-01', '--to', '2026-03-31', '--prompt', 'Why do Mondays lose?', '--wait', '--markdown');

    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(c.fetch.seen[0]!.body)).toEqual({ sheet_id: 'journal', prompt: 'Why do Mondays lose?', start_date: '2026-03-01', end_date: '2026-03-31' });
    expect(c.stderr()).toContain(`${renderBar(0.2)} compute_metrics\n`);
    expect(c.stderr()).toContain(`${renderBar(1)} completed\n`);
    expect(c.stdout()).toBe('# Coach report\n');
  });

  it('reports a failed job with its code', async () => {
    const c = cli(json(202, { job_id: 'job-1', status: 'queued' }), json(200, job('failed', 'load_journal', 0.05, { error: { code: 'SHEET.NOT_FOUND', message: 'No journal' } })));
    expect(await c.run('analyze', '--prompt', 'why?', '--wait')).toBe(EXIT_FAILURE);
    expect(c.stderr()).toContain('error SHEET.NOT_FOUND: Analysis job job-1 failed: No journal');
  });

  it('prints a report as JSON, or says it is not ready', async () => {
    const ready = cli(json(200, done));
    expect(await ready.run('report', 'job-1')).toBe(EXIT_OK);
    expect(JSON.parse(ready.stdout())).toEqual({ job_id: 'job-1', report: { summary: 'Hold winners longer' }, metrics: { trade_count: 4 } });

    const pending = cli(json(200, job('running', 'synthesize', 0.8)));
    expect(await pending.run('report', 'job-1', '--markdown')).toBe(EXIT_FAILURE);
    expect(pending.stderr()).toContain('is running (synthesize, 80%)');
  });

  it('draws the bar from the job’s progress', () => {
    expect(renderBar(0)).toBe('[------------------------]   0%');
    expect(renderBar(0.5)).toBe('[############------------]  50%');
    expect(renderBar(2)).toBe('[########################] 100%');
  });
});
