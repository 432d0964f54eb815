import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { helmetSteps, securityHeaders } from './security-headers';
import { listenOnLoopback } from '../testing/listen';

/** The app's policy (app.ts), and Helmet's plain defaults. */
const APP_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
};

/** Every response header but the ones that change per response, in the order they were sent. */
async function headersOf(middleware: RequestHandler, poweredBy: boolean): Promise<Array<[string, string]>> {
  const app = express();
  if (!poweredBy) app.disable('x-powered-by');
  app.use(middleware);
  app.get('/x', (_req, res) => void res.json({ ok: true }));
  // A route that sets its own policy after the middleware replaces it, as the docs and report pages do.
  app.get('/page', (_req, res) => void res.setHeader('Content-Security-Policy', "default-src 'self'").send('<p>page</p>'));
  const listening = await listenOnLoopback(app);
  try {
    const sent: Array<[string, string]> = [];
    for (const path of ['/x', '/page']) {
      const res = await fetch(`${listening.base}${path}`);
      await res.text();
      for (const [name, value] of res.headers) if (name !== 'date') sent.push([`${path} ${name}`, value]);
    }
    return sent;
  } finally {
    await listening.close();
  }
}

describe('securityHeaders', () => {
  it.each([
    ['the app policy', APP_OPTIONS],
    ["Helmet's defaults", {}],
  ])('sends exactly the headers helmet() sends, with %s', async (_name, options) => {
    for (const poweredBy of [false, true]) {
      const expected = await headersOf(helmet(options), poweredBy);
      expect(await headersOf(securityHeaders(options), poweredBy)).toEqual(expected);
    }
  });

  it('sets them on each response in the order Helmet sets them, X-Powered-By removed', () => {
    const names = helmetSteps(APP_OPTIONS).map((step) => ('set' in step ? step.set : `-${step.remove}`));
    expect(names).toEqual([
      'Content-Security-Policy',
      'Cross-Origin-Opener-Policy',
      'Cross-Origin-Resource-Policy',
      'Origin-Agent-Cluster',
      'Referrer-Policy',
      'Strict-Transport-Security',
      'X-Content-Type-Options',
      'X-DNS-Prefetch-Control',
      'X-Download-Options',
      'X-Frame-Options',
      'X-Permitted-Cross-Domain-Policies',
      '-X-Powered-By',
      'X-XSS-Protection',
    ]);
  });

  it('refuses a policy that depends on the request, which cannot be worked out once', () => {
    const nonce = (_req: unknown, res: unknown) => `'nonce-${String((res as { locals?: { nonce?: string } }).locals?.nonce)}'`;
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } })).toThrow(/depends on the request/);
  });
});
