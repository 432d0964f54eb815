// Import route: a broker export (multipart upload streamed into the parser, or base64 JSON) becomes journal trades.
import { Router } from 'express';
import { z } from 'zod';
import { IMPORT_FORMATS, GENERIC_FIELDS, PecuniaError, ValidationError, type ImportFormat, type TradeImportService } from '@pecunia/core';
import { callerOf } from '../http/auth';
import { readMultipartUpload } from '../http/multipart';
import { jsonBody, parseWith } from '../http/validate';
import { importJsonBodySchema, importQuerySchema } from '../http/schemas';
import { targetOf } from './trades';

export interface ImportRoutesDeps {
  imports: TradeImportService;
  defaultTimezone: string;
  maxFileBytes: number;
}

const FIELD_NAMES = ['format', 'timezone', 'account', 'mapping'] as const;

function formatOf(value: unknown): ImportFormat | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (IMPORT_FORMATS as readonly string[]).includes(value)) return value as ImportFormat;
  throw new ValidationError('IMPORT.UNKNOWN_FORMAT', `Unknown format "${String(value)}"; known formats: ${IMPORT_FORMATS.join(', ')}`, {
    known_formats: [...IMPORT_FORMATS],
  });
}

const mappingSchema = z.partialRecord(z.enum(GENERIC_FIELDS), z.string().trim().min(1).max(128));

function mappingOf(value: unknown): z.output<typeof mappingSchema> | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new ValidationError('IMPORT.INVALID_MAPPING', 'mapping must be a JSON object such as {"symbol":"Instrument","time":"Filled At"}');
    }
  }
  return parseWith(mappingSchema, parsed, 'IMPORT.INVALID_MAPPING', 'mapping');
}

function decodeBase64(text: string, maxBytes: number): Buffer {
  const compact = text.replace(/^data:[^,]{0,200},/, '').replace(/[\r\n\t ]/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new ValidationError('IMPORT.INVALID_BASE64', 'data must be the file encoded as base64');
  }
  // Checked on the encoded length, before a byte is decoded.
  if (Math.floor((compact.length * 3) / 4) > maxBytes + 2) {
    throw new PecuniaError('BODY.FILE_TOO_LARGE', `The file is larger than ${+(maxBytes / 1024 / 1024).toFixed(2)} MB`, { status: 413 });
  }
  return Buffer.from(compact, 'base64');
}

export function importRoutes({ imports, defaultTimezone, maxFileBytes }: ImportRoutesDeps): Router {
  const router = Router();

  // Not behind the Idempotency-Key middleware: an import is idempotent by itself (a retry skips what it wrote).
  router.post('/imports', async (req, res) => {
    const query = parseWith(importQuerySchema, req.query, 'REQUEST.INVALID_QUERY', 'query');
    const flags = { dryRun: query.dry_run === 'true', strict: query.strict === 'true' };
    let outcome;
    if (req.is('multipart/form-data')) {
      const upload = await readMultipartUpload(req, { fileField: 'file', maxFileBytes, fieldNames: FIELD_NAMES });
      const fields = parseWith(importQuerySchema.pick({ timezone: true, account: true }), upload.fields, 'IMPORT.INVALID_REQUEST', 'form');
      const target = targetOf(req.query, fields.timezone, defaultTimezone);
      outcome = await imports.importFile(callerOf(req), target, {
        source: upload.file.stream,
        format: formatOf(upload.fields['format'] ?? query.format),
        account: fields.account ?? query.account,
        mapping: mappingOf(upload.fields['mapping']),
        ...flags,
        // Fields after the file arrive only once it has been read: too late to steer parsing, so nothing is written.
        beforeWrite: async () => {
          await upload.finished();
          const late = upload.lateFields();
          if (late.length > 0) {
            throw new ValidationError('IMPORT.FIELDS_AFTER_FILE', `Send ${late.join(', ')} before the file part (or as query parameters): nothing was written`);
          }
        },
      });
    } else {
      const body = parseWith(importJsonBodySchema, jsonBody(req), 'IMPORT.INVALID_REQUEST', 'import request');
      const target = targetOf(req.query, body.timezone, defaultTimezone);
      outcome = await imports.importFile(callerOf(req), target, {
        source: decodeBase64(body.data, maxFileBytes),
        format: formatOf(body.format ?? query.format),
        account: body.account ?? query.account,
        mapping: mappingOf(body.mapping),
        ...flags,
      });
    }
    res.status(!outcome.dry_run && outcome.imported > 0 ? 201 : 200).json(outcome);
  });

  return router;
}
