// Request parsing helpers: zod schemas in, typed values out, failures as 400 problems with every issue listed.
import type { Request } from 'express';
import type { z } from 'zod';
import { PecuniaError, ValidationError } from '@pecunia/core';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, code: string, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
  throw new ValidationError(code, `Invalid ${what}: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}

/**
 * The JSON body of a request; anything but a JSON object is refused with a reason. `alsoAccepted`: the other body a
 * route takes (read before this is called), named in the 415 for a body that is neither.
 */
export function jsonBody(req: Request, alsoAccepted?: string): Record<string, unknown> {
  if (!req.is('application/json')) {
    const hint = alsoAccepted
      ? `Send the request body as JSON ("Content-Type: application/json") or as ${alsoAccepted}`
      : 'Send the request body as JSON with "Content-Type: application/json"';
    throw new PecuniaError('BODY.UNSUPPORTED_MEDIA_TYPE', hint, { status: 415 });
  }
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('BODY.NOT_AN_OBJECT', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
