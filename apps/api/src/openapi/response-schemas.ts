// Zod schemas of every response body, for the API document only: routes do not validate what they send with them.
import { z } from 'zod';
import { jobSummarySchema, POSITION_TYPES, REQUIRED_TRADE_FIELDS } from '@pecunia/core';

// Ids are given with `.meta({ id })` once, at module scope, so each schema becomes one named component.

const timestamp = (description: string) => z.string().meta({ description, example: '2026-03-02T09:41:00-05:00' });
const positive = (description: string) => z.number().positive().meta({ description });

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'URI naming the kind of problem.', example: 'https://docs.pecunia.dev/problems/trade-invalid' }),
    title: z.string().meta({ description: 'Short summary of the HTTP status.', example: 'Bad Request' }),
    status: z.number().int().meta({ description: 'HTTP status code.', example: 400 }),
    detail: z.string().meta({ description: 'What went wrong, for a person.', example: 'Invalid trade: pnl must be a number' }),
    code: z.string().meta({ description: 'Stable machine-readable code: switch on this, not on `detail`.', example: 'TRADE.INVALID' }),
    instance: z.string().optional().meta({ description: 'Path of the request.' }),
    request_id: z.string().optional().meta({ description: 'Identifies the request in the server logs (also the `X-Request-Id` header).' }),
    issues: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Every validation issue, when the request was invalid.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, with a stable `code`. Other extension members may appear.' });

export const storedTradeSchema = z
  .object({
    trade_id: z.string().meta({ description: 'Id of the trade (the sheet row number for rows written before ids existed).' }),
    user_id: z.string(),
    ticker: z.string().meta({ description: 'Upper-cased symbol.', example: 'AAPL' }),
    position_type: z.enum(POSITION_TYPES),
    pnl: z.number().meta({ description: 'Realised profit or loss; 0 is a break-even.', example: 185 }),
    entry_timestamp: timestamp('ISO 8601, with its offset.'),
    exit_timestamp: timestamp('ISO 8601, with its offset; never before the entry.'),
    notes: z.string(),
    quantity: positive('Shares, contracts or coins.').optional(),
    entry_price: positive('Entry price.').optional(),
    exit_price: positive('Exit price.').optional(),
    stop_loss: positive('Stop-loss price.').optional(),
    tags: z.array(z.string()).optional(),
    account: z.string().optional(),
    file_links: z.string().meta({ description: 'Attachment references `file_id|mime_type|link` joined by `; ` (empty without attachments).' }),
    created_at: z.string().optional().meta({ description: 'When the trade was written (ISO 8601, UTC).' }),
  })
  .meta({ id: 'StoredTrade', description: 'A trade as the journal stores it.' });

export const storedMediaSchema = z
  .object({
    id: z.string(),
    filename: z.string(),
    mime_type: z.string().meta({ example: 'image/png' }),
    size: z.number().int().meta({ description: 'Bytes.' }),
    link: z.string().meta({ description: 'Where the file can be opened (`/api/media/{id}` in local mode).' }),
  })
  .meta({ id: 'StoredMedia', description: 'An attachment as stored.' });

export const journalLocationSchema = z
  .object({
    sheet_id: z.string(),
    tab: z.string(),
    updated_range: z.string().meta({ example: 'Journal!A2:P2' }),
    row_number: z.number().int(),
  })
  .meta({ id: 'JournalLocation', description: 'Where the row went.' });

const captured = {
  trade: storedTradeSchema,
  attachments: z.array(storedMediaSchema),
  location: journalLocationSchema,
};

export const captureResultSchema = z.object(captured).meta({ id: 'CaptureResult', description: 'The stored trade, its attachments and where the row went.' });

export const submitCreatedSchema = z
  .object({
    status: z.literal('created'),
    extracted_by: z.string().meta({ description: 'Which extractor read the narrative.', example: 'rule-based' }),
    ...captured,
  })
  .meta({ id: 'SubmitCreated', description: 'The narrative held every required field: the trade was stored.' });

