// The operations of the API document: one registerPath per route, with the zod schemas that route validates with.
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  authorizeQuerySchema,
  callbackBodySchema,
  callbackQuerySchema,
  createJobBodySchema,
  listJobsQuerySchema,
  listTradesQuerySchema,
  logTradeBodySchema,
  sheetQuerySchema,
  tradeIdParamsSchema,
  submitTradeBodySchema,
  weeklyScheduleBodySchema,
} from '../http/schemas';
import { FORMATS_TEXT, importJsonRequest, importMultipartRequest, importQuery, importResultSchema } from './import-operations';
import { PROBLEM_RESPONSES, type ProblemStatus } from './problem-responses';
import { logTradeForm, submitTradeForm, TRADE_FORM_ENCODING } from './trade-forms';
import { jobReportSchema, shareLinkListSchema, shareLinkSchema, shareReportRequest } from './report-schemas';
import {
  authorizationSchema,
  captureResultSchema,
  connectedSchema,
  disconnectedSchema,
  healthSchema,
  jobCreatedSchema,
  jobListSchema,
  jobSchema,
  needsMoreInfoSchema,
  storedTradeSchema,
  readinessSchema,
  submitCreatedSchema,
  tradePageSchema,
  weeklyScheduleSchema,
} from './response-schemas';

