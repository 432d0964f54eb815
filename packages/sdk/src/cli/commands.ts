// The CLI's commands (submit, trade, analyze, report, its page): flags in, one SDK call, result on stdout, exit code out.
import path from 'node:path';
import type { PecuniaClient } from '../client';
import { PecuniaJobFailedError } from '../errors';
import type { AttachmentFile, WithAttachments } from '../trade-files';
import type { Job, LogTradeRequest, SubmitTradeRequest } from '../types';
import { flag, number, parse, TARGET_OPTIONS, text, texts, TRADE_FIELD_OPTIONS, tradeFields, UsageError, type Values } from './args';
import { mimeTypeOf } from '../mime';
import { progressBar } from './progress-bar';
import { saveReportPage } from './report-page';

export interface CommandIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  readFile(file: string): Promise<Uint8Array>;
  writeFile(file: string, text: string): Promise<void>;
  /** A new folder only this user can read, for a file the CLI hands to another program (the report page it opens). */
  tempDir(): Promise<string>;
  /** Opens a file with the platform's opener (`xdg-open`, `open`, `start`); tests pass one that records the file. */
  openFile(file: string): Promise<void>;
  /** Aborted on Ctrl-C: a wait stops cleanly. */
  signal?: AbortSignal;
}

export interface CommandContext {
  client: PecuniaClient;
  io: CommandIo;
}

const DEFAULT_SHEET = 'journal';

const printJson = (io: CommandIo, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function target(values: Values, io: CommandIo) {
  return {
    sheetId: text(values, 'sheet') ?? io.env['PECUNIA_SHEET_ID'] ?? DEFAULT_SHEET,
    sheetRange: text(values, 'range'),
    timezone: text(values, 'timezone'),
    idempotencyKey: text(values, 'idempotency-key'),
    signal: io.signal,
  };
}

/** The files of `--attach`, typed from their extension: sent as files (a streamed form), not as base64. */
async function attachments(files: string[], io: CommandIo): Promise<AttachmentFile[]> {
  return Promise.all(
    files.map(async (file) => {
      const filename = path.basename(file);
      const mimeType = mimeTypeOf(filename);
      if (!mimeType) throw new UsageError(`--attach ${file}: the type cannot be told from its extension (use an image, audio or video file such as .png or .mp3)`);
      return { filename, mimeType, data: await io.readFile(file) };
    }),
  );
}

/** `pecunia submit "text" [--attach f]… [--sheet id] [trade field flags]` */
export async function submit(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { ...TARGET_OPTIONS, ...TRADE_FIELD_OPTIONS });
  const content = positionals.join(' ').trim();
  if (!content) throw new UsageError('submit needs the trade in your own words: pecunia submit "Bought 100 AAPL at 189.20 …"');
  const files = await attachments(texts(values, 'attach'), io);
  const body = { ...tradeFields(values), content, ...(files.length ? { attachments: files } : {}) } as WithAttachments<SubmitTradeRequest>;
  const result = await client.submitTrade(body, target(values, io));
  printJson(io, result);
  if (result.status === 'needs_more_info') {
    const flags = { ticker: '--ticker', position_type: '--side', pnl: '--pnl', entry_timestamp: '--entry', exit_timestamp: '--exit' };
    io.stderr.write(`Not stored: the text does not say ${result.missing_fields.join(', ')}. Run it again with ${result.missing_fields.map((f) => flags[f]).join(' ')}.\n`);
    return 1;
  }
  return 0;
}

/** `pecunia trade --ticker … --pnl … --side long --entry … --exit … [--attach f]…` */
export async function trade(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { ...TARGET_OPTIONS, ...TRADE_FIELD_OPTIONS });
  if (positionals.length > 0) throw new UsageError(`trade takes flags only; unexpected "${positionals[0]}"`);
  const fields = tradeFields(values);
  const missing = [['ticker', 'ticker'], ['position_type', 'side'], ['pnl', 'pnl'], ['entry_timestamp', 'entry'], ['exit_timestamp', 'exit']]
    .filter(([field]) => fields[field!] === undefined)
    .map(([, name]) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`trade needs ${missing.join(', ')}`);
  const files = await attachments(texts(values, 'attach'), io);
  const body = { ...fields, ...(files.length ? { attachments: files } : {}) } as WithAttachments<LogTradeRequest>;
  printJson(io, await client.logTrade(body, target(values, io)));
  return 0;
}

