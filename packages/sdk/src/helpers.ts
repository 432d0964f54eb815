// Task-shaped calls over the typed client: they return the body of a success and throw a PecuniaError otherwise.
import type { Client } from 'openapi-fetch';
import { apiErrorFrom, PecuniaClientError } from './errors';
import type { paths } from './generated/api';
import { sendImport, type ImportFileInput } from './import-file';
import type { Sleep } from './retry';
import { asForm, sendTradeForm, type WithAttachments } from './trade-files';
import type {
  CaptureResult,
  CompletedJob,
  CreateAnalysisJobRequest,
  GoogleAuthorization,
  GoogleConnected,
  GoogleDisconnected,
  ImportFileOptions,
  ImportResult,
  Job,
  JobCreated,
  JobSummary,
  LogTradeRequest,
  ShareLink,
  SubmitResult,
  SubmitTradeRequest,
  TradePage,
  WeeklySchedule,
  WeeklyScheduleRequest,
} from './types';
import { waitForJob, type WaitForJobOptions } from './wait-for-job';

export interface CallOptions {
  signal?: AbortSignal;
}

/** Where a trade goes, and how its times are read. */
export interface TradeTarget extends CallOptions {
  sheetId: string;
  /** Tab and start cell, e.g. `Journal!A1` (the API's default). */
  sheetRange?: string;
  /** IANA zone for times written without offset. */
  timezone?: string;
  /** Sent as Idempotency-Key; a random UUID when omitted. Reuse it to retry a write safely. */
  idempotencyKey?: string;
  /**
   * Attachments given as files: called as their bytes are sent in Node; in browsers only at the start and after a
   * success (a fetch does not tell how much of a Blob has gone). `total` is undefined when a stream's size is not known.
   */
  onProgress?: (sent: number, total: number | undefined) => void;
}

export interface ListTradesQuery extends CallOptions {
  sheetId: string;
  sheetRange?: string;
  timezone?: string;
  /** First exit date to include, yyyy-mm-dd. */
  from?: string;
  /** Last exit date to include, yyyy-mm-dd. */
  to?: string;
  limit?: number;
  cursor?: string;
  /** Only trades of this broker account. */
  account?: string;
}

export interface MediaFile {
  data: Uint8Array;
  mimeType: string;
}

