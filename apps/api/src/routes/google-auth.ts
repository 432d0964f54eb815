// Connecting a Google account (reachable without an API key): the consent URL, and the callback — as JSON for
// programs and as a small page for the browser Google redirects back to.
import { Router, type Request, type Response } from 'express';
import { isPecuniaError, PecuniaError, type ApiKeyStore, type GoogleConnectService } from '@pecunia/core';
import { authorizeQuerySchema, callbackBodySchema, callbackQuerySchema } from '../http/schemas';
import { callerOf } from '../http/auth';
import { jsonBody, parseWith } from '../http/validate';
import { jsonBodyParser, PUBLIC_JSON_LIMIT_BYTES } from '../http/body-limits';

const notConfigured = () =>
  new PecuniaError('OAUTH.NOT_CONFIGURED', 'Google accounts are not enabled on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI).', {
    status: 404,
  });

/** The caller's user id when a valid key is sent; null without one; 401 for a key that is wrong. */
async function optionalCaller(req: Request, keys: ApiKeyStore): Promise<string | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  const userId = match?.[1] ? await keys.verify(match[1]) : null;
  if (!userId) throw new PecuniaError('AUTH.INVALID_KEY', 'The API key is unknown or has been revoked', { status: 401 });
  return userId;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: Response, status: number, title: string, lines: readonly string[]): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}` +
        `code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px;word-break:break-all}</style></head><body>` +
        `<h1>${escapeHtml(title)}</h1>${lines.map((line) => `<p>${line}</p>`).join('')}</body></html>`,
    );
}

/** Disconnecting needs the caller's key: behind the key check, with the other authenticated routes. */
export function googleConnectionRoutes(connect: GoogleConnectService | null): Router {
  const router = Router();
  router.delete('/auth/google/connection', async (req, res) => {
    const service = connect ?? (() => { throw notConfigured(); })();
    res.json(await service.disconnect(callerOf(req)));
  });
  return router;
}

export function googleAuthRoutes(connect: GoogleConnectService | null, keys: ApiKeyStore): Router {
  const router = Router();
  const need = (): GoogleConnectService => connect ?? (() => { throw notConfigured(); })();

  router.get('/auth/google/authorize', async (req, res) => {
    const service = need();
    const { user_id } = parseWith(authorizeQuerySchema, req.query, 'OAUTH.INVALID_USER', 'query');
    res.set('Cache-Control', 'no-store').json(await service.authorize(user_id, await optionalCaller(req, keys)));
  });

  // Reachable without a key: its own small JSON limit (a code and a state are a few hundred bytes).
  router.post('/auth/google/callback', ...jsonBodyParser(PUBLIC_JSON_LIMIT_BYTES), async (req, res) => {
    const service = need();
    const { code, state } = parseWith(callbackBodySchema, jsonBody(req), 'OAUTH.INVALID_CALLBACK', 'callback');
    res.set('Cache-Control', 'no-store').json(await service.callback(code, state));
  });

  router.get('/auth/google/callback', async (req, res) => {
    const service = need();
    const query = parseWith(callbackQuerySchema, req.query, 'OAUTH.INVALID_CALLBACK', 'callback');
    if (query.error) {
      return page(res, 400, 'Google account not connected', [
        `Google answered <code>${escapeHtml(query.error)}</code>: the consent was not given.`,
        'Start again from your app to connect your account. (code OAUTH.CONSENT_DENIED)',
      ]);
    }
    try {
      const result = await service.callback(query.code, query.state);
      page(res, 200, 'Google account connected', [
        `Journal user <code>${escapeHtml(result.user_id)}</code> is connected${result.email ? ` to <code>${escapeHtml(result.email)}</code>` : ''}.`,
        result.api_key
          ? `Your API key, shown only once — keep it safe: <code>${escapeHtml(result.api_key)}</code>`
          : 'You can close this page and go back to your app.',
      ]);
    } catch (error) {
      if (!isPecuniaError(error) || error.status >= 500) throw error;
      page(res, error.status, 'Google account not connected', [escapeHtml(error.message), `(code ${escapeHtml(error.code)})`]);
    }
  });

  return router;
}