function printReport(io: CommandIo, job: Job, markdown: boolean): void {
  if (markdown) io.stdout.write(job.report_markdown?.endsWith('\n') ? job.report_markdown : `${job.report_markdown ?? ''}\n`);
  else printJson(io, { job_id: job.job_id, report: job.report, metrics: job.metrics });
}

/** `pecunia analyze --prompt "…" [--from d] [--to d] [--sheet id] [--wait [--markdown]]` */
export async function analyze(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {
    ...TARGET_OPTIONS,
    prompt: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    wait: { type: 'boolean' },
    markdown: { type: 'boolean' },
    interval: { type: 'string' },
    timeout: { type: 'string' },
  });
  const prompt = text(values, 'prompt') ?? (positionals.join(' ').trim() || undefined);
  if (!prompt) throw new UsageError('analyze needs --prompt "the question for your coach"');
  if (flag(values, 'markdown') && !flag(values, 'wait')) {
    throw new UsageError('--markdown prints the finished report, so it needs --wait (or use: pecunia report <job_id> --markdown)');
  }
  const { sheetId, sheetRange, timezone } = target(values, io);
  const from = text(values, 'from');
  const to = text(values, 'to');
  const created = await client.createAnalysisJob({
    sheet_id: sheetId,
    prompt,
    ...(sheetRange ? { sheet_range: sheetRange } : {}),
    ...(timezone ? { timezone } : {}),
    ...(from ? { start_date: from } : {}),
    ...(to ? { end_date: to } : {}),
  }, { signal: io.signal });
  if (!flag(values, 'wait')) {
    printJson(io, created);
    return 0;
  }
  io.stderr.write(`Job ${created.job_id} queued; waiting for the report (Ctrl-C stops waiting, not the job).\n`);
  const bar = progressBar(io.stderr);
  try {
    const job = await client.waitForJob(created.job_id, {
      onProgress: (p) => bar.update(p),
      signal: io.signal,
      intervalMs: number(values, 'interval'),
      timeoutMs: ((s) => (s === undefined ? undefined : s * 1000))(number(values, 'timeout')),
    });
    bar.done();
    printReport(io, job, flag(values, 'markdown'));
    return 0;
  } finally {
    bar.done();
  }
}

/** `pecunia report <job_id> [--markdown | --html FILE | --open]` */
export async function report(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { markdown: { type: 'boolean' }, html: { type: 'string' }, open: { type: 'boolean' } });
  const jobId = positionals[0];
  if (!jobId || positionals.length > 1) throw new UsageError('report needs one job id: pecunia report <job_id> [--markdown | --html FILE | --open]');
  const html = text(values, 'html');
  if (html !== undefined || flag(values, 'open')) {
    if (flag(values, 'markdown')) throw new UsageError('--markdown prints the report; --html and --open save its page: choose one');
    if (html === '') throw new UsageError('--html needs the file to write the page to');
    const page = await client.getReportHtml(jobId, { signal: io.signal });
    return saveReportPage(page, jobId, { ...(html === undefined ? {} : { file: html }), open: flag(values, 'open') }, io);
  }
  const job = await client.getAnalysisJob(jobId, { signal: io.signal });
  if (job.status === 'failed') throw new PecuniaJobFailedError(job);
  if (job.status !== 'completed') {
    io.stderr.write(`Job ${job.job_id} is ${job.status} (${job.stage}, ${Math.round(job.progress * 100)}%); no report yet. Try again later.\n`);
    return 1;
  }
  printReport(io, job, flag(values, 'markdown'));
  return 0;
}
