// Trade routes: log a structured trade, submit a narrative — each as JSON (files in base64) or as multipart/form-data
// (files streamed to the media store as they arrive) — and read trades back (a page, or one by id). Wiring only; rules
// live in core.
import type { Router, Request, RequestHandler } from 'express';
import {
  MAX_ATTACHMENTS,
  parseDateRange,
  parseSheetRef,
  ValidationError,
  type AttachmentInput,
  type AttachmentStream,
  type CaptureTarget,
  type StreamedAttachments,
  tradeFieldsSchema,
  type TradeCaptureService,
} from '@pecunia/core';
import { callerOf } from '../http/auth';
import { declaredSizeLimit, jsonBodyParser } from '../http/body-limits';
import { series } from '../http/compose';
import { keptBytes, MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-body';
import { readMultipartForm, type FormPart, type MultipartForm } from '../http/multipart';
import { jsonBody, parseWith } from '../http/validate';
import { sendWriteResult } from '../http/write-result';
import {
  listTradesQuerySchema,
  logTradeBodySchema,
  logTradeFormSchema,
  sheetQuerySchema,
  submitTradeBodySchema,
  submitTradeFormSchema,
  tradeIdParamsSchema,
} from '../http/schemas';
import { presentCaptured } from './present';

export interface TradeRoutesDeps {
  trades: TradeCaptureService;
  defaultTimezone: string;
  idempotency: RequestHandler;
  /** Largest request body: a JSON one, or a whole multipart form. */
  maxBodyBytes: number;
}

/** The sheet query of a trade route, other parameters let through (each route checks its own): built once. */
const targetQuerySchema = sheetQuerySchema.loose();

export function targetOf(query: unknown, bodyTimezone: string | undefined, defaultTimezone: string): CaptureTarget {
  const raw = (query ?? {}) as Record<string, unknown>;
  // The sheet is checked first so that a missing or unsafe sheet_id gets its own code.
  const ref = parseSheetRef(raw['sheet_id'], raw['sheet_range']);
  // The sheet's parameters are parseSheetRef's to check, wholly: what the query's schema adds is the zone, read when given.
  const queryTimezone = raw['timezone'] === undefined ? undefined : parseWith(targetQuerySchema, query, 'REQUEST.INVALID_QUERY', 'query').timezone;
  return { ...ref, timezone: bodyTimezone ?? queryTimezone ?? defaultTimezone };
}

/** Base64 file contents the JSON routes read as bytes: they never become strings beside their decoded bytes. */
const ATTACHMENT_DATA = [['attachments', '*', 'data']] as const;
/** The `trade` part of a form: a narrative is at most 20,000 characters, and the fields beside it are few. */
const MAX_TRADE_PART_BYTES = 256 * 1024;
const FORM_TYPE = 'multipart/form-data';

/**
 * Reads a trade write's body before the Idempotency-Key check: JSON is parsed (its fingerprint taken from the raw
 * bytes), a form is opened and read part by part by the route (its fingerprint known once it has all arrived).
 */
function tradeBody(maxBodyBytes: number, forms: WeakMap<Request, MultipartForm>): RequestHandler[] {
  const openForm: RequestHandler = (req, _res, next) => {
    // A body the JSON parser has read is no form: its type need not be looked at again.
    if (req.body === undefined && req.is(FORM_TYPE)) {
      forms.set(req, readMultipartForm(req, { maxBodyBytes, names: ['trade', 'attachments'], maxParts: MAX_ATTACHMENTS + 2, maxFieldBytes: MAX_TRADE_PART_BYTES }));
    }
    next();
  };
  return [...jsonBodyParser(maxBodyBytes, { keepAsBytes: ATTACHMENT_DATA }), declaredSizeLimit(maxBodyBytes, [FORM_TYPE]), openForm];
}

/**
 * Adds the trade routes to `router`: the API's `/api` router itself, so that a trade request is not handed through a
 * second router (each costs every request that enters it a few µs).
 */
export function tradeRoutes({ trades, defaultTimezone, idempotency, maxBodyBytes }: TradeRoutesDeps, router: Router): Router {
  const forms = new WeakMap<Request, MultipartForm>();
  // The body readers and the Idempotency-Key check as one handler of each write route (fewer steps per request).
  const beforeWrite = series(...tradeBody(maxBodyBytes, forms), idempotency);

  /**
   * Where a JSON trade goes. A body of trade fields alone is checked once, by core's trade schema (the same rules,
   * worded the same); one with files, a zone or anything else is checked here first, as a whole, so that every
   * problem is listed. Either way a body's own problems are answered before the query's, as the whole check does.
   */
  const jsonTarget = (raw: Record<string, unknown>, query: unknown): CaptureTarget => {
    if (!hasOnlyTradeFields(raw)) return targetOf(query, parseWith(logTradeBodySchema, raw, 'TRADE.INVALID', 'trade').timezone, defaultTimezone);
    try {
      return targetOf(query, undefined, defaultTimezone);
    } catch (error) {
      parseWith(logTradeBodySchema, raw, 'TRADE.INVALID', 'trade');
      throw error;
    }
  };

  const log = {
    form: (req: Request, query: unknown, form: MultipartForm) =>
      withForm(form, async () => {
        const raw = await tradePart(form);
        const fields = parseWith(logTradeFormSchema, raw, 'TRADE.INVALID', 'trade');
        const { timezone: _timezone, ...rest } = raw;
        return trades.logTradeStreamed(callerOf(req), targetOf(query, fields.timezone, defaultTimezone), rest, streamedFiles(form));
      }),
    json: (req: Request, query: unknown) => {
      const raw = jsonBody(req, FORM_TYPE);
      const { attachments, timezone: _timezone, ...rest } = raw;
      return trades.logTrade(callerOf(req), jsonTarget(raw, query), rest, attachmentInputs(req, attachments));
    },
  };

  const submit = {
    form: (req: Request, form: MultipartForm) =>
      withForm(form, async () => {
        const raw = await tradePart(form);
        const fields = parseWith(submitTradeFormSchema, raw, 'TRADE.INVALID', 'submission');
        const { content, timezone: _timezone, ...overrides } = raw as Record<string, unknown> & { content: string };
        const target = targetOf(req.query, fields.timezone, defaultTimezone);
        return trades.submitStreamed(callerOf(req), target, { content, overrides, attachments: streamedFiles(form) });
      }),
    json: (req: Request) => {
      const raw = jsonBody(req, FORM_TYPE);
      const fields = parseWith(submitTradeBodySchema, raw, 'TRADE.INVALID', 'submission');
      const { content, attachments, timezone: _timezone, ...overrides } = raw as Record<string, unknown> & { content: string };
      const target = targetOf(req.query, fields.timezone, defaultTimezone);
      return trades.submit(callerOf(req), target, { content, overrides, attachments: attachmentInputs(req, attachments) });
    },
  };

  router.post('/trades', beforeWrite, async (req, res) => {
    const form = forms.get(req);
    // Express parses the query string again on every read of req.query: read once.
    const query = req.query;
    const captured = await (form ? log.form(req, query, form) : log.json(req, query));
    sendWriteResult(res, 201, presentCaptured(captured), tradeLocation(captured.trade.trade_id, query));
  });

  router.post('/trades/submit', beforeWrite, async (req, res) => {
    const form = forms.get(req);
    const outcome = await (form ? submit.form(req, form) : submit.json(req));
    if (outcome.status === 'needs_more_info') {
      sendWriteResult(res, 202, outcome);
      return;
    }
    const { status, extracted_by, ...captured } = outcome;
    sendWriteResult(res, 201, { status, extracted_by, ...presentCaptured(captured) }, tradeLocation(captured.trade.trade_id, req.query));
  });

  router.get('/trades', async (req, res) => {
    const target = targetOf(req.query, undefined, defaultTimezone);
    const query = parseWith(listTradesQuerySchema, req.query, 'REQUEST.INVALID_QUERY', 'query');
    const range = parseDateRange(query.from, query.to, target.timezone, { start: 'from', end: 'to' });
    const page = await trades.listTrades(callerOf(req), target, { range, limit: query.limit, cursor: query.cursor, account: query.account });
    res.json(page);
  });

  router.get('/trades/:trade_id', async (req, res) => {
    const target = targetOf(req.query, undefined, defaultTimezone);
    const { trade_id: tradeId } = parseWith(tradeIdParamsSchema, req.params, 'REQUEST.INVALID_PATH', 'path');
    res.json(await trades.getTrade(callerOf(req), target, tradeId));
  });

  return router;
}

/** The fields of a trade, as core's schema names them. */
const TRADE_FIELDS: ReadonlySet<string> = new Set(Object.keys(tradeFieldsSchema.shape));

/** Whether a JSON body holds nothing but trade fields (no files, no zone, nothing unknown). */
function hasOnlyTradeFields(body: Record<string, unknown>): boolean {
  for (const key in body) if (!TRADE_FIELDS.has(key)) return false;
  return true;
}

/** Where a created trade can be read: its id, and the journal tab it went to (trades live in the trader's sheet). */
function tradeLocation(tradeId: string, query: unknown): string {
  const raw = (query ?? {}) as Record<string, unknown>;
  const search = new URLSearchParams({ sheet_id: String(raw['sheet_id']) });
  if (typeof raw['sheet_range'] === 'string') search.set('sheet_range', raw['sheet_range']);
  return `/api/trades/${encodeURIComponent(tradeId)}?${search.toString()}`;
}

/** The base64 attachments of a JSON body, each long `data` handed over in the bytes it arrived in. */
function attachmentInputs(req: Request, attachments: unknown): AttachmentInput[] | undefined {
  if (!Array.isArray(attachments)) return undefined;
  return (attachments as AttachmentInput[]).map((attachment) => {
    const bytes = keptBytes(req, attachment.data);
    return bytes ? { ...attachment, data: { base64: bytes } } : attachment;
  });
}

/** Runs `use` on a form; whatever it leaves unread (it failed, or answered early) is dropped. */
async function withForm<T>(form: MultipartForm, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } finally {
    form.discard();
  }
}

