// Request and response schemas of the HTTP API (zod): what routes validate with, and the source of the API document.
import { z } from 'zod';
import { attachmentInputSchema, MAX_ATTACHMENTS, MAX_SHARE_LINK_SECONDS, MIN_SHARE_LINK_SECONDS, timezoneSchema, tradeFieldsSchema } from '@pecunia/core';

/** A query-string page size: plain decimal digits only (`0x10` and `1e2` are refused), within [1, max]. */
export const pageSizeSchema = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value),
    z.number({ message: `must be a whole number from 1 to ${max}` }).int().min(1, `must be a whole number from 1 to ${max}`).max(max, `must be a whole number from 1 to ${max}`),
  );

export const listJobsQuerySchema = z.object({ limit: pageSizeSchema(100).optional() });

export const sheetQuerySchema = z.object({
  sheet_id: z.string({ message: 'is required' }),
  sheet_range: z.string().optional(),
  timezone: timezoneSchema.optional(),
});

const accountFilterSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .meta({ description: 'Only trades of this broker account (exact match).' });

export const listTradesQuerySchema = sheetQuerySchema.extend({
  from: z.string().optional(),
  to: z.string().optional(),
  limit: pageSizeSchema(500).optional(),
  cursor: z.string().max(200).optional(),
  account: accountFilterSchema.optional(),
});

/** A trade's id in a path: the `trade_id` a created trade got (a UUID; a row number for rows older than ids). */
export const tradeIdParamsSchema = z.object({
  trade_id: z.string().min(1).max(128, 'must be at most 128 characters').meta({ description: 'The `trade_id` of the trade (from its creation or a listing).' }),
});

const attachmentsSchema = z.array(attachmentInputSchema.strict()).max(MAX_ATTACHMENTS, `must hold at most ${MAX_ATTACHMENTS} files`);

export const logTradeBodySchema = tradeFieldsSchema
  .extend({ attachments: attachmentsSchema.optional(), timezone: timezoneSchema.optional() })
  .strict();

export const submitTradeBodySchema = tradeFieldsSchema
  .partial()
  .extend({
    content: z.string({ message: 'is required: the trade in your own words' }).trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
    attachments: attachmentsSchema.optional(),
    timezone: timezoneSchema.optional(),
  })
  .strict();

/** The `trade` part of a multipart `POST /api/trades`: the same fields, the files in parts of their own. */
export const logTradeFormSchema = logTradeBodySchema.omit({ attachments: true });

/** The `trade` part of a multipart `POST /api/trades/submit`. */
export const submitTradeFormSchema = submitTradeBodySchema.omit({ attachments: true });

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form yyyy-mm-dd');

export const createJobBodySchema = z
  .object({
    sheet_id: z.string({ message: 'is required' }).min(1),
    sheet_range: z.string().optional(),
    prompt: z.string({ message: 'is required: the question for your coach' }).trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
    start_date: dateSchema.optional(),
    end_date: dateSchema.optional(),
    timezone: timezoneSchema.optional(),
    account: accountFilterSchema.optional(),
  })
  .strict();

const booleanFlag = z.enum(['true', 'false'], { message: 'must be true or false' });

export const importQuerySchema = sheetQuerySchema.extend({
  format: z.string().max(32).optional().meta({ description: 'The broker format; detected from the headers when absent.' }),
  account: accountFilterSchema.optional().meta({ description: 'Account for trades whose file names none.' }),
  dry_run: booleanFlag.optional().meta({ description: 'true: answer what would be imported, write nothing.' }),
  strict: booleanFlag.optional().meta({ description: 'true: any rejected row refuses the whole file (nothing written).' }),
});

export const importJsonBodySchema = z
  .object({
    filename: z.string({ message: 'is required' }).trim().min(1).max(255),
    data: z.string({ message: 'is required: the file as base64' }).min(1, 'must be the file as base64'),
    format: z.string().max(32).optional(),
    timezone: timezoneSchema.optional(),
    account: accountFilterSchema.optional(),
    mapping: z.unknown().optional().meta({ description: 'generic format: our field name → your header, e.g. {"symbol":"Instrument"}.' }),
  })
  .strict();

/** PUT replaces the whole schedule: an optional field left out takes its default (range, prompt, server zone) again. */
export const weeklyScheduleBodySchema = z
  .object({
    sheet_id: z.string({ message: 'is required' }).min(1),
    sheet_range: z.string().optional(),
    prompt: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters').optional(),
    timezone: timezoneSchema.optional(),
    enabled: z.boolean({ message: 'is required: true to run the weekly analysis, false to pause it' }),
  })
  .strict();

export const authorizeQuerySchema = z.object({
  user_id: z.string({ message: 'is required: the journal user to connect' }).min(1).max(128),
});

export const callbackBodySchema = z
  .object({
    code: z.string({ message: 'is required: the `code` Google sent to the redirect URI' }).min(1).max(2048),
    state: z.string({ message: 'is required: the `state` Google sent back' }).min(1).max(2048),
  })
  .strict();

/** The browser redirect: Google adds `code` and `state`, or `error` when the trader declined. */
export const callbackQuerySchema = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(2048).optional(),
  error: z.string().max(200).optional(),
});

const EXPIRES_IN_MESSAGE = `must be a whole number of seconds from ${MIN_SHARE_LINK_SECONDS} to ${MAX_SHARE_LINK_SECONDS} (30 days)`;

/** A share link's life; left out, 7 days. */
export const shareReportBodySchema = z
  .object({
    expires_in: z.number({ message: EXPIRES_IN_MESSAGE }).int(EXPIRES_IN_MESSAGE).min(MIN_SHARE_LINK_SECONDS, EXPIRES_IN_MESSAGE).max(MAX_SHARE_LINK_SECONDS, EXPIRES_IN_MESSAGE).optional(),
  })
  .strict();
