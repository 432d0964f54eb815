// Outside-in check of the published SDK: packed, installed into a fresh project outside the workspace, type-checked
// there with nodenext resolution, and run (library and CLI) against a live local API.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './testing/test-server';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const tsc = path.join(root, 'node_modules/.bin/tsc');

// npm variables of an enclosing `npm test` would point child npm commands back at this workspace.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^npm_(package|lifecycle)_/.test(key) && !/^npm_config_(workspaces?|include_workspace_root|prefix|global)$/.test(key) && key !== 'INIT_CWD',
  ),
);
const quiet = { ...childEnv, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

async function sh(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = quiet): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(file, args, { cwd, env, maxBuffer: 64 << 20 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const CONSUMER = `
import { writeFileSync } from 'node:fs';
import { createClient, PecuniaApiError, type CompletedJob, type ImportResult, type SubmitResult } from '@pecunia/sdk';

const baseUrl = process.env['PECUNIA_API_URL'];
const apiKey = process.env['PECUNIA_API_KEY'];
if (!baseUrl || !apiKey) throw new Error('PECUNIA_API_URL and PECUNIA_API_KEY are required');
const pecunia = createClient({ baseUrl, apiKey, userAgent: 'sdk-e2e' });

// Types must be real, not any: a path the API does not have does not compile.
// @ts-expect-error unknown path
const typeOnly = () => pecunia.GET('/api/not-a-route');
void typeOnly;

const submitted: SubmitResult = await pecunia.submitTrade(
  { content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' },
  { sheetId: 'e2e-journal' },
);
if (submitted.status !== 'created') throw new Error('expected the trade to be stored, got ' + JSON.stringify(submitted));
const ticker: string = submitted.trade.ticker;

// A broker export, streamed as multipart with progress: 10 MSFT +1.00 each, 1.00 fee per fill → +8.
const fills = 'Account,Symbol,Side,Qty,Price,Time,Commission\\nU1,MSFT,Buy,10,400,2026-03-03 10:00:00,1\\nU1,MSFT,Sell,10,401,2026-03-03 10:30:00,1\\n';
const sent: number[] = [];
const imported: ImportResult = await pecunia.importFile(
  { data: new TextEncoder().encode(fills), filename: 'fills.csv' },
  { sheetId: 'e2e-imports', timezone: 'America/New_York', onProgress: (bytes) => sent.push(bytes) },
);
const importSummary = { imported: imported.imported, pnl: imported.trades[0]?.pnl, account: imported.trades[0]?.account, bytesSent: sent.at(-1), fileBytes: fills.length };

// A trade whose chart goes as a file (a streamed multipart form, not base64): from disk by its path, and from bytes.
const chart = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
writeFileSync('chart.png', chart);
const fileProgress: number[] = [];
const logged = await pecunia.logTrade(
  {
    ticker: 'msft',
    position_type: 'long',
    pnl: 12,
    entry_timestamp: '2026-03-04T10:00',
    exit_timestamp: '2026-03-04T11:00',
    attachments: [{ path: 'chart.png' }, { data: new Uint8Array([...chart, 0]), filename: 'chart-2.png' }],
  },
  { sheetId: 'e2e-files', onProgress: (sent) => fileProgress.push(sent) },
);
const served = await pecunia.getMedia(logged.attachments[0]!.id);
const formSummary = {
  ticker: logged.trade.ticker,
  attachments: logged.attachments.map((a) => [a.filename, a.mime_type, a.size]),
  servedIsChart: Buffer.from(served.data).equals(chart),
  bytesSent: fileProgress.at(-1),
};

let problemCode = '';
try {
  await pecunia.getAnalysisJob('no-such-job');
} catch (error) {
  if (error instanceof PecuniaApiError) problemCode = error.code;
}

const created = await pecunia.createAnalysisJob({ sheet_id: 'e2e-journal', prompt: 'What should I work on first?' });
const stages: string[] = [];
const job: CompletedJob = await pecunia.waitForJob(created.job_id, {
  intervalMs: 200,
  timeoutMs: 90_000,
  onProgress: (p) => stages.push(p.stage),
});
const netPnl: number = job.metrics.net_pnl;
console.log(JSON.stringify({ ticker, jobId: job.job_id, status: job.status, reportMarkdown: job.report_markdown, tradeCount: job.metrics.trade_count, netPnl, problemCode, stages, importSummary, formSummary }));
`;

// The CommonJS entry point, through require() after compilation.
const CONSUMER_CJS = `
import { createClient, PecuniaApiError } from '@pecunia/sdk';
const client = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
console.log(JSON.stringify({ createClient: typeof createClient, apiError: typeof PecuniaApiError, waitForJob: typeof client.waitForJob, get: typeof client.GET }));
`;

describe('@pecunia/sdk as a consumer installs it', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let api: TestServer;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'pecunia-sdk-e2e-'));
    project = path.join(work, 'consumer');
    // prepack builds dist/ first, so the tarball holds exactly what would be published.
    await sh('npm', ['pack', '-w', '@pecunia/sdk', '--pack-destination', work, '--silent'], root);
    const packed = readdirSync(work).find((f) => /^pecunia-sdk-.*\.tgz$/.test(f));
    if (!packed) throw new Error(`npm pack wrote no tarball into ${work}`);
    tarball = path.join(work, packed);

    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'pecunia-sdk-consumer', private: true, type: 'module' }, null, 2));
    await sh('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], project);

    writeFileSync(path.join(project, 'consumer.ts'), CONSUMER);
    writeFileSync(path.join(project, 'consumer-cjs.cts'), CONSUMER_CJS);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023'],
          strict: true,
          outDir: 'dist',
          rootDir: '.',
          // The consumer has no @types/node of its own; the workspace's is the same one a user would install.
          typeRoots: [path.join(root, 'node_modules/@types')],
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.ts', 'consumer-cjs.cts'],
      }),
    );
    api = await startTestServer();
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('type-checks against the packed types (nodenext, ESM and CJS) and runs both entry points', async () => {
    await sh(tsc, ['-p', 'tsconfig.json'], project);

    const cjs = await sh(process.execPath, ['dist/consumer-cjs.cjs'], project);
    expect(JSON.parse(cjs.stdout)).toEqual({ createClient: 'function', apiError: 'function', waitForJob: 'function', get: 'function' });

    // Runs asynchronously: the API answering it lives in this process.
    const { stdout } = await sh(process.execPath, ['dist/consumer.js'], project, { ...quiet, PECUNIA_API_URL: api.url, PECUNIA_API_KEY: api.key });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({ ticker: 'AAPL', status: 'completed', problemCode: 'ANALYSIS.JOB_NOT_FOUND', tradeCount: 1, netPnl: 185 });
    expect(result['reportMarkdown']).toEqual(expect.stringMatching(/\S/));
    expect(result['importSummary']).toEqual({ imported: 1, pnl: 8, account: 'U1', bytesSent: 129, fileBytes: 129 });
    expect(result['formSummary']).toEqual({
      ticker: 'MSFT',
      attachments: [
        ['chart.png', 'image/png', 70],
        ['chart-2.png', 'image/png', 71],
      ],
      servedIsChart: true,
      bytesSent: 141,
    });

    // The installed CLI reads the same report.
    const cli = path.join(project, 'node_modules/.bin/pecunia');
    const env = { ...quiet, PECUNIA_API_URL: api.url, PECUNIA_API_KEY: api.key };
    const markdown = await sh(cli, ['report', String(result['jobId']), '--markdown'], project, env);
    expect(markdown.stdout.trim()).toBe(String(result['reportMarkdown']).trim());

    // The CLI imports the same export again: nothing new is written.
    writeFileSync(path.join(project, 'fills.csv'), 'Account,Symbol,Side,Qty,Price,Time,Commission\nU1,MSFT,Buy,10,400,2026-03-03 10:00:00,1\nU1,MSFT,Sell,10,401,2026-03-03 10:30:00,1\n');
    const again = await sh(cli, ['import', 'fills.csv', '--sheet', 'e2e-imports', '--timezone', 'America/New_York'], project, env);
    expect(JSON.parse(again.stdout)).toMatchObject({ format: 'generic', imported: 0, duplicates_skipped: 1 });
    expect(again.stderr).toContain('Imported 0 trade(s) from generic (2 fills); 1 already in the journal.');

    // The CLI logs a trade with its chart attached: sent as a file in a multipart form.
    const logged = await sh(
      cli,
      ['trade', '--ticker', 'aapl', '--side', 'long', '--pnl', '5', '--entry', '2026-03-05T10:00', '--exit', '2026-03-05T10:30', '--attach', 'chart.png', '--sheet', 'e2e-cli-files'],
      project,
      env,
    );
    expect(JSON.parse(logged.stdout)).toMatchObject({ trade: { ticker: 'AAPL' }, attachments: [{ filename: 'chart.png', mime_type: 'image/png', size: 70 }] });

    const missing = await exec(cli, ['report', 'no-such-job'], { cwd: project, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error ANALYSIS.JOB_NOT_FOUND: No analysis job with this id');
  }, 240_000);

  it('has correct types for node10, node16 (CJS and ESM) and bundlers (arethetypeswrong)', async () => {
    // The tarball checked is the one installed above: attw --pack would pack (and build) a second one.
    // attw exits non-zero when it finds problems; its JSON report is on stdout either way.
    const { stdout } = await exec('npx', ['--no', 'attw', tarball, '--format', 'json'], { cwd: root, env: quiet, maxBuffer: 64 << 20 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const report = JSON.parse(stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
  }, 120_000);
});
