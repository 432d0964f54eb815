// Report pages and share links: the owner's page (HTML, or JSON when HTML is not preferred), the job's share links, and
// the public page a share link opens — or one fixed 404 that says nothing about why.
import { Router, type Request, type Response } from 'express';
import { REPORT_PAGE_CSP, renderReportHtml, SHARE_NOT_FOUND_CODE, type IssuedShare, type MediaInsight, type ReportSharingService } from '@pecunia/core';
import { callerOf } from '../http/auth';
import { problemBody } from '../http/problem';
import { shareReportBodySchema } from '../http/schemas';
import { jsonBody, parseWith } from '../http/validate';

/** Where share links point; the token is the last segment (and is never logged: see `redactSharedReportPath`). */
export const SHARED_REPORT_PREFIX = '/api/shared/reports/';

/** The request path as logs may show it: a share token is a credential, so it is replaced (routing ignores case). */
export const redactSharedReportPath = (path: string): string => path.replace(/^(\/api\/shared\/reports\/)[^/]+/i, '$1[token]');

/**
 * The one answer to a share link that does not open — tampered, expired, revoked, unknown or of a job that is gone —
 * built once, with no `instance` or `request_id`, so the bodies are byte for byte the same.
 */
const SHARED_NOT_FOUND = JSON.stringify(problemBody(404, SHARE_NOT_FOUND_CODE, 'not found'));

/** Headers of every answer carrying a page (and of the shared route's 404): nothing cached, indexed or referred. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
};

function sendPage(res: Response, page: string): void {
  res.status(200).set({ ...PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': REPORT_PAGE_CSP }).send(page);
}

/** On a shared page the API's own media route would be a dead link (it needs the owner's key): only Drive links stay. */
export function sharedMediaHref(publicBaseUrl: () => string): (insight: MediaInsight) => string | undefined {
  return ({ link }) => {
    if (link === undefined) return undefined;
    try {
      return new URL(link, publicBaseUrl()).pathname.toLowerCase().startsWith('/api/media/') ? undefined : link;
    } catch {
      return undefined;
    }
  };
}

export interface ReportRoutesOptions {
  /** Base of the share links' URLs (PUBLIC_BASE_URL); read when a link is made. */
  publicBaseUrl: () => string;
}

const JOB = '/analysis/jobs/:job_id';

/** The owner's routes, behind the API key check. */
export function reportRoutes(sharing: ReportSharingService, options: ReportRoutesOptions): Router {
  const router = Router();
  const present = ({ link, token }: IssuedShare) => ({
    id: link.share_id,
    url: `${options.publicBaseUrl().replace(/\/+$/, '')}${SHARED_REPORT_PREFIX}${token}`,
    created_at: link.created_at,
    expires_at: link.expires_at,
  });

  // HTML for a browser (Accept preferring text/html); JSON for everything else, `*/*` and no Accept included.
  router.get(`${JOB}/report`, async (req, res) => {
    const { job, result } = await sharing.report(callerOf(req), req.params.job_id);
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/html']) === 'text/html') return sendPage(res, renderReportHtml({ job, result }));
    res.set('Cache-Control', 'no-store').json({ job_id: job.job_id, report: result.report, report_markdown: result.report_markdown, metrics: result.metrics });
  });

  router.get(`${JOB}/report.html`, async (req, res) => {
    const { job, result } = await sharing.report(callerOf(req), req.params.job_id);
    sendPage(res, renderReportHtml({ job, result }));
  });

  router.post(`${JOB}/share`, async (req, res) => {
    // The body is optional: no body at all shares for the default 7 days.
    const body = hasBody(req) ? parseWith(shareReportBodySchema, jsonBody(req), 'SHARE.INVALID_REQUEST', 'share request') : {};
    const issued = await sharing.share(callerOf(req), req.params.job_id, body.expires_in);
    res.status(201).set('Cache-Control', 'no-store').json(present(issued));
  });

  router.get(`${JOB}/share`, async (req, res) => {
    const links = await sharing.list(callerOf(req), req.params.job_id);
    res.set('Cache-Control', 'no-store').json({ links: links.map(present) });
  });

  router.delete(`${JOB}/share/:share_id`, async (req, res) => {
    await sharing.revoke(callerOf(req), req.params.job_id, req.params.share_id);
    res.status(204).end();
  });

  router.delete(`${JOB}/share`, async (req, res) => {
    await sharing.revokeAll(callerOf(req), req.params.job_id);
    res.status(204).end();
  });

  return router;
}

/** The page a share link opens, to anyone holding it: mounted before the API key check. */
export function sharedReportRoutes(sharing: ReportSharingService, options: ReportRoutesOptions): Router {
  const router = Router();
  const mediaHref = sharedMediaHref(options.publicBaseUrl);

  router.get('/shared/reports/:token', async (req, res) => {
    let opened;
    try {
      opened = await sharing.open(req.params.token);
    } catch (error) {
      if ((error as { code?: unknown }).code !== SHARE_NOT_FOUND_CODE) throw error;
      return void res.status(404).set({ ...PAGE_HEADERS, 'Content-Type': 'application/problem+json' }).send(SHARED_NOT_FOUND);
    }
    const { job, result, link } = opened;
    sendPage(res, renderReportHtml({ job, result, mediaHref, footerNote: `Shared read-only link · expires ${link.expires_at.slice(0, 10)} (UTC)` }));
  });

  return router;
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}
