// Bearer API-key authentication: resolves the caller's user id or answers 401 before any route runs.
import type { RequestHandler } from 'express';
import type { ApiKeyStore } from '@pecunia/core';
import { sendProblem } from './problem';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated caller; set by `requireApiKey`. */
    userId?: string;
  }
}

export function requireApiKey(keys: ApiKeyStore): RequestHandler {
  // Not an async function: the key's lookup is the only wait, and an answer is sent or the request passed on from it.
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="pecunia"');
      return sendProblem(res, 401, 'AUTH.MISSING_KEY', 'Send your API key as "Authorization: Bearer <key>"');
    }
    // A lookup that fails (or throws) goes to the error handler, as the async handler's rejection did.
    return keys.verify(match[1]).then((userId) => {
      if (!userId) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="pecunia", error="invalid_token"');
        return sendProblem(res, 401, 'AUTH.INVALID_KEY', 'The API key is unknown or has been revoked');
      }
      req.userId = userId;
      next();
    });
  };
}

/** The authenticated user id; routes behind `requireApiKey` always have one. */
export function callerOf(req: { userId?: string }): string {
  if (!req.userId) throw new Error('route is not behind requireApiKey');
  return req.userId;
}
