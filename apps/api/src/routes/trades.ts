// Trade routes: log a structured trade, submit a narrative, read trades back (a page, or one by id). Wiring only; rules
// live in core.
import { Router, type RequestHandler } from 'express';
import { parseDateRange, parseSheetRef, type CaptureTarget, type TradeCaptureService } from '@pecunia/core';
import { callerOf } from '../http/auth';
import { jsonBody, parseWith } from '../http/validate';
import { listTradesQuerySchema, logTradeBodySchema, sheetQuerySchema, submitTradeBodySchema, tradeIdParamsSchema } from '../http/schemas';
import { presentCaptured } from './present';

export interface TradeRoutesDeps {
  trades: TradeCaptureService;
  defaultTimezone: string;
  idempotency: RequestHandler;
}

/** The sheet query of a trade route, other parameters let through (each route checks its own): built once. */
const targetQuerySchema = sheetQuerySchema.loose();

export function targetOf(query: unknown, bodyTimezone: string | undefined, defaultTimezone: string): CaptureTarget {
  const raw = (query ?? {}) as Record<string, unknown>;
  // The sheet is checked first so that a missing or unsafe sheet_id gets its own code.
  const ref = parseSheetRef(raw['sheet_id'], raw['sheet_range']);
  const q = parseWith(targetQuerySchema, query, 'REQUEST.INVALID_QUERY', 'query');
  return { ...ref, timezone: bodyTimezone ?? q.timezone ?? defaultTimezone };
}

export function tradeRoutes({ trades, defaultTimezone, idempotency }: TradeRoutesDeps): Router {
  const router = Router();

  router.post('/trades', idempotency, async (req, res) => {
    const body = parseWith(logTradeBodySchema, jsonBody(req), 'TRADE.INVALID', 'trade');
    const target = targetOf(req.query, body.timezone, defaultTimezone);
    const { attachments, timezone: _timezone, ...fields } = jsonBody(req) as Record<string, unknown> & { attachments?: never[] };
    const captured = await trades.logTrade(callerOf(req), target, fields, attachments);
    res.status(201).location(tradeLocation(captured.trade.trade_id, req.query)).json(presentCaptured(captured));
  });

  router.post('/trades/submit', idempotency, async (req, res) => {
    const body = parseWith(submitTradeBodySchema, jsonBody(req), 'TRADE.INVALID', 'submission');
    const target = targetOf(req.query, body.timezone, defaultTimezone);
    const { content, attachments, timezone: _timezone, ...rawOverrides } = jsonBody(req) as Record<string, unknown> & {
      content: string;
      attachments?: never[];
    };
    const outcome = await trades.submit(callerOf(req), target, { content, overrides: rawOverrides, attachments });
    if (outcome.status === 'needs_more_info') {
      res.status(202).json(outcome);
      return;
    }
    const { status, extracted_by, ...captured } = outcome;
    res.status(201).location(tradeLocation(captured.trade.trade_id, req.query)).json({ status, extracted_by, ...presentCaptured(captured) });
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

/** Where a created trade can be read: its id, and the journal tab it went to (trades live in the trader's sheet). */
function tradeLocation(tradeId: string, query: unknown): string {
  const raw = (query ?? {}) as Record<string, unknown>;
  const search = new URLSearchParams({ sheet_id: String(raw['sheet_id']) });
  if (typeof raw['sheet_range'] === 'string') search.set('sheet_range', raw['sheet_range']);
  return `/api/trades/${encodeURIComponent(tradeId)}?${search.toString()}`;
}
