// Schemas of the import operation in the API document: a broker file in (multipart or base64 JSON), round trips out.
import { z } from 'zod';
import { IMPORT_FORMATS, POSITION_TYPES } from '@pecunia/core';
import { importJsonBodySchema, importQuerySchema } from '../http/schemas';
import { storedTradeSchema } from './response-schemas';

export const FORMATS_TEXT = IMPORT_FORMATS.map((f) => `\`${f}\``).join(', ');

const format = z.enum(IMPORT_FORMATS).meta({ description: `The broker format; detected from the file's headers when absent. One of ${FORMATS_TEXT}.` });

export const importJsonRequest = importJsonBodySchema
  .extend({ format: format.optional() })
  .meta({
    id: 'ImportFileRequest',
    description: 'A broker export as base64 (50 MB at most before encoding). Prefer `multipart/form-data` for large files: it is parsed as it arrives.',
    example: { filename: 'trades.csv', data: 'QWNjb3VudCxUL0QsUy9ELEN1cnJlbmN5LC4uLg==', timezone: 'America/New_York' },
  });

export const importQuery = importQuerySchema.extend({ format: format.optional() });

export const importMultipartRequest = z
  .object({
    format: format.optional(),
    timezone: z.string().optional().meta({ description: 'IANA zone the file’s times are read in (they rarely carry an offset).' }),
    account: z.string().optional().meta({ description: 'Account for trades whose file names none.' }),
    mapping: z.string().optional().meta({ description: 'generic format: a JSON object, our field name → your header.' }),
    file: z.string().meta({ description: 'The export, sent last (fields after it are refused).', format: 'binary' }),
  })
  .meta({ id: 'ImportFileForm' });

const openPositionSchema = z
  .object({
    account: z.string(),
    contract: z.string().meta({ description: 'The exact contract, e.g. `MESH6`.' }),
    ticker: z.string().meta({ description: 'Root symbol, e.g. `MES`.' }),
    position_type: z.enum(POSITION_TYPES),
    quantity: z.number(),
    entry_price: z.number().meta({ description: 'Quantity-weighted average of the open lots.' }),
    entry_timestamp: z.string(),
    fees: z.number(),
    multiplier: z.number(),
    currency: z.string().optional(),
  })
  .meta({ id: 'OpenPosition', description: 'A position still open at the end of the file: reported, not written.' });

export const importResultSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    dry_run: z.boolean(),
    pnl_basis: z.literal('net').meta({ description: 'Each trade’s `pnl` is net of every commission and fee on its fills (gross minus fees).' }),
    imported: z.number().int().meta({ description: 'Round trips written (or, on a dry run, that would be).' }),
    duplicates_skipped: z.number().int().meta({ description: 'Round trips already in the journal (same broker executions).' }),
    fill_count: z.number().int(),
    open_positions: z.array(openPositionSchema),
    rejected_rows: z.array(z.object({ line: z.number().int(), reason: z.string() }).meta({ id: 'RejectedRow' })),
    notes: z.array(z.string()).meta({ description: 'What the importer assumed (no fee columns, unmatched fees …).' }),
    trades: z.array(storedTradeSchema).meta({ description: 'The trades written (or that would be), oldest exit first.' }),
  })
  .meta({ id: 'ImportResult', description: 'Fills paired into flat-to-flat round trips, net of fees, each written once.' });