// Request bodies get their component names here, once, so the request schemas themselves stay free of docs.
const logTradeRequest = logTradeBodySchema.meta({
  id: 'LogTradeRequest',
  description:
    'A structured trade. Attachments are base64 `{filename, mime_type, data}` (image/*, audio/*, video/*; 15 MB and 10 files at most); ' +
    'large files are better sent as `multipart/form-data` (LogTradeForm), streamed rather than encoded.',
  example: { ticker: 'AAPL', position_type: 'long', pnl: 185, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15', notes: 'Clean breakout' },
});
const submitTradeRequest = submitTradeBodySchema.meta({
  id: 'SubmitTradeRequest',
  description: 'The trade in the trader’s own words; any trade field sent beside `content` wins over what is extracted.',
  example: { content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' },
});
const createJobRequest = createJobBodySchema.meta({
  id: 'CreateAnalysisJobRequest',
  description: 'What to analyse: a journal, an optional date range (inclusive, by exit date) and the question for the coach.',
  example: { sheet_id: 'my-journal', prompt: 'Why do my Monday trades lose?', start_date: '2026-03-01', end_date: '2026-03-31' },
});
const weeklyScheduleRequest = weeklyScheduleBodySchema.meta({
  id: 'WeeklyScheduleRequest',
  description:
    'The journal and question of the weekly analysis. Replaces the whole schedule: `sheet_range` (default `Journal!A1`), ' +
    '`prompt` (default: how the week went and what to change) and `timezone` (default: the server’s) take their defaults when left out.',
  example: { sheet_id: 'my-journal', prompt: 'Where did I give back profits this week?', timezone: 'America/New_York', enabled: true },
});

const PARAM_DOCS: Record<string, string> = {
  sheet_id: 'The journal (spreadsheet id, or any name in local mode).',
  sheet_range: 'Tab and start cell, e.g. `Journal!A1` (default).',
  timezone: 'IANA zone for times written without offset and for date filters (default: the server’s, usually UTC).',
  from: 'First exit date to include (yyyy-mm-dd, inclusive).',
  to: 'Last exit date to include (yyyy-mm-dd, inclusive).',
  limit: 'Page size.',
  cursor: 'The `next_cursor` of the previous page.',
};

/** The same query schema, with a description on each parameter the document names. */
function described<S extends z.ZodObject>(schema: S): S {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const description = PARAM_DOCS[key];
    shape[key] = description ? field.meta({ description }) : field;
  }
  return schema.extend(shape) as unknown as S;
}

const sheetQuery = described(sheetQuerySchema);
const listTradesQuery = described(listTradesQuerySchema);
const listJobsQuery = listJobsQuerySchema.extend({ limit: listJobsQuerySchema.shape.limit.meta({ description: 'How many jobs, 1–100 (default 20).' }) });
const jobIdParams = z.object({ job_id: z.string().meta({ description: 'The `job_id` returned when the job was created.' }) });
const mediaIdParams = z.object({ id: z.string().meta({ description: 'Id of the stored file (from the trade’s `file_links`).' }) });

const REQUEST_ID = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
const idempotencyKey = { $ref: '#/components/parameters/IdempotencyKey' };

function ok(description: string, schema: z.ZodType, headers: Record<string, unknown> = {}): ResponseConfig {
  return { description, headers: { ...REQUEST_ID, ...headers } as ResponseConfig['headers'], content: { 'application/json': { schema } } };
}

function problems(...statuses: ProblemStatus[]): Record<string, { $ref: string }> {
  // Every operation but the health checks is under a request quota.
  const all = [...new Set<ProblemStatus>([...statuses, 429])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((status) => [String(status), { $ref: `#/components/responses/${PROBLEM_RESPONSES[status][0]}` }]));
}

const location = { Location: { description: 'Where the created resource can be read.', schema: { type: 'string' } } };
const replayed = {
  'Idempotent-Replayed': { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.', schema: { type: 'string' } },
};
const open = { security: [] };

export function registerOperations(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/imports',
    operationId: 'importFile',
    tags: ['Imports'],
    summary: 'Import a broker export',
    description:
      `Reads a broker export (${FORMATS_TEXT}), pairs its fills into flat-to-flat round trips (FIFO, net of every fee, ` +
      'futures point values applied) and appends the new ones to the journal in one write. Importing the same file, or an ' +
      'overlapping later export, writes no trade twice (so no Idempotency-Key is needed). Rows that cannot be read are listed ' +
      'in `rejected_rows` and the rest imports, unless `strict=true`. `dry_run=true` answers the same without writing.',
    request: {
      query: described(importQuery),
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: importMultipartRequest }, 'application/json': { schema: importJsonRequest } },
      },
    },
    responses: {
      200: ok('A dry run, or nothing new to write.', importResultSchema),
      201: ok('New trades were written.', importResultSchema),
      ...problems(400, 401, 404, 413, 415, 500, 502),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/trades',
    operationId: 'logTrade',
    tags: ['Trades'],
    summary: 'Log a structured trade',
    description:
      'Validates the trade and every attachment, stores the files, then appends one row to the journal. Files go as base64 ' +
      'in JSON, or — better for large ones — as `multipart/form-data`: a `trade` part (JSON), then one `attachments` part per ' +
      'file, each streamed to storage as it arrives.',
    parameters: [idempotencyKey],
    request: {
      query: sheetQuery,
      body: {
        required: true,
        content: {
          'application/json': { schema: logTradeRequest },
          'multipart/form-data': { schema: logTradeForm, encoding: TRADE_FORM_ENCODING },
        },
      },
    },
    responses: {
      201: ok('The trade was stored.', captureResultSchema, { ...location, ...replayed }),
      ...problems(400, 401, 409, 413, 415, 422, 500, 502),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/trades/submit',
    operationId: 'submitTrade',
    tags: ['Trades'],
    summary: 'Submit a trade as a narrative',
    description:
      'Extracts the trade fields from the text; fields sent beside `content` win. When required fields are still missing, ' +
      'nothing is written and `202` names them: send them with the same content. As JSON (files in base64), or as ' +
      '`multipart/form-data`: a `trade` part (JSON), then one `attachments` part per file.',
    parameters: [idempotencyKey],
    request: {
      query: sheetQuery,
      body: {
        required: true,
        content: {
          'application/json': { schema: submitTradeRequest },
          'multipart/form-data': { schema: submitTradeForm, encoding: TRADE_FORM_ENCODING },
        },
      },
    },
    responses: {
      201: ok('The trade was extracted and stored.', submitCreatedSchema, { ...location, ...replayed }),
      202: ok('Required fields are missing; nothing was written.', needsMoreInfoSchema, replayed),
      ...problems(400, 401, 409, 413, 415, 422, 500, 502),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/trades',
    operationId: 'listTrades',
    tags: ['Trades'],
    summary: 'List trades',
    description: 'The caller’s trades in one tab, filtered by exit date (inclusive, in `timezone`), oldest first, paged.',
    request: { query: listTradesQuery },
    responses: { 200: ok('A page of trades.', tradePageSchema), ...problems(400, 401, 404, 500, 502) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/trades/{trade_id}',
    operationId: 'getTrade',
    tags: ['Trades'],
    summary: 'Read one trade',
    description:
      'One of the caller’s trades, from the tab `sheet_id` and `sheet_range` name (the `Location` of a created trade carries them). ' +
      '`404 TRADE.NOT_FOUND` when the tab holds no such trade; another user’s journal answers `404 SHEET.NOT_FOUND`, as a missing one does.',
    request: { params: tradeIdParamsSchema, query: sheetQuery },
    responses: { 200: ok('The trade.', storedTradeSchema), ...problems(400, 401, 404, 500, 502) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/media/{id}',
    operationId: 'getMedia',
    tags: ['Media'],
    summary: 'Download an attachment',
    description: 'A stored attachment, to its owner only.',
    request: { params: mediaIdParams },
    responses: {
      200: {
        description: 'The file, with its stored type.',
        headers: REQUEST_ID,
        content: {
          'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
          'audio/*': { schema: { type: 'string', contentMediaType: 'audio/*' } },
          'video/*': { schema: { type: 'string', contentMediaType: 'video/*' } },
        },
      },
      ...problems(401, 404, 500),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/analysis/jobs',
    operationId: 'createAnalysisJob',
    tags: ['Analysis'],
    summary: 'Start an analysis',
    description: 'Stores the job as queued and queues it. Poll `GET /api/analysis/jobs/{job_id}` until it is completed or failed.',
    parameters: [idempotencyKey],
    request: { body: { required: true, content: { 'application/json': { schema: createJobRequest } } } },
    responses: { 202: ok('The job is queued.', jobCreatedSchema, location), ...problems(400, 401, 409, 413, 415, 422, 500, 503) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/analysis/jobs',
    operationId: 'listAnalysisJobs',
    tags: ['Analysis'],
    summary: 'List recent analysis jobs',
    request: { query: listJobsQuery },
    responses: { 200: ok('The caller’s recent jobs, newest first.', jobListSchema), ...problems(400, 401, 500) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/analysis/jobs/{job_id}',
    operationId: 'getAnalysisJob',
    tags: ['Analysis'],
    summary: 'Read an analysis job',
    description: 'Status, stage and progress; once completed, the report, its Markdown and the metrics. Other users get 404.',
    request: { params: jobIdParams },
    responses: { 200: ok('The job.', jobSchema), ...problems(401, 404, 500) },
  });

  const html = (description: string): ResponseConfig => ({ description, headers: REQUEST_ID, content: { 'text/html': { schema: { type: 'string' } } } });
  const PAGE =
    'The report as one self-contained HTML page: no script, nothing loaded from elsewhere, served with a Content-Security-Policy ' +
    'that allows only its own stylesheet. `409 ANALYSIS.JOB_NOT_COMPLETED` until the job has completed; other users get 404.';

  registry.registerPath({
    method: 'get',
    path: '/api/analysis/jobs/{job_id}/report',
    operationId: 'getReport',
    tags: ['Analysis'],
    summary: 'Read a job’s report',
    description: `The HTML page when \`Accept\` prefers \`text/html\` (a browser); JSON otherwise, \`*/*\` and no \`Accept\` included. ${PAGE}`,
    request: { params: jobIdParams },
    responses: {
      200: { ...ok('The report.', jobReportSchema), content: { 'application/json': { schema: jobReportSchema }, 'text/html': { schema: { type: 'string' } } } },
      ...problems(401, 404, 409, 500),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/analysis/jobs/{job_id}/report.html',
    operationId: 'getReportHtml',
    tags: ['Analysis'],
    summary: 'Read a job’s report page (HTML)',
    description: PAGE,
    request: { params: jobIdParams },
    responses: { 200: html('The report page.'), ...problems(401, 404, 409, 500) },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/analysis/jobs/{job_id}/share',
    operationId: 'shareReport',
    tags: ['Analysis'],
    summary: 'Share a report page',
    description:
      'A new signed link that opens the report page without an API key, for `expires_in` seconds (7 days when left out, 30 days at most), ' +
      'until it expires or is revoked. Each call makes another link. `409 ANALYSIS.JOB_NOT_COMPLETED` until the job has completed.',
    request: { params: jobIdParams, body: { required: false, content: { 'application/json': { schema: shareReportRequest } } } },
    responses: { 201: ok('The link.', shareLinkSchema), ...problems(400, 401, 404, 409, 413, 415, 500) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/analysis/jobs/{job_id}/share',
    operationId: 'listShareLinks',
    tags: ['Analysis'],
    summary: 'List a report’s share links',
    request: { params: jobIdParams },
    responses: { 200: ok('The links that still open.', shareLinkListSchema), ...problems(401, 404, 500) },
  });

  registry.registerPath({
    method: 'delete',
    path: '/api/analysis/jobs/{job_id}/share',
    operationId: 'revokeShareLinks',
    tags: ['Analysis'],
    summary: 'Revoke every share link of a report',
    description: 'Every link of the job answers 404 from now on.',
    request: { params: jobIdParams },
    responses: { 204: { description: 'Revoked (also when there was none).', headers: REQUEST_ID }, ...problems(401, 404, 500) },
  });

  registry.registerPath({
    method: 'delete',
    path: '/api/analysis/jobs/{job_id}/share/{share_id}',
    operationId: 'revokeShareLink',
    tags: ['Analysis'],
    summary: 'Revoke one share link',
    description: 'The link answers 404 from now on; revoking it again is fine. `404 SHARE.NOT_FOUND` when the job has no link with this id.',
    request: { params: jobIdParams.extend({ share_id: z.string().meta({ description: 'The link’s `id`.' }) }) },
    responses: { 204: { description: 'Revoked.', headers: REQUEST_ID }, ...problems(401, 404, 500) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/shared/reports/{token}',
    operationId: 'openSharedReport',
    tags: ['Analysis'],
    summary: 'Open a shared report page',
    description:
      'Where a share link points; no key needed. The page as `GET …/report.html` serves it (Drive attachment links kept, links to ' +
      '`/api/media` left out), never cached or indexed. A tampered, expired, revoked or unknown link is one 404 whose body is the ' +
      'same whatever the reason.',
    ...open,
    request: { params: z.object({ token: z.string().meta({ description: 'The last segment of the link’s `url`.' }) }) },
    responses: { 200: html('The report page.'), ...problems(404, 500) },
  });

  registry.registerPath({
    method: 'put',
    path: '/api/schedules/weekly',
    operationId: 'setWeeklySchedule',
    tags: ['Schedules'],
    summary: 'Set the weekly analysis',
    description:
      'Creates or replaces the caller’s weekly proactive analysis. Each weekly run (Sunday 00:00 UTC by default) queues one analysis ' +
      'job, at most one per ISO week, covering the previous 7 days in `timezone`; it then shows in `GET /api/analysis/jobs`. ' +
      '`enabled: false` keeps the schedule without running it.',
    request: { body: { required: true, content: { 'application/json': { schema: weeklyScheduleRequest } } } },
    responses: { 200: ok('The stored schedule.', weeklyScheduleSchema), ...problems(400, 401, 413, 415, 500) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/schedules/weekly',
    operationId: 'getWeeklySchedule',
    tags: ['Schedules'],
    summary: 'Read the weekly analysis',
    description: 'The caller’s schedule; `404 SCHEDULE.NOT_FOUND` when none is set.',
    responses: { 200: ok('The schedule.', weeklyScheduleSchema), ...problems(401, 404, 500) },
  });

  registry.registerPath({
    method: 'delete',
    path: '/api/schedules/weekly',
    operationId: 'deleteWeeklySchedule',
    tags: ['Schedules'],
    summary: 'Remove the weekly analysis',
    description: 'Jobs already queued keep running; no new ones are queued. `404 SCHEDULE.NOT_FOUND` when none is set.',
    responses: { 204: { description: 'The schedule is removed.', headers: REQUEST_ID }, ...problems(401, 404, 500) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/auth/google/authorize',
    operationId: 'authorizeGoogle',
    tags: ['Google account'],
    summary: 'Start connecting a Google account',
    description:
      'Returns Google’s consent URL (offline access, consent prompt, the configured redirect URI and scopes) with a signed, ' +
      'single-use `state` bound to `user_id`. No key is needed for a new user; reconnecting an existing user needs that user’s API key. ' +
      '`404 OAUTH.NOT_CONFIGURED` when the server runs without Google.',
    security: [{}, { bearerAuth: [] }],
    request: { query: authorizeQuerySchema.extend({ user_id: authorizeQuerySchema.shape.user_id.meta({ description: 'The journal user to connect.' }) }) },
    responses: { 200: ok('Where to send the trader.', authorizationSchema), ...problems(400, 401, 404, 500) },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/auth/google/callback',
    operationId: 'completeGoogleConnection',
    tags: ['Google account'],
    summary: 'Finish connecting a Google account',
    description:
      'Verifies and spends the `state`, exchanges the `code`, stores the tokens encrypted and binds the user to the Google account. ' +
      'A new user gets their first API key here. Tampered, expired, replayed or malformed state and a refused code are `400` with their own ' +
      '`OAUTH.*` code; a Google account bound to another user, or a user bound to another account, is `409`.',
    ...open,
    request: { body: { required: true, content: { 'application/json': { schema: callbackBodySchema.meta({ id: 'GoogleCallbackRequest' }) } } } },
    responses: { 200: ok('Connected.', connectedSchema), ...problems(400, 404, 409, 413, 415, 500, 502, 503) },
  });

  registry.registerPath({
    method: 'delete',
    path: '/api/auth/google/connection',
    operationId: 'disconnectGoogle',
    tags: ['Google account'],
    summary: 'Disconnect the Google account',
    description: 'Revokes the grant at Google and deletes the stored (encrypted) tokens; the journal’s data stays in the trader’s Drive and Sheet.',
    responses: { 200: ok('Disconnected.', disconnectedSchema), ...problems(401, 404, 500, 503) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/auth/google/callback',
    operationId: 'googleCallbackPage',
    tags: ['Google account'],
    summary: 'Google’s browser redirect',
    description: 'Where GOOGLE_REDIRECT_URI points: does what the POST does and answers a small page saying whether the account is connected.',
    ...open,
    request: { query: callbackQuerySchema },
    responses: {
      200: { description: 'The account is connected (HTML).', content: { 'text/html': { schema: { type: 'string' } } } },
      400: { description: 'The consent was declined or the state or code was refused (HTML).', content: { 'text/html': { schema: { type: 'string' } } } },
      ...problems(404, 500),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/health',
    operationId: 'getHealth',
    tags: ['Health'],
    summary: 'Liveness',
    ...open,
    responses: { 200: ok('The process is up.', healthSchema) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/health/ready',
    operationId: 'getReadiness',
    tags: ['Health'],
    summary: 'Readiness',
    description: 'Probes each adapter; `503` (same body) when any is unavailable.',
    ...open,
    responses: { 200: ok('Every adapter is ready.', readinessSchema), 503: ok('At least one adapter is unavailable.', readinessSchema) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['Docs'],
    summary: 'This OpenAPI document',
    ...open,
    responses: {
      200: { description: 'The OpenAPI 3.1 document.', headers: REQUEST_ID, content: { 'application/json': { schema: { type: 'object' } } } },
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/docs',
    operationId: 'getDocs',
    tags: ['Docs'],
    summary: 'API reference (HTML)',
    ...open,
    responses: {
      200: {
        description: 'The interactive reference (Swagger UI, served by this API): every operation and schema; Authorize with an API key to try a route.',
        headers: REQUEST_ID,
        content: { 'text/html': { schema: { type: 'string' } } },
      },
    },
  });
}