/** The form's first part, which must be the trade as a JSON object (a text field, or a small file). */
async function tradePart(form: MultipartForm): Promise<Record<string, unknown>> {
  const part = await form.nextPart();
  if (!part) throw new ValidationError('BODY.TRADE_PART_MISSING', 'The form has no "trade" part: send the trade as JSON in a part named "trade", before the files');
  if (part.name !== 'trade') throw tradeNotFirst();
  const text = part.kind === 'field' ? part.value : await smallText(part, MAX_TRADE_PART_BYTES);
  if (nestsDeeperThan(Buffer.from(text), MAX_JSON_DEPTH)) {
    throw new ValidationError('BODY.TOO_DEEP', `The "trade" part nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('BODY.MALFORMED_JSON', 'The "trade" part is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('BODY.NOT_AN_OBJECT', 'The "trade" part must be a JSON object');
  }
  return value as Record<string, unknown>;
}

const tradeNotFirst = () => new ValidationError('BODY.TRADE_PART_NOT_FIRST', 'Send exactly one "trade" part, first, then the files in parts named "attachments"');

async function smallText(part: Extract<FormPart, { kind: 'file' }>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.chunks) {
    size += chunk.length;
    if (size > maxBytes) throw new ValidationError('BODY.FIELD_TOO_LARGE', `Form part "${part.name}" is larger than ${maxBytes / 1024} KB`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The files after the trade part, handed to core one at a time as they stream in. The row waits for the whole form:
 * a body cut short or malformed after the last file writes nothing.
 */
function streamedFiles(form: MultipartForm): StreamedAttachments {
  async function* files(): AsyncGenerator<AttachmentStream> {
    for (let part = await form.nextPart(); part; part = await form.nextPart()) {
      if (part.name === 'trade') throw tradeNotFirst();
      if (part.kind === 'field') throw new ValidationError('BODY.ATTACHMENT_NOT_A_FILE', 'An "attachments" part must be a file: give it a filename and a Content-Type');
      yield { filename: part.filename, mimeType: part.mimeType, chunks: part.chunks };
    }
  }
  return { files: files(), beforeWrite: async () => void (await form.finished()) };
}