export const tradeFieldsDraftSchema = z
  .object({
    ticker: z.string(),
    position_type: z.enum(POSITION_TYPES),
    pnl: z.number(),
    entry_timestamp: z.string(),
    exit_timestamp: z.string(),
    notes: z.string(),
    quantity: z.number(),
    entry_price: z.number(),
    exit_price: z.number(),
    stop_loss: z.number(),
    tags: z.array(z.string()),
    account: z.string(),
  })
  .partial()
  .meta({ id: 'TradeFieldsDraft', description: 'Fields understood so far (extracted, then overridden by the fields sent).' });

export const needsMoreInfoSchema = z
  .object({
    status: z.literal('needs_more_info'),
    missing_fields: z.array(z.enum(REQUIRED_TRADE_FIELDS)).meta({ description: 'Send these (as body fields) with the same content to complete the trade.' }),
    fields: tradeFieldsDraftSchema,
    extracted_by: z.string(),
  })
  .meta({ id: 'NeedsMoreInfo', description: 'Required fields are missing: nothing was written.' });

export const tradePageSchema = z
  .object({
    trades: z.array(storedTradeSchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    skipped_rows: z
      .array(z.object({ row: z.number().int(), reason: z.string() }))
      .meta({ description: 'Rows read for this page that could not be read as trades, with their sheet row number (paging to the end reports each once).' }),
  })
  .meta({ id: 'TradePage', description: 'One page of trades, oldest exit first.' });

// Jobs, metrics, patterns and reports are described once, by core's zod schemas: the document promises exactly the
// shapes the core produces and validates.
export { jobSummarySchema, jobViewSchema as jobSchema } from '@pecunia/core';

// The weekly schedule is stored and answered exactly as core's schema describes it.
export { weeklyScheduleSchema } from '@pecunia/core';

export const jobCreatedSchema = z
  .object({ job_id: z.string(), status: z.literal('queued') })
  .meta({ id: 'JobCreated', description: 'The job was stored and queued; poll it at the `Location` header.' });

export const jobListSchema = z.object({ jobs: z.array(jobSummarySchema) }).meta({ id: 'JobList', description: "The caller's recent jobs, newest first." });

export const healthSchema = z
  .object({ status: z.literal('ok'), version: z.string(), mode: z.string().meta({ example: 'local' }) })
  .meta({ id: 'Health', description: 'The process is up.' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    mode: z.string(),
    adapters: z.array(
      z
        .object({
          port: z.string().meta({ example: 'journal' }),
          family: z.string().meta({ description: 'The family of adapters serving the port.', example: 'local' }),
          adapter: z.string().meta({ example: 'sqlite' }),
          status: z.enum(['ready', 'unavailable']),
          code: z
            .string()
            .optional()
            .meta({ description: 'Why an unavailable adapter failed, as a stable code (the details are in the server log).', example: 'ADAPTER.UNAVAILABLE' }),
        })
        .meta({ id: 'AdapterReadiness' }),
    ),
  })
  .meta({ id: 'Readiness', description: 'Readiness of each adapter, and which adapter serves each port.' });

export const authorizationSchema = z
  .object({
    authorization_url: z.string().meta({ description: 'Send the trader here (Google’s consent screen); Google then redirects to GOOGLE_REDIRECT_URI with `code` and `state`.' }),
    state: z.string().meta({ description: 'Signed, single-use, valid for OAUTH_STATE_TTL seconds; Google returns it unchanged.' }),
  })
  .meta({ id: 'GoogleAuthorization', description: 'Where to send the trader to connect their Google account.' });

export const connectedSchema = z
  .object({
    status: z.literal('connected'),
    user_id: z.string(),
    email: z.string().nullable().meta({ description: 'The Google account’s address, when Google shared it.' }),
    api_key: z.string().nullable().meta({ description: 'The new user’s first API key — shown once; null for a user who already had keys.' }),
  })
  .meta({ id: 'GoogleConnected', description: 'The journal user is connected to the Google account; tokens are stored encrypted.' });

export const disconnectedSchema = z
  .object({ status: z.literal('disconnected'), user_id: z.string() })
  .meta({ id: 'GoogleDisconnected', description: 'The grant was revoked at Google and the connection deleted; the account may connect again.' });