export interface PecuniaHelpers {
  /**
   * Logs a structured trade. Attachments go as base64 `{ filename, mime_type, data }` (JSON), or as files —
   * `{ data: Blob | Uint8Array | ReadableStream, filename?, mimeType? }` or, in Node, `{ path }` — sent as
   * `multipart/form-data` (one Blob when every size is known), the better way for large files.
   */
  logTrade(body: WithAttachments<LogTradeRequest>, target: TradeTarget): Promise<CaptureResult>;
  /**
   * `status` says whether the trade was stored (`created`) or which fields are still missing (`needs_more_info`).
   * Attachments as for `logTrade`.
   */
  submitTrade(body: WithAttachments<SubmitTradeRequest>, target: TradeTarget): Promise<SubmitResult>;
  listTrades(query: ListTradesQuery): Promise<TradePage>;
  /**
   * Imports a broker export: fills paired into round trips (net of fees), each written once — importing the same file
   * again writes nothing new (`duplicates_skipped`). Positions still open are reported, not written.
   */
  importFile(file: ImportFileInput, options: ImportFileOptions): Promise<ImportResult>;
  getMedia(id: string, options?: CallOptions): Promise<MediaFile>;
  createAnalysisJob(body: CreateAnalysisJobRequest, options?: CallOptions): Promise<JobCreated>;
  getAnalysisJob(jobId: string, options?: CallOptions): Promise<Job>;
  listAnalysisJobs(options?: CallOptions & { limit?: number }): Promise<JobSummary[]>;
  /** Polls until the job completes (resolves with it) or fails, is aborted or times out (rejects with a PecuniaError). */
  waitForJob(jobId: string, options?: WaitForJobOptions): Promise<CompletedJob>;
  /**
   * Google mode: the consent URL to send the trader to, for journal user `userId`. No key is needed for a new user;
   * reconnecting an existing user needs a client created with that user's key.
   */
  authorizeGoogle(userId: string, options?: CallOptions): Promise<GoogleAuthorization>;
  /** Google mode: finishes a consent with the `code` and `state` Google sent back. A new user's first key is in `api_key`. */
  completeGoogleConnection(body: { code: string; state: string }, options?: CallOptions): Promise<GoogleConnected>;
  /** Google mode: revokes the grant at Google and forgets the tokens; the trader's Drive and Sheet keep their data. */
  disconnectGoogle(options?: CallOptions): Promise<GoogleDisconnected>;
  /**
   * Creates or replaces the caller's weekly analysis of the previous 7 days. It replaces the whole
   * schedule: `sheet_range`, `prompt` and `timezone` left out take their defaults again.
   */
  setWeeklySchedule(body: WeeklyScheduleRequest, options?: CallOptions): Promise<WeeklySchedule>;
  /** The caller's weekly schedule; rejects with code `SCHEDULE.NOT_FOUND` when none is set. */
  getWeeklySchedule(options?: CallOptions): Promise<WeeklySchedule>;
  /** Removes the caller's weekly schedule; rejects with code `SCHEDULE.NOT_FOUND` when none is set. */
  deleteWeeklySchedule(options?: CallOptions): Promise<void>;
  /**
   * A completed job's report as one self-contained HTML page (no script, nothing loaded from elsewhere): save it and
   * open it in a browser. Rejects with `ANALYSIS.JOB_NOT_COMPLETED` (409) until the job has completed.
   */
  getReportHtml(jobId: string, options?: CallOptions): Promise<string>;
  /**
   * A signed link that opens the report page without an API key, for `expiresIn` seconds (7 days when left out, 60 s
   * to 30 days). Anyone holding `url` can read the report until it expires or is revoked.
   */
  shareReport(jobId: string, options?: CallOptions & { expiresIn?: number }): Promise<ShareLink>;
  /** The job's share links that still open, newest first. */
  listShareLinks(jobId: string, options?: CallOptions): Promise<ShareLink[]>;
  /** Revokes one share link of the job (by its `id`), or every one of them when `shareId` is left out. */
  revokeShare(jobId: string, shareId?: string, options?: CallOptions): Promise<void>;
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Sends one call: network failures become PecuniaClientError, error answers PecuniaApiError. */
async function succeeded<T>(signal: AbortSignal | undefined, send: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  let outcome: Outcome<T>;
  try {
    outcome = await send();
  } catch (error) {
    if (signal?.aborted) throw new PecuniaClientError('CLIENT.ABORTED', 'The request was aborted', { cause: signal.reason });
    throw new PecuniaClientError('CLIENT.NETWORK', `The API could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (outcome.error !== undefined || !outcome.response.ok) throw apiErrorFrom(outcome.error, outcome.response);
  return outcome;
}

/** Runs one call and returns the body of its success. */
async function call<T>(signal: AbortSignal | undefined, send: () => Promise<Outcome<T>>): Promise<T> {
  const { data, response } = await succeeded(signal, send);
  if (data === undefined) throw new PecuniaClientError('CLIENT.UNEXPECTED_RESPONSE', `The API answered ${response.status} without a body`);
  return data;
}

/** Runs one call whose success has no body (204). */
async function callWithoutBody(signal: AbortSignal | undefined, send: () => Promise<Outcome<unknown>>): Promise<void> {
  await succeeded(signal, send);
}

const targetQuery = (t: TradeTarget) => ({
  sheet_id: t.sheetId,
  ...(t.sheetRange === undefined ? {} : { sheet_range: t.sheetRange }),
  ...(t.timezone === undefined ? {} : { timezone: t.timezone }),
});

const keyHeader = (t: TradeTarget) => (t.idempotencyKey === undefined ? {} : { 'Idempotency-Key': t.idempotencyKey });

const formOptions = (t: TradeTarget) => ({ query: targetQuery(t), headers: keyHeader(t), signal: t.signal, onProgress: t.onProgress });

export function createHelpers(api: Client<paths>, deps: { sleep: Sleep; now?: () => number }): PecuniaHelpers {
  const helpers: PecuniaHelpers = {
    logTrade: async (body, target) => {
      const form = await asForm(body);
      return call(target.signal, () =>
        form
          ? (sendTradeForm(api, '/api/trades', form, formOptions(target)) as Promise<Outcome<CaptureResult>>)
          : api.POST('/api/trades', { params: { query: targetQuery(target), header: keyHeader(target) }, body: body as LogTradeRequest, signal: target.signal }),
      );
    },

    submitTrade: async (body, target) => {
      const form = await asForm(body);
      return call(target.signal, () =>
        form
          ? (sendTradeForm(api, '/api/trades/submit', form, formOptions(target)) as Promise<Outcome<SubmitResult>>)
          : api.POST('/api/trades/submit', { params: { query: targetQuery(target), header: keyHeader(target) }, body: body as SubmitTradeRequest, signal: target.signal }),
      );
    },

    listTrades: ({ signal, sheetId, sheetRange, timezone, from, to, limit, cursor, account }) =>
      call(signal, () =>
        api.GET('/api/trades', {
          params: { query: { sheet_id: sheetId, sheet_range: sheetRange, timezone, from, to, limit, cursor, account } },
          signal,
        }),
      ),

    importFile: (file, options) => call(options.signal, () => sendImport(api, file, options)),

    getMedia: async (id, options = {}) => {
      let mimeType = 'application/octet-stream';
      const buffer = await call(options.signal, async () => {
        const result = await api.GET('/api/media/{id}', { params: { path: { id } }, parseAs: 'arrayBuffer', signal: options.signal });
        mimeType = result.response.headers.get('content-type') ?? mimeType;
        return result;
      });
      return { data: new Uint8Array(buffer), mimeType };
    },

    createAnalysisJob: (body, options = {}) => call(options.signal, () => api.POST('/api/analysis/jobs', { body, signal: options.signal })),

    getAnalysisJob: (jobId, options = {}) =>
      call(options.signal, () => api.GET('/api/analysis/jobs/{job_id}', { params: { path: { job_id: jobId } }, signal: options.signal })),

    listAnalysisJobs: async (options = {}) => {
      const { signal, limit } = options;
      const list = await call(signal, () => api.GET('/api/analysis/jobs', { params: { query: { limit } }, signal }));
      return list.jobs;
    },

    waitForJob: (jobId, options = {}) => waitForJob((id, signal) => helpers.getAnalysisJob(id, { signal }), jobId, options, deps),

    authorizeGoogle: (userId, options = {}) =>
      call(options.signal, () => api.GET('/api/auth/google/authorize', { params: { query: { user_id: userId } }, signal: options.signal })),

    completeGoogleConnection: (body, options = {}) =>
      call(options.signal, () => api.POST('/api/auth/google/callback', { body, signal: options.signal })),

    disconnectGoogle: (options = {}) => call(options.signal, () => api.DELETE('/api/auth/google/connection', { signal: options.signal })),

    setWeeklySchedule: (body, options = {}) => call(options.signal, () => api.PUT('/api/schedules/weekly', { body, signal: options.signal })),

    getWeeklySchedule: (options = {}) => call(options.signal, () => api.GET('/api/schedules/weekly', { signal: options.signal })),

    deleteWeeklySchedule: (options = {}) => callWithoutBody(options.signal, () => api.DELETE('/api/schedules/weekly', { signal: options.signal })),

    getReportHtml: (jobId, options = {}) =>
      call(options.signal, () =>
        api.GET('/api/analysis/jobs/{job_id}/report.html', { params: { path: { job_id: jobId } }, headers: { Accept: 'text/html' }, parseAs: 'text', signal: options.signal }),
      ),

    shareReport: (jobId, options = {}) =>
      call(options.signal, () =>
        api.POST('/api/analysis/jobs/{job_id}/share', {
          params: { path: { job_id: jobId } },
          body: options.expiresIn === undefined ? {} : { expires_in: options.expiresIn },
          signal: options.signal,
        }),
      ),

    listShareLinks: async (jobId, options = {}) => {
      const list = await call(options.signal, () => api.GET('/api/analysis/jobs/{job_id}/share', { params: { path: { job_id: jobId } }, signal: options.signal }));
      return list.links;
    },

    revokeShare: (jobId, shareId, options = {}) =>
      callWithoutBody(options.signal, () =>
        shareId === undefined
          ? api.DELETE('/api/analysis/jobs/{job_id}/share', { params: { path: { job_id: jobId } }, signal: options.signal })
          : api.DELETE('/api/analysis/jobs/{job_id}/share/{share_id}', { params: { path: { job_id: jobId, share_id: shareId } }, signal: options.signal }),
      ),
  };
  return helpers;
}
