// The multipart/form-data bodies of the two trade writes in the API document: the trade as JSON, then its files.
import type { ZodMediaTypeObject } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_ATTACHMENTS } from '@pecunia/core';
import { logTradeFormSchema, submitTradeFormSchema } from '../http/schemas';

const attachments = z
  .array(z.string().meta({ format: 'binary' }))
  .max(MAX_ATTACHMENTS)
  .meta({
    description:
      `The files, each in a part named \`attachments\` with its file name and Content-Type (image/*, audio/*, video/*; 15 MB ` +
      `and ${MAX_ATTACHMENTS} files at most), after the trade part. Each is checked as its first bytes arrive and stored as ` +
      'the rest do, never held whole; one that breaks a rule fails the request, and nothing of it is kept.',
  });

const FORM_RULES =
  'The trade part comes first; files follow. The trade is written once the whole form has arrived: a form cut short ' +
  'or malformed writes nothing. With an Idempotency-Key, the form is fingerprinted by its parts (names, file names, ' +
  'types and bytes), not by its boundary, so a retry that frames the same parts anew is a retry.';

export const logTradeForm = z
  .object({
    trade: logTradeFormSchema.meta({ id: 'LogTradeFormTrade', description: 'The trade’s fields as JSON, as in LogTradeRequest but without `attachments`.' }),
    attachments: attachments.optional(),
  })
  .meta({ id: 'LogTradeForm', description: `A structured trade and its files, streamed. ${FORM_RULES}` });

export const submitTradeForm = z
  .object({
    trade: submitTradeFormSchema.meta({ id: 'SubmitTradeFormTrade', description: 'The narrative and any fields as JSON, as in SubmitTradeRequest but without `attachments`.' }),
    attachments: attachments.optional(),
  })
  .meta({
    id: 'SubmitTradeForm',
    description: `A narrative and its files. The extractor reads the files before anything is stored, so each is read whole (still refused as soon as it passes 15 MB). ${FORM_RULES}`,
  });

/** How each part is sent: the trade as JSON, the files as what they are. */
export const TRADE_FORM_ENCODING: ZodMediaTypeObject['encoding'] = {
  trade: { contentType: 'application/json' },
  attachments: { contentType: 'image/*, audio/*, video/*' },
};
